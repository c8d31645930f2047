"""MOE034: the endpoint has no file, so its whole permission boundary is service defaults."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class ImplicitPermissionBoundary(Rule):
    id = "MOE034"
    title = "Endpoint implied by deployment files: permission boundary is service defaults"
    severity = "medium"
    category = "security"
    rationale = (
        "Who may call the endpoint (auth mode), from where (network access) and as whom it "
        "acts (identity) must be visible in review. An endpoint made with `az ml "
        "online-endpoint create -n NAME` has no file: the spec cannot show any of it, and a "
        "default can change with the service or the API version."
    )
    docs = (
        "Fires once for CLI v2 deployment files whose endpoint has no file (the endpoint is "
        "implied by `endpoint_name`), naming the security fields that are then the service's "
        "defaults. An endpoint file that leaves one of them out is reported by the rule for "
        "that field (MOE001 auth_mode, MOE003 public_network_access, MOE008 identity), once. "
        "Add an endpoint file next to the deployment files and state them."
    )
    source = (
        "Production-readiness checks of the operators' field manual (explicit permission boundary)"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        if not spec.implied_endpoint:
            return
        endpoint = spec.endpoint
        defaulted = [
            text
            for value, text in (
                (endpoint.auth_mode, "auth_mode key"),
                (endpoint.identity, "identity system_assigned"),
                (endpoint.public_network_access, "public_network_access enabled"),
            )
            if value is None
        ]
        if defaulted:
            yield RuleHit(
                "name",
                f"endpoint {endpoint.name} has no endpoint file (implied by endpoint_name), so "
                f"its permission boundary is the service's defaults: {', '.join(defaulted)}; "
                "add an endpoint file that states them",
            )
