"""Bundles and results from before change attribution still work, and a bundle's change
history is held to the same digest as the rest of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from iac_gen.coverage import entries as coverage_entries
from iac_gen.diagnostics import InputError
from iac_gen.live import read_live
from iac_gen.live.bundle import content_digest
from iac_gen.resources import load_schema
from tests.conftest import FIXTURES

RESULT = FIXTURES / "drift-drifted" / "expected" / "drift.json"
HISTORY = Path(__file__).parent / "expected" / "changes.json"


def _bundle() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (FIXTURES / "live-bundle" / "bundle.json").read_text(encoding="utf-8")
    )
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "live.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_bundles_without_a_history_read_as_before(tmp_path: Path, version: str) -> None:
    data = dict(_bundle(), schema_version=version)
    state = read_live(_write(tmp_path, data))
    assert state.changes is None and state.resources


def test_a_1_0_bundle_still_reads() -> None:
    state = read_live(FIXTURES / "live-bundle" / "bundle-1.0.json")
    assert state.changes is None and state.resources


def _with_history() -> dict[str, Any]:
    data = _bundle()
    data["changes"] = json.loads(HISTORY.read_text(encoding="utf-8"))
    data["content_sha256"] = content_digest(data)
    return data


def test_a_bundle_with_a_history_carries_it(tmp_path: Path) -> None:
    data = _with_history()
    Draft202012Validator(load_schema("bundle.schema.json")).validate(data)
    state = read_live(_write(tmp_path, data))
    assert state.changes == data["changes"]


@pytest.mark.parametrize("edit", ["actor", "dropped"])
def test_an_edited_history_is_refused(tmp_path: Path, edit: str) -> None:
    data = _with_history()
    if edit == "actor":
        data["changes"]["records"][0]["changed_by"] = "someone-else@contoso.com"
    else:
        del data["changes"]
    with pytest.raises(InputError) as caught:
        read_live(_write(tmp_path, data))
    assert "IAC416" in str(caught.value) and "content_sha256" in str(caught.value)


def test_a_history_in_a_1_1_bundle_is_refused(tmp_path: Path) -> None:
    data = dict(_with_history(), schema_version="1.1")
    with pytest.raises(InputError):
        read_live(_write(tmp_path, data))


def _report(result: Path, fmt: str, out: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "iac_gen", "report", str(result), "--format", fmt, "-o", str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_report_renders_a_1_0_result_without_attribution(tmp_path: Path) -> None:
    old = json.loads(RESULT.read_text(encoding="utf-8"))
    old["schema_version"] = "1.0"
    old["coverage"] = coverage_entries(old)  # 1.x wrote objects, not the table
    path = tmp_path / "drift.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    Draft202012Validator(load_schema("drift.schema.json")).validate(old)
    proc = _report(path, "md", tmp_path / "drift.md")
    assert proc.returncode == 0, proc.stderr
    assert "Changed by" not in (tmp_path / "drift.md").read_text(encoding="utf-8")


def test_report_renders_attribution_of_a_saved_result(tmp_path: Path) -> None:
    result = json.loads(RESULT.read_text(encoding="utf-8"))
    assert result["schema_version"] == "2.0"
    text = "changed by alice@contoso.com (User) via Azure Portal at 2025-12-22T08:30:11Z"
    for finding in result["findings"]:
        finding["attribution"] = {"status": "recorded", "match": "property", "text": text}
    path = tmp_path / "drift.json"
    path.write_text(json.dumps(result), encoding="utf-8")
    Draft202012Validator(load_schema("drift.schema.json")).validate(result)
    for fmt, name in (
        ("md", "drift.md"),
        ("html", "drift.html"),
        ("sarif", "drift.sarif"),
        ("junit", "drift.junit.xml"),
    ):
        proc = _report(path, fmt, tmp_path / name)
        assert proc.returncode == 0, proc.stderr
        assert text in (tmp_path / name).read_text(encoding="utf-8"), fmt


def test_an_attribution_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    result = json.loads(RESULT.read_text(encoding="utf-8"))
    result["findings"][0]["attribution"] = {"status": "blamed", "text": "x"}
    path = tmp_path / "drift.json"
    path.write_text(json.dumps(result), encoding="utf-8")
    proc = _report(path, "md", tmp_path / "drift.md")
    assert proc.returncode == 2 and "IAC502" in proc.stderr, proc.stderr


def test_findings_without_a_history_have_no_attribution() -> None:
    result = json.loads(RESULT.read_text(encoding="utf-8"))
    assert result["findings"] and all("attribution" not in f for f in result["findings"])
