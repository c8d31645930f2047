"""`plan(specs, live, env)`: the ordered steps a deploy performs, and their hazards.

The comparison is drift's own (`iac_gen.drift.analyse_desired`), run with every intent policy
set to `exact`: a policy says what an auditor tolerates, but the deploy writes the template's
values regardless (traffic exactly as designed, the template's instance count), so the plan
must show them. Waivers are not applied for the same reason. Then each resource's findings
become one step, read the other way round (drift's `actual` is where the deploy starts, its
`expected` where it ends), in the order the template applies them: the endpoint, each
deployment, the traffic PUT, the companions; deployments the spec no longer declares are left
running by ARM's incremental mode and listed last.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from iac_gen.plan.hazards import PlanContext, all_hazards
from iac_gen.plan.model import (
    CREATE,
    LEFT_ALONE,
    NO_CHANGE,
    NOT_CHECKED,
    PHASES,
    PROPERTY_ACTION,
    SCHEMA_VERSION,
    UPDATE,
    step,
)
from iac_gen.spec.model import Policies, Spec
from iac_gen.vocabulary import DEPLOYMENT_TYPE, ENDPOINT_TYPE

_TRAFFIC_PATHS = ("properties.traffic", "properties.mirrorTraffic")
_STATUS_ACTION = {
    "missing": CREATE,
    "modified": UPDATE,
    "in_sync": NO_CHANGE,
    "unmanaged": LEFT_ALONE,
    "not_checked": NOT_CHECKED,
}


def _exact(spec: Spec) -> Spec:
    return dataclasses.replace(spec, policies=Policies(traffic="exact", instance_count="exact"))


def _change(finding: dict[str, Any]) -> dict[str, Any]:
    return {
        "field": finding["field"],
        "arm_path": finding["arm_path"],
        "action": PROPERTY_ACTION.get(finding["change"], finding["change"]),
        "from": finding.get("actual"),
        "to": finding.get("expected"),
        "severity": finding["severity"],
        "category": finding["category"],
        **({"location": finding["location"]} if finding.get("location") else {}),
    }


def _is_traffic(finding: dict[str, Any]) -> bool:
    path = str(finding.get("arm_path", ""))
    return any(path == p or path.startswith(p + ".") for p in _TRAFFIC_PATHS)


def _phase(rtype: str) -> str:
    if rtype.lower() == ENDPOINT_TYPE.lower():
        return "endpoint"
    if rtype.lower() == DEPLOYMENT_TYPE.lower():
        return "deployment"
    return "companion"


def _new_routes(endpoint: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The traffic a new endpoint gets from the final PUT (drift has nothing to compare)."""
    from iac_gen.drift.classify import rule_for

    props = (endpoint or {}).get("properties") or {}
    out: list[dict[str, Any]] = []
    for key in ("traffic", "mirrorTraffic"):
        for name, percent in sorted((props.get(key) or {}).items()):
            if not percent:
                continue
            rule = rule_for("endpoint", ("properties", key, name), "")
            out.append(
                {
                    "field": rule.field,
                    "arm_path": f"properties.{key}.{name}",
                    "action": "set",
                    "from": None,
                    "to": percent,
                    "severity": rule.severity,
                    "category": rule.category,
                }
            )
    return out


def steps_from_drift(
    result: dict[str, Any], desired: dict[str, dict[str, Any]] | None = None
) -> tuple[list[dict[str, Any]], list[dict]]:
    """Plan steps from a drift result computed with exact policies; plus not-comparable notes.

    `desired` (lower-cased id -> body) supplies the traffic of endpoints the deploy creates."""
    by_resource: dict[str, list[dict[str, Any]]] = {}
    unknown: list[dict[str, Any]] = []
    for f in result["findings"]:
        if f["change"] == "not_comparable":
            unknown.append({"resource": f["resource"], "field": f["field"], "reason": f["message"]})
            continue
        if f["change"] in ("missing_resource", "unmanaged_resource"):
            continue
        by_resource.setdefault(f["resource"], []).append(f)
    steps: list[dict[str, Any]] = []
    for res in result["resources"]:
        name = str(res["name"])
        rtype = str(res["type"])
        action = _STATUS_ACTION.get(str(res["status"]), UPDATE)
        phase = "unmanaged" if action == LEFT_ALONE else _phase(rtype)
        found = by_resource.get(_resource_key(res), [])
        own = [_change(f) for f in found if not _is_traffic(f)]
        if action == UPDATE and not own and phase == "endpoint":
            action = NO_CHANGE  # only its traffic differs: that is the traffic step's change
        steps.append(step(phase, action, name, rtype, str(res.get("id", "")), own))
        traffic = [_change(f) for f in found if _is_traffic(f)]
        if phase == "endpoint" and action == CREATE:
            traffic = _new_routes((desired or {}).get(str(res.get("id", "")).lower()))
        if phase == "endpoint":
            steps.append(
                step(
                    "traffic",
                    UPDATE if traffic else NO_CHANGE,
                    name,
                    rtype,
                    str(res.get("id", "")),
                    traffic,
                )
            )
    listed = {str(r.get("id", "")).lower() for r in result["resources"]}
    created = {s["id"].lower() for s in steps if s["phase"] == "endpoint" and s["action"] == CREATE}
    for rid, body in (desired or {}).items():
        # Drift does not list the companions of an endpoint that does not exist yet; the
        # deploy creates them with it.
        rtype = str(body.get("type", ""))
        if rid in listed or _phase(rtype) != "companion" or not _under(body, created):
            continue
        steps.append(step("companion", CREATE, str(body.get("name", rid)), rtype, body["id"], []))
    order = {p: i for i, p in enumerate(PHASES)}
    steps.sort(key=lambda s: order[s["phase"]])  # stable: keeps the drift order inside a phase
    return steps, unknown


