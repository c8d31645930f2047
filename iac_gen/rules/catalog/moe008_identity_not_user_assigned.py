"""MOE008: the endpoint does not use a user-assigned managed identity."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class IdentityNotUserAssigned(Rule):
    id = "MOE008"
    title = "Endpoint identity is not user-assigned"
    severity = "low"
    category = "security"
    rationale = (
        "A system-assigned identity is granted AcrPull, Storage Blob Data Reader and AzureML "
        "Metrics Writer automatically and lives and dies with the endpoint. A user-assigned "
        "identity gets only the roles you grant and has its own, reviewable lifecycle."
    )
    docs = (
        "Fires when `identity.type` is not stated (default `system_assigned`), "
        "`system_assigned` or `none`. Use `identity: {type: user_assigned, "
        "user_assigned_identities: [<identity id>]}` and grant it the least privileges the "
        "deployment needs."
    )
    source = (
        "Azure ML docs 'Authentication for managed online endpoints' (identity permissions); "
        "workspace analogue: PSRule Azure.ML.UserManagedIdentity, Azure Policy 5f0c7d88"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        identity = spec.endpoint.identity
        if identity is None:
            yield RuleHit(
                "identity",
                "identity is not stated, so the endpoint gets a system-assigned identity",
            )
        elif "user_assigned" not in identity.type.lower():
            yield RuleHit(
                "identity.type",
                f"endpoint identity is {identity.type}; a user-assigned identity keeps "
                "permissions explicit",
            )
