"""MOE039: alerts fire but notify nobody."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class AlertsWithoutActionGroup(Rule):
    id = "MOE039"
    title = "Alerts have no action group"
    severity = "low"
    category = "operations"
    rationale = (
        "A metric alert without an action group only changes state in the portal; nobody "
        "is paged, mailed or ticketed when the endpoint degrades."
    )
    docs = (
        "Fires when `monitoring.alerts` is configured without `action_group`. Set it to the "
        "ARM id of the on-call action group."
    )
    source = "Azure Monitor alerts documentation (action groups deliver notifications)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        monitoring = spec.monitoring
        if monitoring is None or monitoring.alerts is None:
            return
        if not monitoring.alerts.action_group:
            yield RuleHit(
                "monitoring.alerts",
                "alerts are configured without an action_group, so they notify nobody",
            )
