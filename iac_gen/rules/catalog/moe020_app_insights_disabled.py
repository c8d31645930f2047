"""MOE020: Application Insights is off for a deployment."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Spec


class AppInsightsDisabled(Rule):
    id = "MOE020"
    title = "Application Insights disabled"
    severity = "medium"
    category = "operations"
    rationale = (
        "Without Application Insights a deployment's request rate, latency, failures and "
        "console output are not collected, so an incident has to be investigated blind."
    )
    docs = (
        "Fires for each deployment whose `app_insights_enabled` is `false` or not stated "
        "(the default is `false`). Set `app_insights_enabled: true`."
    )
    source = (
        "Azure Well-Architected Framework, Azure Machine Learning service guide (enable "
        "Application Insights for online endpoints); CLI v2 deployment YAML reference"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in spec.deployments:
            if dep.app_insights_enabled is None:
                yield RuleHit(
                    deployment_path(dep),
                    f"deployment {dep.name} does not enable Application Insights (default off)",
                )
            elif not dep.app_insights_enabled:
                yield RuleHit(
                    deployment_path(dep, "app_insights_enabled"),
                    f"deployment {dep.name} has Application Insights disabled",
                )
