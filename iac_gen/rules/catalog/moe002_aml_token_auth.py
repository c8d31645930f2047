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
        "Fires when `auth_mode` is `aml_token`. Use `aad_token` on managed endpoints "
        "(Kubernetes endpoints do not support it; suppress there with that reason)."
    )
    source = "Azure ML docs 'Authentication for managed online endpoints' (auth modes)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        mode = spec.endpoint.auth_mode
        if mode is not None and mode.lower() == "aml_token":
            yield RuleHit(
                "auth_mode", "endpoint uses AML tokens; aad_token allows per-endpoint RBAC"
            )
