"""The gate a drift result was judged by, stated the same way in every report.

Reports are re-rendered from `drift.json` (`iac-gen report`), so the gate is recomputed
here from the result itself (`fail_on`, `status`, the findings) with the rule of
`iac_gen.drift.analysis.gate_exit_code`: exit 3 when live state was incomplete, 1 when an
unwaived drift finding is at or above `fail_on`, else 0. A test checks both agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iac_gen.severity import SEVERITIES, rank

DEFAULT_FAIL_ON = "info"


@dataclass(frozen=True)
class Gate:
    fail_on: str
    outcome: str  # passed | failed | incomplete
    exit_code: int
    failing: int  # unwaived drift findings at or above fail_on

    @property
    def line(self) -> str:
        """`fail on high: passed (exit 0)`: the sentence every report carries."""
        return f"fail on {self.fail_on}: {self.outcome} (exit {self.exit_code})"


def is_failing(finding: Mapping[str, Any], fail_on: str) -> bool:
    """An unwaived drift finding at or above `fail_on` (not-comparable is never drift)."""
    if finding.get("waived") or finding.get("change") == "not_comparable":
        return False
    return rank(finding.get("severity")) <= rank(fail_on)


def gate(result: Mapping[str, Any]) -> Gate:
    fail_on = str(result.get("fail_on") or DEFAULT_FAIL_ON).lower()
    if fail_on not in SEVERITIES:
        fail_on = DEFAULT_FAIL_ON
    failing = sum(1 for f in result.get("findings") or [] if is_failing(f, fail_on))
    if str(result.get("status") or "not_checked") == "not_checked":
        return Gate(fail_on, "incomplete", 3, failing)
    if failing:
        return Gate(fail_on, "failed", 1, failing)
    return Gate(fail_on, "passed", 0, failing)
