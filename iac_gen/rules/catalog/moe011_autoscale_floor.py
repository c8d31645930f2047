"""MOE011: autoscale may shrink a live deployment below three instances."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import live_deployments
from iac_gen.spec.model import Spec

MIN_INSTANCES = 3


class AutoscaleFloor(Rule):
    id = "MOE011"
    title = "Autoscale minimum below 3 instances on a live deployment"
    severity = "medium"
    category = "capacity"
    production_only = True
    rationale = (
        "Scaling in must not break the three-instance floor recommended for production: a "
        "quiet night followed by a node failure would leave one instance serving everything."
    )
    docs = (
        "Fires when the autoscale profile of a deployment with live traffic, or one of its "
        "schedule profiles, has `min_instances` below 3. Production-only."
    )
    source = "Azure Architecture Center baseline (no fewer than three instances in production)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in live_deployments(spec):
            scale = spec.autoscale.get(dep.name)
            if scale is None or not scale.enabled:
                continue
            if scale.min_instances < MIN_INSTANCES:
                yield RuleHit(
                    f"autoscale.{dep.name}.min_instances",
                    f"autoscale can scale live deployment {dep.name} in to "
                    f"{scale.min_instances} instance(s); keep at least {MIN_INSTANCES}",
                )
            for index, schedule in enumerate(scale.schedules):
                if schedule.min_instances < MIN_INSTANCES:
                    yield RuleHit(
                        f"autoscale.{dep.name}.schedules.{index}.min_instances",
                        f"autoscale schedule {schedule.name} can scale live deployment "
                        f"{dep.name} in to {schedule.min_instances} instance(s); keep at "
                        f"least {MIN_INSTANCES}",
                    )
