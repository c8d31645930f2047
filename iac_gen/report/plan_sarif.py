"""`plan.sarif`: SARIF 2.1.0 of a plan, for code scanning on the pull request that deploys.

One rule per hazard (`PLAN001`...: its title, severity and the source of the fact behind it)
and one per kind of planned step (`PLAN-CREATE`, `PLAN-UPDATE`, `PLAN-REPLACE`,
`PLAN-LEFT-ALONE`); each planned property change and each hazard is a result pointing at
the spec line it is about, with a stable fingerprint so a re-run updates the alert.
"""

from __future__ import annotations

import hashlib
from typing import Any

from iac_gen.output_files import dumps_json
from iac_gen.report.plan_json import redact_plan
from iac_gen.report.severity import SARIF_LEVEL, SECURITY_SEVERITY

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/iac-gen/"
FINGERPRINT = "iacGenPlanResult/v1"
STEP_RULES = {
    "create": "The deploy creates a resource that does not exist in Azure.",
    "update": "The deploy changes properties of a resource that exists.",
    "replace": "The change cannot be made in place: the resource must be replaced.",
    "left_alone": "A live resource the spec no longer declares is left running.",
}


def _rule_id(action: str) -> str:
    return "PLAN-" + action.upper().replace("_", "-")


def _location(loc: dict[str, Any] | None, resource: str, rid: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "logicalLocations": [{"name": resource, "fullyQualifiedName": rid or resource}]
    }
    if loc and loc.get("file"):
        region = {"startLine": max(int(loc.get("line") or 1), 1)}
        if loc.get("col"):
            region["startColumn"] = max(int(loc["col"]), 1)
        out["physicalLocation"] = {
            "artifactLocation": {"uri": str(loc["file"]).replace("\\", "/")},
            "region": region,
        }
    return out


def _fingerprint(*parts: Any) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:32]


def _spec_location(plan: dict[str, Any]) -> dict[str, Any] | None:
    """A spec line for results without one of their own (created resources)."""
    for s in plan["steps"]:
        for c in s["changes"]:
            if c.get("location"):
                return {"file": c["location"]["file"], "line": 1, "col": 1}
    for h in plan["hazards"]:
        if (h.get("location") or {}).get("file"):
            return {"file": h["location"]["file"], "line": 1, "col": 1}
    return None


def _rules() -> list[dict[str, Any]]:
    """One rule per kind of planned step, then one per hazard."""
    from iac_gen.plan.hazards import all_hazards

    rules: list[dict[str, Any]] = []
    for action, text in STEP_RULES.items():
        rules.append(
            {
                "id": _rule_id(action),
                "name": action.title().replace("_", ""),
                "shortDescription": {"text": text},
                "defaultConfiguration": {"level": "warning" if action != "replace" else "error"},
            }
        )
    for hz in all_hazards():
        rules.append(
            {
                "id": hz.id,
                "name": hz.title,
                "shortDescription": {"text": hz.title},
                "help": {"text": f"Source: {hz.source}"},
                "defaultConfiguration": {"level": SARIF_LEVEL[hz.severity]},
                "properties": {"security-severity": SECURITY_SEVERITY[hz.severity]},
            }
        )
    return rules


def _step_results(
    step: dict[str, Any], index: dict[str, int], fallback: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """A step's property changes, or the step itself where it changes none it can name."""
    rule = _rule_id(step["action"])
    results: list[dict[str, Any]] = []
    if not step["changes"]:
        results.append(
            {
                "ruleId": rule,
                "ruleIndex": index[rule],
                "level": "note" if step["action"] != "replace" else "error",
                "message": {"text": f"{step['action']} {step['phase']} {step['resource']}"},
                "locations": [_location(fallback, step["resource"], step["id"])],
                "partialFingerprints": {FINGERPRINT: _fingerprint(rule, step["id"])},
            }
        )
    for c in step["changes"]:
        location = c.get("location") or fallback
        results.append(
            {
                "ruleId": rule,
                "ruleIndex": index[rule],
                "level": SARIF_LEVEL[c["severity"]],
                "message": {
                    "text": f"{step['resource']}: {c['field']} {_shown(c['from'])} -> "
                    f"{_shown(c['to'])} ({step['phase']} {step['action']})"
                },
                "locations": [_location(location, step["resource"], step["id"])],
                "partialFingerprints": {FINGERPRINT: _fingerprint(rule, step["id"], c["arm_path"])},
                "properties": {"category": c["category"], "severity": c["severity"]},
            }
        )
    return results


def _hazard_result(
    h: dict[str, Any], index: dict[str, int], fallback: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "ruleId": h["hazard"],
        "ruleIndex": index[h["hazard"]],
        "level": SARIF_LEVEL[h["severity"]],
        "message": {"text": f"{h['resource']}: {h['message']}"},
        "locations": [_location(h.get("location") or fallback, h["resource"], "")],
        "partialFingerprints": {FINGERPRINT: _fingerprint(h["hazard"], h["resource"])},
    }


def render(plan: dict[str, Any]) -> str:
    p = redact_plan(plan)
    fallback = _spec_location(p)
    rules = _rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = [
        result
        for s in p["steps"]
        if s["action"] in STEP_RULES
        for result in _step_results(s, index, fallback)
    ]
    results.extend(_hazard_result(h, index, fallback) for h in p["hazards"])
    doc = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "iac-gen",
                        "version": p["tool"]["version"],
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"iac-gen/plan/{p['environment'] or 'default'}/"},
                "properties": {"status": p["status"], "summary": p["summary"]},
                "results": results,
            }
        ],
    }
    return dumps_json(doc)


def _shown(value: Any) -> str:
    import json

    return "(unset)" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)
