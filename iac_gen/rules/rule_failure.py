"""MOE000, the reserved rule id for the linter's own failures.

A rule that raises must not crash the run or pass silently: the runner reports it as a
finding of this rule, so SARIF and JUnit show the check that could not be made.
"""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class RuleFailure(Rule):
    id = "MOE000"
    title = "A lint rule could not run"
    severity = "high"
    category = "operations"
    rationale = (
        "A check that crashed proves nothing about the spec; it is reported, not skipped, so "
        "a gate never passes because a rule failed."
    )
    docs = (
        "Reported by the linter itself when a rule raised an error on this spec. The message "
        "names the rule and the error type. Report it as a bug in iac-gen; meanwhile the rule "
        "can be turned off with `--ignore` (MOE000 itself cannot be deselected)."
    )

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        return iter(())
