"""Turn a drift.json or lint result into a CI system's step outputs and summary.

The GitHub Action runs `python -m iac_gen.cli.ci_outputs github RESULT EXIT_CODE REPORT_DIR`
(`iac_gen/cli/ci_outputs.py`), which appends
`status`, `exit-code`, `findings` and one count per severity to `$GITHUB_OUTPUT`, and the
Markdown rendering (drift.md when the run wrote one) to `$GITHUB_STEP_SUMMARY`. Kept in Python
rather than shell so the counts come from the same severity scale as every report.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from iac_gen.severity import SEVERITIES

MAX_SUMMARY = 1024 * 1024  # GitHub refuses step summaries over 1 MiB


def counts(result: dict[str, Any]) -> dict[str, int]:
    """Unwaived findings per severity (drift) or hits per severity (lint)."""
    findings = [f for f in result.get("findings", []) if isinstance(f, dict)]
    tally = Counter(
        str(f.get("severity")) for f in findings if not f.get("waived") and f.get("severity")
    )
    return {sev: tally.get(sev, 0) for sev in SEVERITIES}


def github_lines(result: dict[str, Any], exit_code: int, report_dir: str) -> list[str]:
    by_sev = counts(result)
    status = str(result.get("status") or ("failed" if exit_code else "passed"))
    lines = [
        f"status={status}",
        f"exit-code={exit_code}",
        f"findings={sum(by_sev.values())}",
        f"report-dir={report_dir}",
    ]
    lines.extend(f"{sev}={n}" for sev, n in by_sev.items())
    return lines
