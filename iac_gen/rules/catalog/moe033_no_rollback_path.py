"""MOE033: traffic has no known-good deployment to go back to."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class NoRollbackPath(Rule):
    id = "MOE033"
    title = "No rollback path"
    severity = "medium"
    category = "routing"
    rationale = (
        "Blue-green releases roll back by moving traffic to the previous deployment, which "
        "takes seconds; with a single deployment a bad release can only be undone by "
        "redeploying the old model under pressure."
    )
    docs = (
        "Fires when the endpoint declares fewer than two deployments. Keep the previous "
        "deployment (scaled down if needed) while traffic moves to the new one, and remove "
        "it only once the new one has proven itself."
    )
    source = (
        "Production-readiness checks of the operators' field manual (rollback evidence); "
        "Well-Architected Framework, Azure Machine Learning (blue-green release strategy)"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        if len(spec.deployments) < 2:
            count = len(spec.deployments)
            yield RuleHit(
                "deployments",
                f"the endpoint has {count} deployment{'s' if count != 1 else ''}; keep a "
                "previous deployment so traffic can be moved back",
            )
