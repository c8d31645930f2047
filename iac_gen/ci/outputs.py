"""Turn a drift.json or lint result into a CI system's step outputs and summary.

The GitHub Action runs `python -m iac_gen.ci.outputs github RESULT EXIT_CODE`: it appends
`status`, `exit-code`, `findings` and one count per severity to `$GITHUB_OUTPUT`, and the
Markdown rendering (drift.md when the run wrote one) to `$GITHUB_STEP_SUMMARY`. Kept in Python
rather than shell so the counts come from the same severity scale as every report.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
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


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] != "github":
        sys.stderr.write("usage: python -m iac_gen.ci.outputs github RESULT.json EXIT_CODE\n")
        return 2
    result_path, code = Path(argv[1]), int(argv[2])
    result: dict[str, Any] = {}
    if result_path.is_file():
        loaded = json.loads(result_path.read_text(encoding="utf-8"))
        result = loaded if isinstance(loaded, dict) else {}
    report_dir = argv[3]
    _append(
        os.environ.get("GITHUB_OUTPUT"),
        "".join(f"{line}\n" for line in github_lines(result, code, report_dir)),
    )
    summary = result_path.with_suffix(".md")
    if summary.is_file():
        text = summary.read_text(encoding="utf-8")
        _append(os.environ.get("GITHUB_STEP_SUMMARY"), text[:MAX_SUMMARY])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
