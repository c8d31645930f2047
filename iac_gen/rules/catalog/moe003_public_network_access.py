"""MOE003: the endpoint accepts scoring requests from the public internet."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class PublicNetworkAccess(Rule):
    id = "MOE003"
    title = "Endpoint reachable from public networks"
    severity = "high"
    category = "security"
    rationale = (
        "Microsoft recommends disabling public network access on the workspace and the "
        "managed online endpoint; a public scoring URI is reachable by anyone who holds a key "
        "or token and widens the attack surface."
    )
    docs = (
        "Fires when `public_network_access` is `enabled`, or is not stated (the service "
        "default is `enabled`). Set `public_network_access: disabled` and call the endpoint "
        "through the workspace private endpoint. Suppress with a reason for endpoints that "
        "serve public clients by design."
    )
    source = (
        "Azure ML docs 'Network isolation with managed online endpoints'; CLI v2 online "
        "endpoint YAML reference (`public_network_access`, default `enabled`)"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        pna = spec.endpoint.public_network_access
        if pna is None:
            yield RuleHit(
                "public_network_access",
                "public_network_access is not stated, so the endpoint is public by default; "
                "set public_network_access: disabled",
            )
        elif pna.lower() == "enabled":
            yield RuleHit(
                "public_network_access", "endpoint accepts scoring requests from public networks"
            )
