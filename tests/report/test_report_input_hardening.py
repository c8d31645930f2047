"""`iac-gen report` re-checks what it is given: a drift.json whose status or counts contradict
its findings is refused, and hostile JSON is one IAC50x line, never a crash."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.report.load import load_result

from .samples import DATA, load


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """The console entry point (error boundary included) with the report command only."""
    import sys

    from iac_gen.cli import app as cli_app

    def register() -> None:
        import iac_gen.cli.report  # noqa: F401

    monkeypatch.setattr(cli_app, "_register", register)

    def invoke(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["iac-gen", *args])
        code = 0
        try:
            cli_app.main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def write(tmp_path: Path, data: Any, name: str = "result.json") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_result(path)
    (diag,) = caught.value.diagnostics
    assert "\n" not in str(diag)
    return str(diag)


# -- D15: status and summary must follow from the findings, resources and errors ------------


def test_drifted_result_relabelled_in_sync_is_refused(tmp_path: Path, run: Any) -> None:
    data = load("drifted")
    data["status"] = "in_sync"
    path = write(tmp_path, data)
    line = refused(path)
    assert line.startswith(f"{path}:0:0: error IAC504 ")
    assert "'in_sync'" in line and "'drifted'" in line
    code, out, err = run("report", str(path), "--format", "md")
    assert code == 2 and out == "" and err.count("\n") == 1 and "IAC504" in err


def test_in_sync_with_errors_is_refused(tmp_path: Path) -> None:
    data = load("in_sync")
    data["errors"] = [{"resource": "credit-scoring/blue", "reason": "403 AuthorizationFailed"}]
    assert "IAC504" in refused(write(tmp_path, data))


def test_in_sync_with_a_waived_drift_finding_is_refused(tmp_path: Path) -> None:
    data = load("drifted")
    data["findings"] = [f for f in data["findings"] if f["waived"]]
    data["status"] = "in_sync"
    assert "IAC504" in refused(write(tmp_path, data))


def test_not_checked_needs_something_unread(tmp_path: Path) -> None:
    data = load("in_sync")
    data["status"] = "not_checked"
    assert "IAC504" in refused(write(tmp_path, data))


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("findings", "high"),
        ("findings", "waived"),
        ("resources", "modified"),
        ("properties", "matched"),
    ],
)
def test_edited_summary_counts_are_refused(tmp_path: Path, section: str, key: str) -> None:
    data = load("drifted")
    data["summary"][section][key] += 1
    line = refused(write(tmp_path, data))
    assert "IAC504" in line and f"summary.{section}.{key}" in line


def test_waived_flag_and_waiver_must_agree(tmp_path: Path) -> None:
    data = load("drifted")
    finding = next(f for f in data["findings"] if not f["waived"])
    finding["waived"] = True  # a "waived" finding without a waiver
    assert "IAC50" in refused(write(tmp_path, data))


@pytest.mark.parametrize("name", ["in_sync", "drifted", "not_checked"])
def test_consistent_results_still_load(name: str) -> None:
    kind, data = load_result(DATA / f"{name}.json")
    assert kind == "drift" and data == load(name)


def test_schema_ties_status_to_errors_and_findings() -> None:
    import jsonschema

    from iac_gen.resources import load_schema

    validator = jsonschema.Draft202012Validator(load_schema("drift.schema.json"))
    assert validator.is_valid(load("drifted"))
    relabelled = copy.deepcopy(load("drifted"))
    relabelled["status"] = "in_sync"
    assert not validator.is_valid(relabelled)
    with_errors = copy.deepcopy(load("in_sync"))
    with_errors["errors"] = [{"resource": "x", "reason": "y"}]
    assert not validator.is_valid(with_errors)
    nothing_unread = copy.deepcopy(load("in_sync"))
    nothing_unread["status"] = "not_checked"
    assert not validator.is_valid(nothing_unread)


# -- D8: hostile report input --------------------------------------------------------------

DRIFTED = json.dumps(load("drifted"))
HOSTILE: dict[str, str] = {
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "deep nesting in a value": json.dumps(load("drifted"))
    .replace('"expected": ', '"expected": ' + "[" * 900, 1)
    .replace('"actual"', "]" * 900 + ', "actual"', 1),
    "huge integer": '{"findings": [], "status": "in_sync", "n": ' + "9" * 5000 + "}",
    "lone surrogate": DRIFTED.replace('"message": "', '"message": "\\udc00', 1),
    "NaN": DRIFTED.replace('"expected": ', '"expected": NaN, "x": ', 1),
    "duplicate key": DRIFTED.replace(
        '"status": "drifted"', '"status": "in_sync", "status": "drifted"'
    ),
    "lint with numeric rules": '{"findings": [1], "rules": [5]}',
    "lint with a string finding": '{"findings": ["x"], "rules": []}',
    "lint with a bad line": '{"findings": [{"rule": "MOE001", "severity": "high", "line": "x"}], '
    '"rules": []}',
    "lint with a dict severity": '{"findings": [{"rule": "MOE001", "severity": {}}], "rules": []}',
    "lint rules not objects": '{"findings": [], "rules": [[]]}',
    "lint tool a string": '{"findings": [], "rules": [], "tool": "x"}',
    "drift findings not objects": '{"findings": [1], "status": "in_sync"}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("fmt", ["sarif", "junit", "md", "html", "json"])
def test_hostile_report_input_is_one_iac50x_line(
    tmp_path: Path, run: Any, name: str, fmt: str
) -> None:
    path = write(tmp_path, HOSTILE[name])
    code, out, err = run("report", str(path), "--format", fmt)
    assert code == 2, (code, err)
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(f"{path}:") and " error IAC50" in line
