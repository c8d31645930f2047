"""The Analysis: one JSON-ready dict, the source of truth every report renders.

Counts, the overall status and the sort order are decided here, once:
- `status` states facts: `not_checked` when anything could not be read (never `in_sync`),
  else `drifted` when any drift finding exists (waived or not), else `in_sync`;
- the gate (`gate_exit_code`) applies waivers and `--fail-on`: exit 3 for not_checked, 1 for
  an unwaived drift finding at or above the threshold, else 0. `not_comparable` findings are
  information, never drift.
"""

from __future__ import annotations

import json
from collections import Counter
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from iac_gen import __version__, coverage
from iac_gen.drift import tables
from iac_gen.exit_codes import ExitCode
from iac_gen.severity import SEVERITIES, severity_rank

if TYPE_CHECKING:
    from iac_gen.drift.pipeline import DriftRun

# 2.0: coverage is a table (`iac_gen.coverage`); 1.1: findings may carry `attribution`
SCHEMA_VERSION = "2.0"
RESOURCE_STATUSES = ("in_sync", "modified", "missing", "unmanaged", "not_checked")
OUTCOMES = ("matched", "drifted", "waived", "not_comparable")


def is_drift(finding: dict[str, Any]) -> bool:
    return finding["change"] != "not_comparable"


def build_result(run: DriftRun) -> dict[str, Any]:
    findings = sorted(
        run.findings,
        key=lambda f: (f["resource"].lower(), f["field"], f["arm_path"], f["change"], f["id"]),
    )
    resources = sorted(run.resources, key=lambda r: (r["id"].lower(), r["name"]))
    # Ties (one endpoint name in several workspaces of a fleet) are ordered by content, not
    # by the order of the workspaces: equal keys then mean equal entries, so the shards of a
    # fleet merge (`iac_gen.report.merge`) into exactly the result of one run.
    rows = coverage.sort_rows(run.coverage)  # sorted by coverage.sort_key
    by_status = dict.fromkeys(RESOURCE_STATUSES, 0)
    for resource in resources:
        by_status[resource["status"]] += 1
    by_severity = dict.fromkeys((*SEVERITIES, "waived"), 0)
    for finding in findings:
        by_severity["waived" if finding["waived"] else finding["severity"]] += 1
    by_outcome = dict.fromkeys(OUTCOMES, 0)
    for outcome, count in Counter(map(itemgetter(coverage.OUTCOME), rows)).items():
        by_outcome[outcome] += count  # an outcome outside OUTCOMES is an error (KeyError)
    if by_status["not_checked"] or run.errors:
        status = "not_checked"
    elif any(is_drift(f) for f in findings):
        status = "drifted"
    else:
        status = "in_sync"
    meta = run.meta
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "iac-gen", "version": __version__},
        "normalisation_version": tables.NORMALISATION_VERSION,
        "generated_at": meta.get("generated_at", ""),
        "status": status,
        "environment": meta.get("environment"),
        "fail_on": meta.get("fail_on", "info"),
        "inputs": meta.get("inputs", []),
        "summary": {"resources": by_status, "findings": by_severity, "properties": by_outcome},
        "resources": resources,
        "findings": findings,
        "coverage": coverage.table(rows),
        "waivers": run.book.report() if run.book is not None else [],
        "traffic": sorted(
            run.traffic, key=lambda t: (t["endpoint"].lower(), json.dumps(t, sort_keys=True))
        ),
        "errors": sorted(run.errors, key=lambda e: (e["resource"].lower(), e["reason"])),
    }


def step_analysis(run: DriftRun) -> None:
    """The analysis step: the result every report renders."""
    run.sides.clear()  # the flat maps are no longer needed; free them before the JSON is built
    run.result = build_result(run)


def failing_findings(result: dict[str, Any], fail_on: str) -> list[dict[str, Any]]:
    """Unwaived drift findings at or above `fail_on`."""
    limit = severity_rank(fail_on)
    return [
        f
        for f in result["findings"]
        if is_drift(f) and not f["waived"] and severity_rank(f["severity"]) <= limit
    ]


def gate_exit_code(result: dict[str, Any], fail_on: str | None = None) -> ExitCode:
    """Exit code per the contract: 3 incomplete, 1 drift at or above --fail-on, else 0."""
    if result["status"] == "not_checked":
        return ExitCode.INCOMPLETE
    if failing_findings(result, fail_on or result["fail_on"]):
        return ExitCode.FINDINGS
    return ExitCode.OK
