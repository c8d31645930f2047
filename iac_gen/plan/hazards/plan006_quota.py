"""PLAN006: instances the deploy adds, and the VM cores they need from the quota.

Azure ML reserves 20 % extra capacity for upgrades (the same estimate as lint MOE028), and a
deployment whose instances the quota cannot cover fails part-way through the rollout. The plan
sums, per VM size, the instances it adds over what runs now.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from iac_gen.plan.hazards import Hazard, PlanContext, finding
from iac_gen.rules.catalog.moe028_autoscale_quota import UPGRADE_RESERVE
from iac_gen.rules.spec_facts import vcpus
from iac_gen.vocabulary import DEPLOYMENT_TYPE


def check(ctx: PlanContext) -> Iterator[dict[str, Any]]:
    for rid, body in sorted(ctx.desired.items()):
        if str(body.get("type", "")).lower() != DEPLOYMENT_TYPE.lower():
            continue
        want = (body.get("sku") or {}).get("capacity")
        if not isinstance(want, int):
            continue
        live = ctx.live.get(rid)
        have = ((live or {}).get("sku") or {}).get("capacity") if live else 0
        have = have if isinstance(have, int) else 0
        if want <= have:
            continue
        size = (body.get("properties") or {}).get("instanceType")
        needed = math.ceil(round((want - have) * (1 + UPGRADE_RESERVE), 6))
        cores = vcpus(size) if isinstance(size, str) else None
        extra = f" ({needed * cores} vCPUs of {size})" if cores else f" of {size or 'its size'}"
        yield finding(
            "PLAN006",
            "/".join(str(body["name"]).split("/")[-2:]),
            f"adds {want - have} instance(s); with the 20% upgrade reserve the quota must "
            f"cover {needed} more{extra}",
            instances=want - have,
            vcpus=needed * cores if cores else None,
        )


HAZARD = Hazard(
    id="PLAN006",
    title="New instances need quota",
    severity="info",
    source="Azure ML CLI v2 managed online deployment reference: 20 % reserved for upgrades "
    "(as lint MOE028)",
    check=check,
)
