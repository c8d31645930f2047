"""PLAN005: traffic would go to a deployment that is not `Succeeded` in Azure.

The traffic PUT routes requests to deployments by name; a deployment whose provisioning failed
(or is still updating) answers with errors. Deployments the template creates are deployed
before the traffic PUT, so only live deployments kept by the plan can be in this state.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iac_gen.plan.hazards import Hazard, PlanContext, finding
from iac_gen.vocabulary import ENDPOINT_TYPE


def check(ctx: PlanContext) -> Iterator[dict[str, Any]]:
    for rid, body in sorted(ctx.desired.items()):
        if str(body.get("type", "")).lower() != ENDPOINT_TYPE.lower():
            continue
        routes = {
            **((body.get("properties") or {}).get("traffic") or {}),
            **((body.get("properties") or {}).get("mirrorTraffic") or {}),
        }
        for deployment, percent in sorted(routes.items()):
            if not percent:
                continue
            live = ctx.live.get(f"{rid}/deployments/{deployment}".lower())
            state = ((live or {}).get("properties") or {}).get("provisioningState")
            if live is not None and state not in (None, "Succeeded"):
                endpoint = str(body["name"]).split("/")[-1]
                yield finding(
                    "PLAN005",
                    f"{endpoint}/{deployment}",
                    f"{percent}% of traffic would go to {deployment}, whose provisioning "
                    f"state in Azure is {state}",
                    provisioning_state=state,
                )


HAZARD = Hazard(
    id="PLAN005",
    title="Traffic to a deployment that is not Succeeded",
    severity="critical",
    source="REST: OnlineDeployment.provisioningState (Succeeded, Failed, Creating, Updating, "
    "Deleting, Canceled)",
    check=check,
)
