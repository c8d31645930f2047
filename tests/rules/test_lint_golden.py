"""Golden lint output for every `fixtures/lint-*/` case (`pytest tests/rules --update-golden`).

A case folder holds `spec.yaml` (or CLI v2 files), optional `args.txt` with extra command
line options, and `expected/lint.txt`: the text output of `iac-gen lint` run from the
repository root.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

import iac_gen.cli.lint  # noqa: F401  (registers the command)
from iac_gen.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted(p for p in (ROOT / "fixtures").glob("lint-*") if p.is_dir())


def _run(case: Path) -> tuple[int, str]:
    target = case / "spec.yaml" if (case / "spec.yaml").exists() else case
    args_file = case / "args.txt"
    extra = shlex.split(args_file.read_text(encoding="utf-8")) if args_file.exists() else []
    result = CliRunner().invoke(app, ["lint", target.relative_to(ROOT).as_posix(), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_lint_golden(case: Path, golden, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    code, text = _run(case)
    golden.check(case / "expected" / "lint.txt", text)
    summary = text.splitlines()[-1]
    assert code == (1 if summary.endswith("failed)") else 0), summary


def test_every_rule_fires_in_some_lint_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """End-to-end evidence: each rule fires on a real spec file, through the loader."""
    from iac_gen.rules.registry import all_rules

    monkeypatch.chdir(ROOT)
    seen: set[str] = set()
    for case in CASES:
        _, text = _run(case)
        seen |= {line.split()[2] for line in text.splitlines()[:-1]}
    never = sorted({r.id for r in all_rules()} - seen)
    assert never == [], f"add a fixtures/lint-* case that triggers {never}"
