"""MOE002: the endpoint uses Azure ML tokens instead of Microsoft Entra tokens."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class AmlTokenAuthentication(Rule):
    id = "MOE002"
    title = "Endpoint uses AML tokens instead of Microsoft Entra tokens"
    severity = "medium"
    category = "security"
    rationale = (
        "AML tokens expire, but they are issued by the workspace rather than checked against "
        "a role assignment on the endpoint; Entra tokens (`aad_token`) let access be granted "
        "per endpoint with Azure RBAC."
    )
    docs = (
        "Fires when a managed endpoint's `auth_mode` is `aml_token`; use `aad_token`. "
        "Kubernetes endpoints are not checked: they do not support `aad_token`."
    )
    source = "Azure ML docs 'Authentication for managed online endpoints' (auth modes)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        mode = spec.endpoint.auth_mode
        if spec.endpoint.is_kubernetes:
            return  # aad_token is not supported there: aml_token is the best available
        if mode is not None and mode.lower() == "aml_token":
            yield RuleHit(
                "auth_mode", "endpoint uses AML tokens; aad_token allows per-endpoint RBAC"
            )
