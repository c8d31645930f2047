"""MOE041: a suppression names a rule that does not exist."""

from __future__ import annotations

from collections.abc import Iterator

from iac_gen.rules.base import Rule, RuleHit
from iac_gen.spec.model import Spec


class UnknownSuppression(Rule):
    id = "MOE041"
    title = "Suppression names an unknown rule"
    severity = "low"
    category = "metadata"
    rationale = (
        "A suppression with a mistyped or retired rule id suppresses nothing; the reader of "
        "the spec believes a finding was reviewed and accepted when it was not."
    )
    docs = (
        "Fires for each `lint.suppress` entry whose `rule` is not in the catalog (see "
        "`iac-gen rules`). Fix the id or remove the entry. Suppressions of known rules that "
        "matched nothing are listed as `unused` in the JSON result and counted as stale in "
        "the text summary."
    )
    source = "iac-gen suppression bookkeeping (compare Ruff's unused-noqa check)"

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        from iac_gen.rules.registry import all_rules  # the catalog this rule belongs to

        known = {rule.id for rule in all_rules()}
        for index, sup in enumerate(spec.suppressions):
            rule_id = sup.rule.strip().upper()
            if rule_id not in known:
                yield RuleHit(
                    f"lint.suppress.{index}.rule",
                    f"suppression names {sup.rule!r}, which is not a lint rule; it suppresses "
                    "nothing",
                )
