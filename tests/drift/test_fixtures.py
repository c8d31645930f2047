"""Golden drift cases: `fixtures/drift-<case>/` holds a spec, a live input and the expected
`drift.json`. Each case also names the exit code the gate must give (`case.json`).

Regenerate after a reviewed change with `pytest tests/drift --update-golden`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from iac_gen.coverage import entries as coverage_entries
from iac_gen.drift import analyse
from iac_gen.drift.analysis import gate_exit_code
from iac_gen.drift.waivers import load_waivers
from iac_gen.live import read_live
from iac_gen.output_files import dumps_json
from iac_gen.resources import load_schema
from iac_gen.spec.load import load_specs

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted(p for p in (ROOT / "fixtures").glob("drift-*") if p.is_dir())
EPOCH = "1790000000"  # 2026-09-21T14:13:20Z


def run_case(case: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    cfg = json.loads((case / "case.json").read_text(encoding="utf-8"))
    rel = case.relative_to(ROOT)
    target = cfg.get("target")
    specs = load_specs([rel / cfg.get("spec", "spec.yaml")], target)
    live = read_live(rel / "live.json", target)
    waivers = load_waivers(rel / cfg["waivers"]) if cfg.get("waivers") else None
    result = analyse(specs, live, waivers, cfg.get("env"), live_path=rel / "live.json")
    return result, cfg


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 9


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden_case(case: Path, golden: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result, cfg = run_case(case)
    Draft202012Validator(load_schema("drift.schema.json")).validate(result)
    golden.check(case / "expected" / "drift.json", dumps_json(result))
    assert int(gate_exit_code(result)) == cfg["exit"]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_every_designed_property_has_one_outcome(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result, _ = run_case(case)
    keys = [(c["resource"], c["arm_path"]) for c in coverage_entries(result)]
    assert len(keys) == len(set(keys)), "a property was given two outcomes"
    assert coverage_entries(result), "coverage must list the designed properties"
    for entry in coverage_entries(result):
        if entry["outcome"] == "not_comparable":
            assert entry.get("reason"), entry
