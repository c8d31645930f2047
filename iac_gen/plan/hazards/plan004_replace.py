"""PLAN004: a change the service cannot make in place: the resource must be replaced.

`instanceType` of a deployment is create-only in the REST spec (`x-ms-mutability: [read,
create]`); `endpointComputeType` is the discriminator of the deployment's shape (Managed vs
Kubernetes); `location` is create-only by the ARM convention. A PUT that changes one fails, so
the plan shows the step as a replace: create a deployment under a new name, shift traffic, then
delete the old one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iac_gen.plan.hazards import Hazard, PlanContext, finding
from iac_gen.plan.model import REPLACE

CREATE_ONLY = {
    "properties.instanceType": "REST spec: OnlineDeployment.instanceType is read, create only",
    "properties.endpointComputeType": "REST spec: endpointComputeType is the discriminator",
    "location": "ARM common types: location is create-only (unverified for this RP)",
}


def check(ctx: PlanContext) -> Iterator[dict[str, Any]]:
    for s in ctx.steps:
        fixed = [
            c for c in s["changes"] if c["arm_path"] in CREATE_ONLY and c["action"] == "change"
        ]
        if not fixed:
            continue
        s["action"] = REPLACE
        for c in fixed:
            yield finding(
                "PLAN004",
                s["resource"],
                f"{c['arm_path']} cannot change in place ({c['from']} -> {c['to']}): create a "
                "new deployment, move traffic to it, then delete this one",
                arm_path=c["arm_path"],
                reason=CREATE_ONLY[c["arm_path"]],
            )


HAZARD = Hazard(
    id="PLAN004",
    title="Change needs a replacement, not an update",
    severity="high",
    source="; ".join(CREATE_ONLY.values()),
    check=check,
)