def _capacity_parameters(specs: Sequence[Spec]) -> dict[str, str]:
    """Deployment id -> the compiled template's `sku.capacity` parameter (emit names them)."""
    from iac_gen.emit.plan import build_plan

    out: dict[str, str] = {}
    for spec in specs:
        for param in build_plan(spec).parameters:
            if param.binds is not None and param.binds[1] == ("sku", "capacity"):
                out[param.binds[0].lower()] = param.name
    return out


def _under(body: dict[str, Any], endpoints: set[str]) -> bool:
    """Whether a companion belongs to one of `endpoints` (its scope, target or name says so)."""
    props = body.get("properties") or {}
    refs = [str(body.get("scope", "")), str(props.get("targetResourceUri", ""))]
    refs += [str(s) for s in props.get("scopes", []) or []]
    text = " ".join(refs).lower()
    return any(e and e in text for e in endpoints)


def _where(specs: Sequence[Spec], hazard: dict[str, Any]) -> dict[str, Any]:
    """The spec line a hazard is about: its deployment's entry, else the endpoint's name
    (a deployment the spec no longer declares has no line of its own)."""
    endpoint, _, deployment = str(hazard["resource"]).partition("/")
    for spec in specs:
        if spec.endpoint.name != endpoint:
            continue
        declared = any(d.name == deployment for d in spec.deployments)
        loc = spec.locate(f"deployments.{deployment}" if declared else "name")
        return {"file": loc.file, "line": loc.line, "col": loc.col}
    return {"file": "", "line": 0, "col": 0}


def _resource_key(res: dict[str, Any]) -> str:
    """Findings name a resource as `endpoint` or `endpoint/deployment` (drift's contract)."""
    return str(res["name"])


def plan(
    specs: Sequence[Spec],
    live: Any,
    env: str | None = None,
    *,
    generated_at: str | None = None,
) -> dict[str, Any]:
    """The plan document (schema `schemas/plan.schema.json`)."""
    from iac_gen.desired import desired_state
    from iac_gen.drift import analyse_desired
    from iac_gen.spec.overlay import resolve

    resolved = [_exact(resolve(s, env) if env is not None else s) for s in specs]
    desired = [(s, desired_state(s)) for s in resolved]
    result = analyse_desired(desired, live, None, environment=env)
    by_id = {str(body.get("id", "")).lower(): body for _, st in desired for body in st.resources}
    steps, unknown = steps_from_drift(result, by_id)
    context = PlanContext(
        steps=steps,
        capacity_params=_capacity_parameters(resolved),
        desired=by_id,
        live={str(body.get("id", "")).lower(): body for body in live.resources},
        specs=resolved,
    )
    hazards = [
        {**h, "severity": hz.severity, "title": hz.title, "location": _where(resolved, h)}
        for hz in all_hazards()
        for h in hz.check(context)
    ]
    changed = [s for s in steps if s["action"] not in (NO_CHANGE, LEFT_ALONE, NOT_CHECKED)]
    incomplete = result["status"] == "not_checked"
    status = "incomplete" if incomplete else ("changes" if changed else "no_change")
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": result["tool"],
        "generated_at": generated_at or result["generated_at"],
        "normalisation_version": result["normalisation_version"],
        "environment": env,
        "status": status,
        "summary": {a: sum(1 for s in steps if s["action"] == a) for a in _STATUS_ACTION.values()},
        "steps": steps,
        "hazards": hazards,
        "parameters": context.params,
        "not_comparable": unknown,
        "errors": result["errors"],
    }
