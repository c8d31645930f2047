"""Intent policies: what the design promises about values that change at run time.

- `policies.traffic: sum` - a pipeline shifts traffic gradually, so only *which* deployments
  take traffic and the total are checked, not each percentage. The per-deployment leaves
  are replaced on both sides by one `properties.traffic` leaf {deployments, total}.
- `policies.instance_count: auto` (the default) - when `autoscale.<deployment>` exists and is
  enabled, Azure Monitor owns the instance count; the live count only has to lie inside
  min..max. An in-range count is matched; an out-of-range one is reported against the range.

Security-relevant properties need no policy: the service defaults in `tables.SERVICE_DEFAULTS`
pin them on the desired side even when the spec relies on a default.
"""

from __future__ import annotations

from typing import Any

from iac_gen.drift.normalise import Flat
from iac_gen.spec.model import Spec

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
