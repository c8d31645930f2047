"""Intent policies: what the design promises about values that change at run time.

- `policies.traffic: sum` - a pipeline shifts traffic gradually, so only *which* deployments
  take traffic and the total are checked, not each percentage. The per-deployment leaves
  are replaced on both sides by one `properties.traffic` leaf {deployments, total}.
- `policies.instance_count: auto` (the default) - when `autoscale.<deployment>` exists and is
  enabled, Azure Monitor owns the instance count; the live count only has to lie inside
  min..max. An in-range count is matched; an out-of-range one is reported against the range.

Security-relevant properties need no policy: the service defaults in `tables.SERVICE_DEFAULTS`
pin them on the desired side even when the spec relies on a default.

The apply_policies step runs, for each compared resource, the policies its kind names
(`kinds.Kind.policies`, names of `POLICIES`), after normalising (policies read canonical
values: traffic without 0 % entries, integer capacity) and before comparing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from iac_gen.drift.kinds import KINDS
from iac_gen.drift.normalise import Flat
from iac_gen.spec.model import Spec

if TYPE_CHECKING:
    from iac_gen.drift.normalise_step import Side
    from iac_gen.drift.pipeline import DriftRun

TRAFFIC = ("properties", "traffic")
CAPACITY = ("sku", "capacity")


def traffic_summary(flat: Flat) -> dict[str, Any]:
    deployments = sorted(p[2] for p in flat if len(p) == 3 and p[:2] == TRAFFIC)
    total = sum(int(flat[(*TRAFFIC, d)]) for d in deployments)
    return {"deployments": deployments, "total": total}


def apply_traffic_policy(spec: Spec, desired: Flat, live: Flat) -> None:
    """Under `sum`, compare the set of deployments taking traffic and the total only."""
    if spec.policies.traffic != "sum":
        return
    for flat in (desired, live):
        summary = traffic_summary(flat)
        for path in [p for p in flat if len(p) == 3 and p[:2] == TRAFFIC]:
            del flat[path]
        flat[TRAFFIC] = summary


def autoscale_range(spec: Spec, deployment: str) -> tuple[int, int] | None:
    """min..max of the autoscale that owns this deployment's count, if one does."""
    if spec.policies.instance_count != "auto":
        return None
    for name, scale in spec.autoscale.items():
        if name.lower() == deployment.lower() and scale.enabled:
            return scale.min_instances, scale.max_instances
    return None


def apply_instance_count_policy(spec: Spec, deployment: str, desired: Flat, live: Flat) -> None:
    """Under autoscale, an in-range live count matches; otherwise expect the range."""
    bounds = autoscale_range(spec, deployment)
    if bounds is None:
        return
    low, high = bounds
    actual = live.get(CAPACITY)
    if isinstance(actual, int) and low <= actual <= high:
        desired[CAPACITY] = actual
    else:
        desired[CAPACITY] = f"{low}..{high}"


def _traffic(side: Side) -> None:
    assert side.live is not None and side.pair.designed is not None
    spec = side.pair.designed.spec
    apply_traffic_policy(spec, side.desired, side.live)
    if spec.policies.traffic == "sum":
        side.notes[TRAFFIC] = "policy traffic: sum"


def _instance_count(side: Side) -> None:
    assert side.live is not None and side.pair.designed is not None
    spec = side.pair.designed.spec
    bounds = autoscale_range(spec, side.pair.key.deployment)
    if bounds is not None:
        apply_instance_count_policy(spec, side.pair.key.deployment, side.desired, side.live)
        side.notes[CAPACITY] = f"autoscale owns the count: {bounds[0]}..{bounds[1]} instances"


# Policy name (as `kinds.Kind.policies` names it) -> what it does to one compared resource.
POLICIES: dict[str, Callable[[Side], None]] = {
    "traffic": _traffic,
    "instance_count": _instance_count,
}


def step_apply_policies(run: DriftRun) -> None:
    for side in run.sides:
        if side.live is None or side.pair.designed is None:
            continue
        for name in KINDS[side.pair.kind].policies:
            POLICIES[name](side)
