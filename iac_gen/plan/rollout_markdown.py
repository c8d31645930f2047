"""rollout.md: the rollout as a release manager follows it, step by step, in a change ticket."""

from __future__ import annotations

from typing import Any

from iac_gen.report.markdown_text import md_cell as cell
from iac_gen.report.markdown_text import md_code


def _split(traffic: dict[str, int]) -> str:
    return ", ".join(f"{cell(k)} {v}%" for k, v in sorted(traffic.items())) or "none"


def _threshold(gate: dict[str, Any]) -> str:
    value = gate["threshold"]
    return "(not set)" if value is None else f"{value} {gate['unit']}".replace(" %", "%")


def render(doc: dict[str, Any]) -> str:
    env = f" (environment {cell(str(doc['environment']))})" if doc["environment"] else ""
    lines = [
        f"# Rollout of {cell(doc['endpoint'])}: {cell(doc['from'])} -> {cell(doc['to'])}{env}",
        "",
        f"Start: traffic {_split(doc['start']['traffic'])}; mirror "
        f"{_split(doc['start']['mirror_traffic'])}. Each step deploys the same "
        f"{md_code(doc['template']['file'])} with its own parameters file; only "
        f"{md_code(doc['template']['traffic_parameter'])}"
        + (
            f" and {md_code(doc['template']['mirror_traffic_parameter'])}"
            if doc["template"]["mirror_traffic_parameter"]
            else ""
        )
        + (" change" if doc["template"]["mirror_traffic_parameter"] else " changes")
        + " between steps.",
        "",
        "| step | kind | traffic | mirror | parameters file | gate before |",
        "|---|---|---|---|---|---|",
    ]
    for s in doc["steps"]:
        lines.append(
            f"| {s['number']} | {s['kind']} {s['percent']}% | {_split(s['traffic'])} | "
            f"{_split(s['mirror_traffic'])} | {md_code(s['parameters_file'])} | "
            f"{cell(s['gate']['before'])} |"
        )
    lines += ["", "## Gate (hold before each next step)", ""]
    if doc["gates"]:
        lines += ["| signal | threshold | metric | aggregation, window | alert |"]
        lines.append("|---|---|---|---|---|")
        for g in doc["gates"]:
            lines.append(
                f"| {cell(g['label'])} | {cell(_threshold(g))} | {md_code(g['metric'])} | "
                f"{cell(str(g['aggregation']))}, {cell(str(g['window']))} | "
                f"{md_code(g['alert'])} |"
            )
        lines += ["", "A step passes when none of these alerts fires during its window."]
    else:
        lines.append("No alert thresholds in the spec (`monitoring.alerts`).")
    lines += ["", "## Steps", ""]
    for s in doc["steps"]:
        lines += [
            f"{s['number']}. Preview: {md_code(s['preview'])} (changes only the traffic)",
            f"   Deploy: {md_code(s['command'])}",
            f"   Then hold the gate before {cell(s['gate']['before'])}.",
        ]
    rb = doc["rollback"]
    lines += [
        "",
        "## Rollback",
        "",
        f"If {cell(rb['when'])}: put the traffic back to {_split(rb['traffic'])}, mirror "
        f"{_split(rb['mirror_traffic'])}.",
        "",
        f"Deploy: {md_code(rb['command'])}",
    ]
    if doc["notes"]:
        lines += ["", "## Notes", ""]
        lines += [f"- {n}" for n in doc["notes"]]  # iac-gen's own words, no input in them
    return "\n".join(lines) + "\n"
