"""MOE032: nothing would tell anyone the endpoint is unhealthy."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class NoMonitoringSignal(Rule):
    id = "MOE032"
    title = "No monitoring signal configured"
    severity = "high"
    category = "operations"
    rationale = (
        "An endpoint with no logs, no alerts and no Application Insights fails silently; "
        "the first signal of an outage is a customer complaint."
    )
    docs = (
        "Fires when the spec configures none of: `monitoring.log_analytics_workspace` "
        "(resource logs), `monitoring.alerts` (metric alerts), or `app_insights_enabled: "
        "true` on any deployment. Configure at least one; MOE020, MOE021 and MOE039 then "
        "check each signal in detail."
    )
    source = "Production-readiness checks of the operators' field manual (monitoring signal)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        monitoring = spec.monitoring
        if monitoring is not None and (monitoring.log_analytics_workspace or monitoring.alerts):
            return
        if any(dep.app_insights_enabled for dep in spec.deployments):
            return
        yield RuleHit(
            "monitoring",
            "no monitoring signal: set monitoring.log_analytics_workspace or "
            "monitoring.alerts, or enable Application Insights on a deployment",
        )
