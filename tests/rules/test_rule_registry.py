"""The registry walks the catalog package and refuses a broken catalog loudly."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from iac_gen.rules.registry import RegistryError, discover

RULE = """
from iac_gen.rules.base import Rule, RuleHit

class {cls}(Rule):
    id = "{rid}"
    title = "t"
    severity = "{sev}"
    category = "security"
    rationale = "r"
    docs = "d"

    def check(self, spec):
        return iter(())
"""


def _package(tmp_path: Path, name: str, modules: dict[str, str]) -> str:
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for mod, body in modules.items():
        (pkg / f"{mod}.py").write_text(textwrap.dedent(body))
    return name


@pytest.fixture
def on_path(tmp_path: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for mod in [m for m in sys.modules if m.startswith("fakecat")]:
        del sys.modules[mod]


def test_discovers_one_rule_per_module_sorted(on_path: Path) -> None:
    name = _package(
        on_path,
        "fakecat_ok",
        {
            "b": RULE.format(cls="B", rid="MOE002", sev="low"),
            "a": RULE.format(cls="A", rid="MOE001", sev="high"),
        },
    )
    assert [r.id for r in discover(name)] == ["MOE001", "MOE002"]


def test_duplicate_ids_fail(on_path: Path) -> None:
    name = _package(
        on_path,
        "fakecat_dup",
        {
            "a": RULE.format(cls="A", rid="MOE001", sev="high"),
            "b": RULE.format(cls="B", rid="MOE001", sev="high"),
        },
    )
    with pytest.raises(RegistryError, match="duplicate rule id MOE001"):
        discover(name)


def test_reserved_tool_id_cannot_be_reused(on_path: Path) -> None:
    name = _package(on_path, "fakecat_res", {"a": RULE.format(cls="A", rid="MOE000", sev="high")})
    with pytest.raises(RegistryError, match="duplicate rule id MOE000"):
        discover(name)


def test_module_without_exactly_one_rule_fails(on_path: Path) -> None:
    two = RULE.format(cls="A", rid="MOE001", sev="high") + RULE.format(
        cls="B", rid="MOE002", sev="high"
    )
    name = _package(on_path, "fakecat_two", {"a": two})
    with pytest.raises(RegistryError, match="expected exactly one rule"):
        discover(name)


@pytest.mark.parametrize(
    ("rid", "sev", "match"),
    [("IAC001", "high", "does not match"), ("MOE001", "severe", "severity")],
)
def test_bad_metadata_fails(on_path: Path, rid: str, sev: str, match: str) -> None:
    name = _package(
        on_path, f"fakecat_bad{rid}{sev}", {"a": RULE.format(cls="A", rid=rid, sev=sev)}
    )
    with pytest.raises(RegistryError, match=match):
        discover(name)
