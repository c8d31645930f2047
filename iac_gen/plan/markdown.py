"""plan.md: the plan as a release manager reads it in a pull request or change ticket."""

from __future__ import annotations

from typing import Any

from iac_gen.plan.model import LEFT_ALONE, NO_CHANGE
from iac_gen.report.markdown_text import md_cell as cell
from iac_gen.report.markdown_text import md_code

_HEADLINE = {
    "no_change": "**No change** - deploying the template changes nothing in Azure",
    "changes": "**Changes planned**",
    "incomplete": "**Incomplete** - some live state could not be read; "
    "nothing is known to be unchanged",
}


def _value(value: Any) -> str:
    """A value as code; a long ARM id as its last segments, where a version bump shows (a
    table cell cut at its width would hide exactly the part that changed)."""
    if value is None:
        return "(unset)"
    if isinstance(value, str) and value.lower().startswith("/subscriptions/") and len(value) > 60:
        return md_code("…/" + "/".join(value.rstrip("/").split("/")[-4:]))
    return md_code(value)


def render(plan: dict[str, Any]) -> str:
    lines = ["# iac-gen plan", "", _HEADLINE[plan["status"]]]
    if plan["environment"]:
        lines.append(f"(environment {cell(str(plan['environment']))})")
    lines += ["", "| # | phase | action | resource | changes |", "|---|---|---|---|---|"]
    for n, step in enumerate(plan["steps"], 1):
        if step["action"] == NO_CHANGE:
            continue
        lines.append(
            f"| {n} | {step['phase']} | **{step['action']}** | {cell(step['resource'])} | "
            f"{len(step['changes'])} |"
        )
    for step in plan["steps"]:
        if not step["changes"]:
            continue
        lines += ["", f"## {step['phase']}: {cell(step['resource'])} ({step['action']})", ""]
        lines += ["| field | from | to | severity |", "|---|---|---|---|"]
        for c in step["changes"]:
            lines.append(
                f"| {cell(c['field'])} | {_value(c['from'])} | {_value(c['to'])} | "
                f"{c['severity']} |"
            )
    if plan["hazards"]:
        lines += ["", "## Hazards", "", "| hazard | severity | resource | what to do |"]
        lines.append("|---|---|---|---|")
        for h in plan["hazards"]:
            lines.append(
                f"| {h['hazard']} {cell(h['title'])} | {h['severity']} | {cell(h['resource'])} | "
                f"{cell(h['message'])}"
                + (f" {md_code(h['command'])}" if h.get("command") else "")
                + " |"
            )
    left = [s["resource"] for s in plan["steps"] if s["action"] == LEFT_ALONE]
    if left:
        lines += ["", "Left running (not in the spec): " + ", ".join(cell(r) for r in left)]
    return "\n".join(lines) + "\n"
