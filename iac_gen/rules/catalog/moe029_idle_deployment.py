"""MOE029: a provisioned deployment receives neither live nor mirrored traffic."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path
from iac_gen.spec.model import Spec


class IdleDeployment(Rule):
    id = "MOE029"
    title = "Provisioned deployment receives no traffic"
    severity = "low"
    category = "routing"
    rationale = (
        "A deployment with instances but no live or mirrored traffic costs money without "
        "serving or being tested; left over after a rollout, it is also a stale model "
        "version one traffic change away from production."
    )
    docs = (
        "Fires for deployments with `instance_count` above 0 (or not stated) that have no "
        "share in `traffic` or `mirror_traffic`. Expected briefly during a blue-green "
        "rollout; afterwards, scale it to 0 or delete it. (Rollback targets can be kept "
        "with a suppression that says so.)"
    )
    source = "Well-Architected Framework, Azure Machine Learning (shut down idle compute)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        endpoint = spec.endpoint
        for dep in spec.deployments:
            routed = endpoint.traffic.get(dep.name, 0) > 0
            mirrored = endpoint.mirror_traffic.get(dep.name, 0) > 0
            if routed or mirrored or dep.instance_count == 0:
                continue
            yield RuleHit(
                f"traffic.{dep.name}" if dep.name in endpoint.traffic else deployment_path(dep),
                f"deployment {dep.name} has instances but receives no live or mirrored traffic",
            )
