"""PLAN003: a live deployment the spec no longer declares keeps running after the deploy.

`az deployment group create` defaults to incremental mode, which leaves resources the template
does not name untouched: the deployment keeps its instances (and its cost), and takes traffic
until the traffic PUT routes it away. The plan names it with the command that removes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iac_gen.plan.hazards import Hazard, PlanContext, finding
from iac_gen.plan.model import LEFT_ALONE
from iac_gen.vocabulary import DEPLOYMENT_TYPE


def _rg_ws(rid: str) -> tuple[str, str]:
    parts = rid.split("/")
    lower = [p.lower() for p in parts]
    rg = parts[lower.index("resourcegroups") + 1] if "resourcegroups" in lower else "<rg>"
    ws = parts[lower.index("workspaces") + 1] if "workspaces" in lower else "<workspace>"
    return rg, ws


def check(ctx: PlanContext) -> Iterator[dict[str, Any]]:
    for s in ctx.steps:
        if s["action"] != LEFT_ALONE or s["type"].lower() != DEPLOYMENT_TYPE.lower():
            continue
        endpoint, deployment = s["resource"].split("/")[-2:]
        rg, ws = _rg_ws(s["id"])
        live = ctx.live.get(s["id"].lower(), {})
        yield finding(
            "PLAN003",
            s["resource"],
            f"deployment {deployment} is not in the spec; the deploy leaves it running",
            command=(
                f"az ml online-deployment delete -g {rg} -w {ws} -e {endpoint} "
                f"-n {deployment} --yes"
            ),
            instances=(live.get("sku") or {}).get("capacity"),
        )


HAZARD = Hazard(
    id="PLAN003",
    title="Deployment left running (not in the spec)",
    severity="medium",
    source="ARM incremental deployment mode leaves resources not in the template "
    "(learn.microsoft.com/azure/azure-resource-manager/templates/deployment-modes)",
    check=check,
)
