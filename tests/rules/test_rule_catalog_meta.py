"""Meta-tests: the catalog, its documentation and its tests stay in sync."""

from __future__ import annotations

import re
from pathlib import Path

from iac_gen.rules import catalog_listing
from iac_gen.rules.base import CATEGORIES, RULE_ID_PATTERN, SEVERITIES
from iac_gen.rules.registry import all_rules
from iac_gen.rules.rule_failure import RuleFailure
from rules.test_rule_cases import CASES

ROOT = Path(__file__).resolve().parents[2]
CATALOG_DIR = ROOT / "iac_gen" / "rules" / "catalog"


def _documented() -> list[type]:
    return [RuleFailure, *(type(r) for r in all_rules())]


def test_docs_rules_md_is_generated_from_the_registry(golden) -> None:  # type: ignore[no-untyped-def]
    """Fails when docs/rules.md is stale; `pytest tests/rules --update-golden` rewrites it."""
    golden.check(ROOT / "docs" / "rules.md", catalog_listing.render_markdown(_documented()))


def test_catalog_is_sizeable_and_ids_unique() -> None:
    ids = [r.id for r in all_rules()]
    assert len(ids) >= 20
    assert len(ids) == len(set(ids))
    assert RuleFailure.id not in ids


def test_every_rule_is_fully_described() -> None:
    for rule in _documented():
        assert re.match(RULE_ID_PATTERN, rule.id), rule.id
        assert rule.severity in SEVERITIES, rule.id
        assert rule.category in CATEGORIES, rule.id
        assert rule.title and rule.title[0].isupper() and not rule.title.endswith("."), rule.id
        for text in (rule.rationale, rule.docs):
            assert text[0].isupper() and text.rstrip().endswith("."), (rule.id, text)
        if rule is not RuleFailure:
            assert rule.source, f"{rule.id} names no source"


def test_one_rule_per_module_named_after_its_id() -> None:
    modules = sorted(p.stem for p in CATALOG_DIR.glob("moe*.py"))
    assert len(modules) == len(all_rules())
    for rule in all_rules():
        module = type(rule).__module__.rsplit(".", 1)[-1]
        assert module.startswith(rule.id.lower() + "_"), (rule.id, module)


def test_every_rule_has_a_triggering_test_case() -> None:
    missing = sorted({r.id for r in all_rules()} - set(CASES))
    assert missing == [], f"add a bad case to tests/rules/test_rule_cases.py for {missing}"
    assert all(CASES[rule_id] for rule_id in CASES)


def test_docs_list_every_rule_with_an_anchor() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in _documented():
        assert f"\n## {rule.id}\n" in text
        assert f"[{rule.id}](#{rule.id.lower()})" in text
