"""`iac-gen export` of one workspace against the HTTPS ARM emulator."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from iac_gen.emulator import Emulator
from iac_gen.live import read_live
from iac_gen.live.bundle import resources_digest
from iac_gen.resources import load_schema
from tests.export.conftest import TOKEN, WS, run_export


def test_exports_workspace_endpoints_deployments_and_monitoring(
    emulator: Emulator, tmp_path: Path
) -> None:
    run = run_export(emulator, tmp_path / "live.json", "--output", "json")
    assert run.code == 0, run.stderr
    bundle = run.bundle
    assert bundle is not None
    jsonschema.validate(bundle, load_schema("bundle.schema.json"))
    types = sorted(r["type"] for r in bundle["resources"])
    assert types.count("Microsoft.MachineLearningServices/workspaces/onlineEndpoints") == 2
    assert (
        types.count("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments") == 6
    )
    assert types.count("Microsoft.MachineLearningServices/workspaces") == 1
    assert types.count("Microsoft.Insights/autoscalesettings") == 2
    assert types.count("Microsoft.Insights/diagnosticSettings") == 2
    ids = [r["id"].lower() for r in bundle["resources"]]
    assert ids == sorted(ids)
    assert bundle["resources_sha256"] == resources_digest(bundle["resources"])
    assert bundle["exported_at"] == "2026-01-01T00:00:00Z"  # SOURCE_DATE_EPOCH
    assert bundle["scope"]["workspace"] == WS
    # 13 workspace, endpoint, deployment and monitoring bodies + the 7 code and model versions
    # the deployments run (6 code versions, 1 shared model version), read by GET
    assert bundle["summary"] == {"read": 20, "missing": 0, "not_checked": 0}
    assert all(e["status"] == "read" for e in bundle["read"])
    summary = json.loads(run.stdout)
    assert summary["status"] == "complete" and summary["read"] == 20
    assert summary["path"] == str(run.path)
    # the workspace network settings lint rules need are kept
    ws = next(r for r in bundle["resources"] if r["type"].endswith("/workspaces"))
    assert ws["properties"]["publicNetworkAccess"] == "Disabled"
    assert ws["properties"]["managedNetwork"]["isolationMode"] == "AllowOnlyApprovedOutbound"
    # list pages of 2 items were followed through nextLink
    pages = [r for r in emulator.records if "$skipToken" in r.query]
    assert pages, "expected nextLink pages to be requested"


def test_secrets_removed_before_writing(emulator: Emulator, tmp_path: Path) -> None:
    run = run_export(emulator, tmp_path / "live.json")
    assert run.code == 0, run.stderr
    text = run.path.read_text(encoding="utf-8")
    assert "c2VjcmV0LXZhbHVlLXNob3VsZC1uZXZlci1sZWFr" not in text
    dep = next(r for r in run.bundle["resources"] if r["type"].endswith("/deployments"))
    env = dep["properties"]["environmentVariables"]
    assert env == {"LOG_LEVEL": "info", "STORAGE_ACCOUNT_KEY": "<redacted>"}
    endpoint = next(r for r in run.bundle["resources"] if r["type"].endswith("/onlineEndpoints"))
    assert "keys" not in endpoint["properties"]
    paths = {e["path"] for e in run.bundle["secrets_removed"]}
    assert paths == {"properties.environmentVariables.STORAGE_ACCOUNT_KEY"}


def test_token_never_appears_in_bundle_stdout_or_stderr(emulator: Emulator, tmp_path: Path) -> None:
    from iac_gen.emulator import Fault

    emulator.set_faults([Fault(path="dep-002$", status=401)])
    run = run_export(emulator, tmp_path / "live.json", "--verbose")
    assert run.code == 3
    for text in (run.path.read_text(encoding="utf-8"), run.stdout, run.stderr):
        assert TOKEN not in text
        assert "TEST-TOKEN-7f3a9c" not in text
    # and the token was really used: the emulator only answers the exact bearer token
    assert all(r.authorized for r in emulator.records)
    assert len(emulator.records) > 5


def test_wrong_token_is_not_checked_everywhere(emulator: Emulator, tmp_path: Path) -> None:
    run = run_export(emulator, tmp_path / "live.json", token="some-other-token")
    assert run.code == 3
    assert run.bundle["resources"] == []
    reasons = {e["reason"] for e in run.bundle["errors"]}
    assert reasons == {"access denied (HTTP 401 AuthenticationFailed)"}


def test_single_endpoint_narrows_the_export(emulator: Emulator, tmp_path: Path) -> None:
    run = run_export(emulator, tmp_path / "live.json", "--endpoint", "ep-001")
    assert run.code == 0, run.stderr
    eps = [r["name"] for r in run.bundle["resources"] if r["type"].endswith("onlineEndpoints")]
    assert eps == ["ep-001"]
    deps = [r["id"] for r in run.bundle["resources"] if r["type"].endswith("/deployments")]
    assert len(deps) == 3 and all("/onlineEndpoints/ep-001/" in d for d in deps)
    scaled = [r for r in run.bundle["resources"] if r["type"].endswith("autoscalesettings")]
    assert [s["properties"]["targetResourceUri"].split("/")[-3] for s in scaled] == ["ep-001"]
    assert not any(r.path.endswith("/onlineEndpoints") for r in emulator.records)


def test_bundle_reads_back_as_live_state(emulator: Emulator, tmp_path: Path) -> None:
    run = run_export(emulator, tmp_path / "live.json")
    state = read_live(run.path)
    assert state.format == "bundle"
    assert len(state.resources) == 20
    assert state.not_checked == [] and state.missing == []
    assert state.scope["mode"] == "workspace"


def test_quiet_prints_nothing_on_success(emulator: Emulator, tmp_path: Path) -> None:
    run = run_export(emulator, tmp_path / "live.json", "--quiet")
    assert run.code == 0
    assert run.stdout == "" and run.stderr == ""


def test_plain_progress_lines_without_a_terminal(emulator: Emulator, tmp_path: Path) -> None:
    run = run_export(emulator, tmp_path / "live.json", "--verbose")
    assert run.code == 0
    lines = run.stderr.splitlines()
    assert sum(1 for line in lines if line.startswith("read: /subscriptions/")) == 20
    assert "\x1b[" not in run.stderr  # no terminal control codes in CI logs
    assert run.stdout.startswith(f"wrote {run.path}: 20 resources")
