"""End to end: `iac-gen export --changes` against the emulator, then `iac-gen drift`, for the
four attribution cases of `scenario.py` and for a change history Azure refuses (HTTP 403).

Goldens (`expected/`, `make golden`): the bundle's `changes` member and, per finding, the
attribution drift attaches. Every report format must show each finding's line."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from iac_gen.emulator import Emulator
from iac_gen.output_files import dumps_json
from tests.changes.scenario import PATCHER, RG, SP_APP_ID, SPEC, SUB, USER, WS, drifted
from tests.export.conftest import TOKEN, Run, run_export

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected"
SCOPE = ["--subscription", SUB, "--resource-group", RG, "--workspace", WS]


def export(tmp_path: Path, *args: str, **emulator: Any) -> tuple[Run, Emulator]:
    bodies, rows, events = drifted()
    with Emulator(bodies, token=TOKEN, changes=rows, activity=events, **emulator) as emu:
        run = run_export(emu, tmp_path / "live.json", *SCOPE, *args, workspace_scope=False)
        emu.assert_only_allowed()
    return run, emu


def drift(live: Path, report: Path, *args: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "iac_gen", "drift", str(SPEC), "--live", str(live)]
    proc = subprocess.run(
        [*cmd, "--report", str(report), *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr  # drifted, never failed
    result: dict[str, Any] = json.loads((report / "drift.json").read_text(encoding="utf-8"))
    return result


def attributions(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"resource": f["resource"], "arm_path": f["arm_path"], "attribution": f["attribution"]}
        for f in result["findings"]
    ]


def by_resource(result: dict[str, Any]) -> dict[str, str]:
    return {f["resource"]: f["attribution"]["text"] for f in result["findings"]}


def assert_every_format_shows(report: Path, result: dict[str, Any]) -> None:
    texts = [f["attribution"]["text"] for f in result["findings"]]
    md = (report / "drift.md").read_text(encoding="utf-8")
    html = (report / "drift.html").read_text(encoding="utf-8")
    sarif = json.loads((report / "drift.sarif").read_text(encoding="utf-8"))
    junit = ET.parse(report / "drift.junit.xml")
    messages = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    failures = [f.text or "" for f in junit.iter("failure")]
    assert "| Changed by |" in md
    for text in texts:
        assert text in md, text
        assert text in html, text
        assert any(m.endswith("; " + text) for m in messages), text
        assert any("who: " + text in f for f in failures), text
    attributed = [r["properties"].get("attribution") for r in sarif["runs"][0]["results"]]
    assert all(a and a["text"] for a in attributed)


def test_attribution_portal_cli_patch_and_none(tmp_path: Path, golden: Any) -> None:
    run, _ = export(tmp_path, "--changes")
    assert run.code == 0, run.stderr
    assert "change history: 4 records for 6 of 6 resources (last 14 days)" in run.stdout
    assert run.bundle is not None and run.bundle["schema_version"] == "1.2"
    golden.check(EXPECTED / "changes.json", dumps_json(run.bundle["changes"]))
    result = drift(run.path, tmp_path / "report")
    golden.check(EXPECTED / "attribution.json", dumps_json(attributions(result)))
    shown = by_resource(result)
    assert shown["credit-scoring/green"] == (
        f"changed by {USER} (User) via Azure Portal at 2025-12-22T08:30:11Z"
    )
    # the change of authMode, not the later portal change of the description
    assert shown["credit-scoring"] == (
        f"changed by {SP_APP_ID} (Application) via Azure CLI at 2025-12-23T14:02:45Z"
    )
    assert shown["credit-scoring/blue"].startswith(
        f"changed by {PATCHER} via a PATCH request at 2025-12-28T09:15:02Z"
    )
    assert shown["credit-scoring/blue/autoscale"] == "no change record in the last 14 days"
    assert_every_format_shows(tmp_path / "report", result)


def test_forbidden_history_is_unknown_and_fails_nothing(tmp_path: Path, golden: Any) -> None:
    run, _ = export(tmp_path, "--changes", history_status=403)
    assert run.code == 0, run.stderr  # the live state itself was read completely
    assert run.bundle is not None
    golden.check(EXPECTED / "changes-403.json", dumps_json(run.bundle["changes"]))
    result = drift(run.path, tmp_path / "report")
    assert result["status"] == "drifted"
    golden.check(EXPECTED / "attribution-403.json", dumps_json(attributions(result)))
    for finding in result["findings"]:
        attribution = finding["attribution"]
        assert attribution["status"] == "unknown"
        assert "HTTP 403" in attribution["reason"]
        assert attribution["text"] == f"unknown ({attribution['reason']})"
    assert_every_format_shows(tmp_path / "report", result)


def test_an_unregistered_provider_is_unknown(tmp_path: Path) -> None:
    run, _ = export(
        tmp_path,
        "--changes",
        history_status=409,
        history_error_code="MissingSubscriptionRegistration",
    )
    assert run.code == 0, run.stderr
    assert run.bundle is not None
    reasons = {r["reason"] for r in run.bundle["changes"]["resources"]}
    assert all("MissingSubscriptionRegistration" in r for r in reasons), reasons
    assert {r["status"] for r in run.bundle["changes"]["resources"]} == {"unknown"}


def test_without_changes_nothing_is_read_and_no_finding_is_attributed(tmp_path: Path) -> None:
    run, emu = export(tmp_path)
    assert run.code == 0, run.stderr
    assert run.bundle is not None and "changes" not in run.bundle
    assert not [r for r in emu.records if "eventtypes" in r.path.lower()]
    result = drift(run.path, tmp_path / "report")
    assert all("attribution" not in f for f in result["findings"])
    assert "Changed by" not in (tmp_path / "report" / "drift.md").read_text(encoding="utf-8")


def test_activity_log_is_asked_only_for_what_it_needs(tmp_path: Path) -> None:
    """Only resources with nothing in resourcechanges fall back to the Activity Log, with
    the documented filter and a $select that leaves token claims out."""
    from urllib.parse import parse_qs

    run, emu = export(tmp_path, "--changes")
    assert run.code == 0, run.stderr
    asked = [parse_qs(r.query) for r in emu.records if "eventtypes" in r.path.lower()]
    uris = sorted(q["$filter"][0].rsplit("resourceUri eq ", 1)[1] for q in asked)
    assert not [u for u in uris if u.endswith("/deployments/green'")]
    assert [u for u in uris if u.endswith("/deployments/blue'")]
    for query in asked:
        assert query["api-version"] == ["2015-04-01"]
        assert "claims" not in query["$select"][0]
        assert query["$filter"][0].startswith("eventTimestamp ge '2025-12-18T00:00:00Z' and ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "20"], "--days and --redact-actors need --changes"),
        (["--redact-actors"], "--days and --redact-actors need --changes"),
        (["--changes", "--days", "91"], "--days"),
    ],
)
def test_change_options_are_checked(tmp_path: Path, args: list[str], message: str) -> None:
    run, _ = export(tmp_path, *args)
    assert run.code == 2, run.stdout + run.stderr
    assert message in run.stderr
    assert not run.path.exists()


def test_the_attributed_fixture_is_what_the_scenario_exports(tmp_path: Path) -> None:
    """fixtures/drift-attributed/live.json is regenerated by `python -m tests.changes.scenario`."""
    from tests.changes.scenario import FIXTURE, write_fixture

    fresh = write_fixture(tmp_path / "live.json").read_text(encoding="utf-8")
    assert fresh == (FIXTURE / "live.json").read_text(encoding="utf-8"), (
        "fixtures/drift-attributed/live.json is stale: run python -m tests.changes.scenario"
    )


def test_the_console_verdict_names_who_changed_each_failing_finding() -> None:
    from tests.changes.scenario import FIXTURE

    cmd = [sys.executable, "-m", "iac_gen", "drift", str(FIXTURE / "spec.yaml")]
    cmd += ["--live", str(FIXTURE / "live.json")]
    plain = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert plain.returncode == 1, plain.stderr
    assert f"changed by {USER} (User) via Azure Portal at 2025-12-22T08:30:11Z" in plain.stdout
    assert "no change record in the last 14 days" in plain.stdout
    hidden = subprocess.run([*cmd, "--redact-actors"], capture_output=True, text=True, timeout=120)
    assert "changed by actor-" in hidden.stdout and USER not in hidden.stdout


def test_fleet_export_reads_the_history_too(tmp_path: Path) -> None:
    bodies, rows, events = drifted()
    with Emulator(bodies, token=TOKEN, changes=rows, activity=events) as emu:
        run = run_export(
            emu,
            tmp_path / "live.json",
            "--graph",
            "--subscription",
            SUB,
            "--changes",
            workspace_scope=False,
        )
        emu.assert_only_allowed()
    assert run.code == 0, run.stderr
    assert run.bundle is not None
    history = run.bundle["changes"]
    assert {r["changed_by"] for r in history["records"]} >= {USER, SP_APP_ID, PATCHER}
    assert {r["status"] for r in history["resources"]} == {"read"}
