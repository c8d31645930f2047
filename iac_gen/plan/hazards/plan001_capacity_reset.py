"""PLAN001: a redeploy sets an autoscaled deployment's instance count back to the template's.

Autoscale (Microsoft.Insights/autoscalesettings) moves `sku.capacity` at run time; a full PUT
of the deployment writes the template's value again, which under load is a scale-down. The
plan reports the live capacity and records it as a parameter value (`plan --write-params`),
so the pipeline can pass what runs instead of what was designed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iac_gen import vocabulary
from iac_gen.plan.hazards import Hazard, PlanContext, finding
from iac_gen.vocabulary import DEPLOYMENT_TYPE

AUTOSCALE_TYPE = vocabulary.AUTOSCALE_TYPE.lower()


def _autoscaled(ctx: PlanContext) -> set[str]:
    targets: set[str] = set()
    for body in ctx.desired.values():
        if str(body.get("type", "")).lower() == AUTOSCALE_TYPE:
            uri = (body.get("properties") or {}).get("targetResourceUri")
            if isinstance(uri, str):
                targets.add(uri.lower())
    return targets


def check(ctx: PlanContext) -> Iterator[dict[str, Any]]:
    scaled = _autoscaled(ctx)
    for rid, body in sorted(ctx.desired.items()):
        if str(body.get("type", "")).lower() != DEPLOYMENT_TYPE.lower() or rid not in scaled:
            continue
        live = ctx.live.get(rid)
        if live is None:
            continue
        want = (body.get("sku") or {}).get("capacity")
        have = (live.get("sku") or {}).get("capacity")
        if not isinstance(have, int) or isinstance(have, bool) or have == want:
            continue
        endpoint, deployment = str(body["name"]).split("/")[-2:]
        name = ctx.capacity_params.get(rid)
        if name is not None:
            ctx.params.setdefault(endpoint, {})[name] = have
            advice = f"pass {name}={have}, e.g. from `plan --write-params`"
        else:
            advice = "the template does not take it as a parameter"
        yield finding(
            "PLAN001",
            f"{endpoint}/{deployment}",
            f"autoscale has {deployment} at {have} instances; deploying the template sets "
            f"{want} ({advice})",
            live=have,
            template=want,
            parameter=name,
        )


HAZARD = Hazard(
    id="PLAN001",
    title="Redeploy resets an autoscaled instance count",
    severity="high",
    source="Azure Monitor autoscale writes sku.capacity of its target deployment; a PUT writes "
    "the body's sku (REST: OnlineDeployments_CreateOrUpdate, sku.capacity)",
    check=check,
)
