"""The GitHub Action's outputs step: `python -m iac_gen.cli.ci_outputs github RESULT.json
EXIT_CODE REPORT_DIR` appends the run's status and counts (`iac_gen.ci.outputs.github_lines`)
to `$GITHUB_OUTPUT` and the Markdown rendering beside the result to `$GITHUB_STEP_SUMMARY`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from iac_gen.ci.outputs import MAX_SUMMARY, github_lines

USAGE = "usage: python -m iac_gen.cli.ci_outputs github RESULT.json EXIT_CODE REPORT_DIR\n"


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] != "github" or not argv[2].lstrip("-").isdigit():
        sys.stderr.write(USAGE)
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
