"""PLAN002: the value of the template's `endpointExists` parameter for this live state.

The template's first, traffic-less endpoint PUT runs only when `endpointExists` is false; run
over a live endpoint it takes traffic from every deployment until the final traffic PUT. The
plan knows whether the endpoint exists, so it states the value the pipeline must pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iac_gen.plan.hazards import Hazard, PlanContext, finding
from iac_gen.plan.model import CREATE


def check(ctx: PlanContext) -> Iterator[dict[str, Any]]:
    for s in ctx.steps:
        if s["phase"] != "endpoint":
            continue
        exists = s["action"] != CREATE
        ctx.params.setdefault(s["resource"], {})["endpointExists"] = exists
        if exists:
            yield finding(
                "PLAN002",
                s["resource"],
                f"endpoint {s['resource']} exists: pass endpointExists=true, or the first "
                "traffic-less PUT takes its traffic away until the last step",
                parameter="endpointExists",
                value=True,
            )


HAZARD = Hazard(
    id="PLAN002",
    title="Redeploy over a live endpoint needs endpointExists=true",
    severity="high",
    source="iac-gen's template: the createEndpoint PUT carries no traffic "
    "(README, Deploying: first time and redeploys)",
    check=check,
)
