"""MOE021: the endpoint's resource logs go nowhere."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class NoDiagnosticSettings(Rule):
    id = "MOE021"
    title = "No diagnostic settings on the online endpoint"
    severity = "medium"
    category = "operations"
    rationale = (
        "The endpoint's traffic, console and event logs are only kept when a diagnostic "
        "setting sends them to a Log Analytics workspace; without it there is no record of "
        "who called the endpoint or why a deployment failed."
    )
    docs = (
        "Fires when `monitoring.log_analytics_workspace` is not set. Set it to the ARM id of "
        "a Log Analytics workspace; iac-gen then emits a diagnostic setting for the endpoint "
        "log categories."
    )
    source = (
        "Azure Policy 5cfb9e8a (logging by category group for online endpoints to Log "
        "Analytics); Well-Architected Framework, Azure Machine Learning (collect resource logs)"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        monitoring = spec.monitoring
        if monitoring is None or not monitoring.log_analytics_workspace:
            yield RuleHit(
                "monitoring.log_analytics_workspace" if monitoring else "monitoring",
                "endpoint logs are not sent to a Log Analytics workspace; set "
                "monitoring.log_analytics_workspace",
            )
