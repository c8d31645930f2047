"""MOE010: a deployment that serves live traffic runs on fewer than three instances."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path, live_deployments
from iac_gen.spec.model import Spec

MIN_INSTANCES = 3


class TooFewInstances(Rule):
    id = "MOE010"
    title = "Deployment serving live traffic has fewer than 3 instances"
    severity = "high"
    category = "capacity"
    production_only = True
    rationale = (
        "Microsoft recommends at least three instances for an active production deployment: "
        "one instance lost to a node failure or an upgrade must not take the endpoint down "
        "or overload the rest."
    )
    docs = (
        "Fires for each deployment with a live traffic share above 0 % whose "
        "`instance_count` is below 3 or not stated. Production-only: skipped for specs "
        "resolved with a non-production environment (dev, test, qa, sandbox, ...)."
    )
    source = (
        "Azure ML CLI v2 managed online deployment YAML reference (`instance_count`: at "
        "least 3 for high availability); Azure Architecture Center baseline chat reference "
        "architecture"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for dep in live_deployments(spec):
            if dep.instance_count is None:
                yield RuleHit(
                    deployment_path(dep),
                    f"deployment {dep.name} serves live traffic but does not state instance_count",
                )
            elif dep.instance_count < MIN_INSTANCES:
                yield RuleHit(
                    deployment_path(dep, "instance_count"),
                    f"deployment {dep.name} serves live traffic on {dep.instance_count} "
                    f"instance(s); use at least {MIN_INSTANCES}",
                )
