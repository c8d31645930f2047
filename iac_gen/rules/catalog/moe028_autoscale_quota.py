"""MOE028: how much quota the autoscale maximum needs (a planning hint)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import vcpus
from iac_gen.spec.model import Spec

UPGRADE_RESERVE = 0.2


class AutoscaleQuota(Rule):
    id = "MOE028"
    title = "Autoscale maximum needs quota headroom"
    severity = "info"
    category = "capacity"
    rationale = (
        "Azure ML reserves 20 % extra capacity for upgrades, so a deployment scaled to its "
        "maximum needs quota for more instances than the maximum; scale-out fails quietly "
        "when the subscription's VM family quota is short."
    )
    docs = (
        "Reports, for each autoscaled deployment, the instances (and vCPUs, when the size "
        "is known) its autoscale maximum needs including the 20 % upgrade reserve. Check "
        "the subscription quota for that VM family in the region."
    )
    source = "Azure ML CLI v2 managed online deployment YAML reference (20 % reserved for upgrades)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        for name in sorted(spec.autoscale):
            scale = spec.autoscale[name]
            dep = spec.deployment(name)
            if dep is None or not scale.enabled:
                continue
            peak = max([scale.max_instances, *(s.max_instances for s in scale.schedules)])
            needed = math.ceil(round(peak * (1 + UPGRADE_RESERVE), 6))
            size = dep.instance_type or "its instance type"
            cores = vcpus(dep.instance_type)
            cores_text = f" ({needed * cores} vCPUs)" if cores else ""
            yield RuleHit(
                f"autoscale.{name}.max_instances",
                f"autoscale can scale deployment {name} to {peak} x {size}; with the 20% "
                f"upgrade reserve the quota must cover {needed} instances{cores_text}",
            )
