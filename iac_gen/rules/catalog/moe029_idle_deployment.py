"""MOE029: a provisioned deployment receives neither live nor mirrored traffic."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Spec


class IdleDeployment(Rule):
    id = "MOE029"
    title = "Deployment not named in traffic or mirror traffic"
    severity = "low"
    category = "routing"
    rationale = (
        "A deployment with instances but no live or mirrored traffic costs money without "
        "serving or being tested; left over after a rollout, it is also a stale model "
        "version one traffic change away from production."
    )
    docs = (
        "Fires for deployments that `traffic` and `mirror_traffic` do not mention at all. "
        "Expected briefly during a blue-green rollout; afterwards delete the deployment, "
        "or keep it as the rollback target by listing it with an explicit `0` in "
        "`traffic`, which says the idle instances are intended."
    )
    source = "Well-Architected Framework, Azure Machine Learning (shut down idle compute)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        endpoint = spec.endpoint
        for dep in spec.deployments:
            if dep.name in endpoint.traffic or dep.name in endpoint.mirror_traffic:
                continue
            yield RuleHit(
                deployment_path(dep),
                f"deployment {dep.name} is not named in traffic or mirror_traffic; route "
                "traffic to it, delete it, or keep it for rollback with traffic 0",
            )
