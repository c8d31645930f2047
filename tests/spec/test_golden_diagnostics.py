"""Golden diagnostics: every `fixtures/invalid-*` folder and the valid examples.

Each case folder is loaded as a SPEC argument (paths relative to the repository root, as a
user would type them); the diagnostics, one per line, must equal `expected/diagnostics.txt`
(empty for a valid spec). An optional `options.json` gives `target_overrides` and `env`.
Regenerate with `.venv/bin/pytest tests/spec --update-golden` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs
from iac_gen.spec.overlay import resolve

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
CASES = sorted(p.name for p in FIXTURES.glob("invalid-*") if p.is_dir())
VALID = ["example", "cliv2-basic"]


def diagnostics_text(case: str) -> str:
    """What `iac-gen validate fixtures/<case>` reports, one line per diagnostic."""
    folder = FIXTURES / case
    options_file = folder / "options.json"
    options = json.loads(options_file.read_text()) if options_file.exists() else {}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        specs = load_specs([Path("fixtures") / case], options.get("target_overrides"))
        for spec in specs:
            resolve(spec, options.get("env"))
    except InputError as exc:
        return "".join(f"{d}\n" for d in exc.diagnostics)
    finally:
        os.chdir(cwd)
    return ""


def test_enough_invalid_cases() -> None:
    assert len(CASES) >= 25, CASES


@pytest.mark.parametrize("case", CASES)
def test_invalid_case(case: str, golden) -> None:
    text = diagnostics_text(case)
    assert text, f"fixtures/{case} should be invalid"
    golden.check(FIXTURES / case / "expected" / "diagnostics.txt", text)


@pytest.mark.parametrize("case", VALID)
def test_valid_case(case: str, golden) -> None:
    text = diagnostics_text(case)
    golden.check(FIXTURES / case / "expected" / "diagnostics.txt", text)
    assert text == ""


def test_every_diagnostic_code_has_a_fixture() -> None:
    """Codes that can come from a spec folder each have at least one golden case."""
    seen: set[str] = set()
    for case in CASES:
        expected = FIXTURES / case / "expected" / "diagnostics.txt"
        for line in expected.read_text(encoding="utf-8").splitlines():
            seen.add(line.split(" error ", 1)[1].split(" ", 1)[0])
    from iac_gen.codes import CODES, NOT_FROM_FIXTURES

    spec_layer = {
        c for c, e in CODES.items() if any(m.startswith("spec.") for m in e.raised_by.split())
    }
    missing = sorted(spec_layer - NOT_FROM_FIXTURES - seen)
    assert not missing, f"no golden fixture shows {missing}"
