"""MOE034: the endpoint's permission boundary is left to service defaults."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class ImplicitPermissionBoundary(Rule):
    id = "MOE034"
    title = "Permission boundary not stated explicitly"
    severity = "medium"
    category = "security"
    rationale = (
        "Who may call the endpoint (auth mode), from where (network access) and as whom it "
        "acts (identity) must be visible in review; a default is invisible in the spec and "
        "can change with the service or the API version."
    )
    docs = (
        "Fires for each of `auth_mode`, `public_network_access` and `identity` that the spec "
        "does not state. State them even when the default is what you want."
    )
    source = (
        "Production-readiness checks of the operators' field manual (explicit permission boundary)"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        endpoint = spec.endpoint
        if endpoint.auth_mode is None:
            yield RuleHit("auth_mode", "auth_mode is not stated (service default: key)")
        if endpoint.public_network_access is None:
            yield RuleHit(
                "public_network_access",
                "public_network_access is not stated (service default: enabled)",
            )
        if endpoint.identity is None:
            yield RuleHit("identity", "identity is not stated (service default: system_assigned)")
