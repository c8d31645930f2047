"""MOE036: a mirror deployment is too small for the share of traffic copied to it."""

from __future__ import annotations

import math
from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.rules.spec_facts import deployment_path, live_deployments
from iac_gen.spec.model import Deployment, Spec


def _peak_instances(dep: Deployment, spec: Spec) -> int | None:
    scale = spec.autoscale.get(dep.name)
    if scale is not None and scale.enabled:
        return max([scale.max_instances, *(s.max_instances for s in scale.schedules)])
    return dep.instance_count


class MirrorUndersized(Rule):
    id = "MOE036"
    title = "Mirror deployment smaller than its share of traffic"
    severity = "low"
    category = "capacity"
    rationale = (
        "A shadow test is only meaningful if the mirror deployment sees production-like "
        "load per instance; an undersized mirror reports latency and errors the new "
        "version would not have, and the rollout decision is made on wrong numbers."
    )
    docs = (
        "Fires when a deployment receiving `mirror_traffic` of p % has fewer instances than "
        "p % of the instances serving live traffic at peak (autoscale maximum where "
        "autoscale is configured, else `instance_count`), rounded up."
    )
    source = (
        "iac-gen capacity guidance for shadow testing (mirroring itself: Azure ML docs "
        "'Safe rollout for online endpoints')"
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        live_peaks = [_peak_instances(dep, spec) for dep in live_deployments(spec)]
        if not live_peaks or any(peak is None for peak in live_peaks):
            return
        live_total = sum(peak for peak in live_peaks if peak is not None)
        for name in sorted(spec.endpoint.mirror_traffic):
            percent = spec.endpoint.mirror_traffic[name]
            dep = spec.deployment(name)
            if dep is None or percent <= 0 or dep.instance_count is None:
                continue
            needed = math.ceil(live_total * percent / 100)
            mirror_peak = _peak_instances(dep, spec) or 0
            if mirror_peak < needed:
                yield RuleHit(
                    deployment_path(dep, "instance_count"),
                    f"mirror deployment {name} receives a copy of {percent}% of the traffic "
                    f"that up to {live_total} live instances serve, but has {mirror_peak} "
                    f"instance(s); use at least {needed}",
                )
