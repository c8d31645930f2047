"""What the change history may never carry or show: tokens, keys, token claims, client
addresses, and - with --redact-actors - who the actors are (a stable pseudonym instead)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from iac_gen.emulator import Emulator
from iac_gen.live.change_records import pseudonymise
from tests.changes.scenario import PATCHER, SP_APP_ID, USER, drifted
from tests.changes.test_export_changes import SCOPE, drift
from tests.export.conftest import TOKEN, run_export

ACTORS = (USER, PATCHER, SP_APP_ID, "carol@contoso.com")
REPORTS = ("drift.json", "drift.md", "drift.html", "drift.sarif", "drift.junit.xml")


def _export(tmp_path: Path, *args: str) -> dict[str, Any]:
    bodies, rows, events = drifted()
    for event in events:  # what a real service may add; the exporter must not keep it
        event["claims"] = {"puid": "20030000801A118C", "ipaddr": "198.51.100.4"}
    with Emulator(bodies, token=TOKEN, changes=rows, activity=events) as emu:
        run = run_export(
            emu, tmp_path / "live.json", *SCOPE, "--changes", *args, workspace_scope=False
        )
    assert run.code == 0, run.stderr
    assert run.bundle is not None
    return run.bundle


def test_no_token_claim_or_client_address_in_the_bundle(tmp_path: Path) -> None:
    bundle = _export(tmp_path)
    text = (tmp_path / "live.json").read_text(encoding="utf-8")
    for leaked in (
        TOKEN,
        "20030000801A118C",
        "198.51.100.4",
        "203.0.113.7",
        "previousValue",
        "newValue",
        "Scores credit",
    ):
        assert leaked not in text, leaked
    assert USER in json.dumps(bundle["changes"])  # what the record holds is kept


def test_redact_actors_in_the_export(tmp_path: Path) -> None:
    bundle = _export(tmp_path, "--redact-actors")
    changes = bundle["changes"]
    assert changes["actors_redacted"] is True
    text = json.dumps(changes)
    for actor in ACTORS:
        assert actor not in text, actor
    who = {r["changed_by"] for r in changes["records"]}
    assert who == {"actor-1", "actor-2", "actor-3", "actor-4"}
    result = drift(tmp_path / "live.json", tmp_path / "report")
    for name in REPORTS:
        shown = (tmp_path / "report" / name).read_text(encoding="utf-8")
        assert "changed by actor-" in shown, name
        for actor in ACTORS:
            assert actor not in shown, (name, actor)
    assert result["findings"]


def test_redact_actors_in_drift_of_a_bundle_with_names(tmp_path: Path) -> None:
    _export(tmp_path)
    drift(tmp_path / "live.json", tmp_path / "report", "--redact-actors")
    for name in REPORTS:
        shown = (tmp_path / "report" / name).read_text(encoding="utf-8")
        for actor in ACTORS:
            assert actor not in shown, (name, actor)
    plain = drift(tmp_path / "live.json", tmp_path / "plain")
    assert any(USER in f["attribution"]["text"] for f in plain["findings"])


def _rec(rid: str, when: str, who: str) -> dict[str, Any]:
    return {
        "resource_id": rid,
        "timestamp": when,
        "source": "resourcechanges",
        "correlation_id": None,
        "changed_by": who,
    }


def test_the_same_actor_keeps_one_pseudonym_within_a_run() -> None:
    records = [
        _rec("/a", "2025-12-20T00:00:00Z", "Alice@Contoso.com"),
        _rec("/b", "2025-12-21T00:00:00Z", "bob@contoso.com"),
        _rec("/c", "2025-12-22T00:00:00Z", "alice@contoso.com"),
        _rec("/d", "2025-12-23T00:00:00Z", "System"),
    ]
    out = {r["resource_id"]: r["changed_by"] for r in pseudonymise(records)}
    assert out == {"/a": "actor-1", "/b": "actor-2", "/c": "actor-1", "/d": "System"}
    again = {r["resource_id"]: r["changed_by"] for r in pseudonymise(list(reversed(records)))}
    assert again == out  # order of input does not matter: same run, same pseudonyms
