"""Does the code that runs equal the code in the repository?

The emulator (a real loopback HTTPS server) serves a deployment whose code version was
registered as `az ml` registers it (a random name, version 1, `hash_sha256` of the folder);
`iac-gen export` reads it by GET, and `iac-gen drift` compares its hash with the local
`./src`: in sync while the folder is unchanged, a high `code` finding once it changes, and
not comparable (with the reason) when the live version carries no hash.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from iac_gen.coverage import entries as coverage_entries
from iac_gen.emulator import Emulator
from iac_gen.emulator.data import code_version_body, served, workspace_body
from tests.conftest import FIXTURES
from tests.export.conftest import TOKEN, run_export

CASE = FIXTURES / "drift-local-code"
TARGET = json.loads((CASE / "case.json").read_text(encoding="utf-8"))["target"]
SUB, RG, WS = TARGET["subscription"], TARGET["resource_group"], TARGET["workspace"]
AZ_ML_NAME = "82ffabb8-ea16-4f6b-85b4-88df37bd44f8"  # a uuid4 name, as az ml gives anonymous code
OPTIONS = [f"--{k.replace('_', '-')}={v}" for k, v in TARGET.items()]


def _spec_copy(tmp: Path) -> Path:
    folder = tmp / "spec"
    shutil.copytree(CASE, folder, ignore=shutil.ignore_patterns("expected", "live.json"))
    return folder


def _deployed(folder: Path, *, content_hash: str | None) -> list[dict[str, Any]]:
    """What Azure holds after `az ml online-deployment create` of the folder's files."""
    from iac_gen.desired import desired_state
    from iac_gen.spec.load import load_specs

    [spec] = load_specs([folder], TARGET)
    code = code_version_body(SUB, RG, WS, AZ_ML_NAME, "1", content_hash=content_hash)
    bodies = [code, workspace_body(SUB, RG, WS)]
    for res in desired_state(spec).resources:
        if res["type"].endswith("/versions"):
            continue  # az ml registered the code under its own name (above)
        body = served(res)
        if res["type"].endswith("/deployments"):
            body["properties"]["codeConfiguration"]["codeId"] = code["id"]
        bodies.append(body)
    return bodies


def _export_and_drift(
    tmp: Path, folder: Path, bodies: list[dict[str, Any]]
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    with Emulator(bodies, token=TOKEN) as emu:
        args = ["--subscription", SUB, "--resource-group", RG, "--workspace", WS]
        run = run_export(emu, tmp / "live.json", *args, workspace_scope=False)
        emu.assert_only_allowed()
    assert run.code == 0, run.stderr
    assert run.bundle is not None
    cmd = [sys.executable, "-m", "iac_gen", "drift", str(folder), "--live", str(run.path)]
    cmd += [*OPTIONS, "--report", str(tmp / "report")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    result = json.loads((tmp / "report" / "drift.json").read_text(encoding="utf-8"))
    return done.returncode, result, run.bundle


def _local_hash(folder: Path) -> str:
    from iac_gen.assets.content_hash import content_hash

    return content_hash(folder / "src")


def _code_findings(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["category"] == "code"]


def test_unchanged_folder_is_in_sync_whoever_registered_it(tmp_path: Path) -> None:
    folder = _spec_copy(tmp_path)
    bodies = _deployed(folder, content_hash=_local_hash(folder))
    code, result, bundle = _export_and_drift(tmp_path, folder, bodies)
    (version,) = [r for r in bundle["resources"] if r["type"].endswith("/codes/versions")]
    assert version["properties"]["properties"]["hash_sha256"] == _local_hash(folder)
    assert code == 0, result["findings"]
    assert result["status"] == "in_sync"
    assert _code_findings(result) == []
    matched = [
        c
        for c in coverage_entries(result)
        if c["arm_path"] == "properties.codeConfiguration.codeId"
    ]
    assert {c["outcome"] for c in matched} == {"matched"}


def test_changed_folder_is_code_drift(tmp_path: Path) -> None:
    folder = _spec_copy(tmp_path)
    bodies = _deployed(folder, content_hash=_local_hash(folder))
    (folder / "src" / "score.py").write_text("def run(data):\n    return 'changed'\n")
    code, result, _ = _export_and_drift(tmp_path, folder, bodies)
    assert code == 1
    assert result["status"] == "drifted"
    findings = _code_findings(result)
    assert sorted(f["resource"] for f in findings) == [
        "fraud-detector/blue",
        "fraud-detector/green",
    ]
    for f in findings:
        assert f["severity"] == "high" and f["change"] == "not_equal"
        assert f["message"].startswith("deployed code differs from ./src")
        assert f["field"].endswith(".code_configuration.code")
        assert f["expected"] == f"hash_sha256 {_local_hash(folder)}"
    statuses = {r["name"]: r["status"] for r in result["resources"]}
    assert statuses["fraud-detector/blue"] == "modified"


def test_live_version_without_hash_is_not_comparable(tmp_path: Path) -> None:
    folder = _spec_copy(tmp_path)
    bodies = _deployed(folder, content_hash=None)
    code, result, _ = _export_and_drift(tmp_path, folder, bodies)
    findings = _code_findings(result)
    assert findings and all(f["change"] == "not_comparable" for f in findings)
    assert all("carries no hash_sha256" in f["message"] for f in findings)
    assert result["status"] == "in_sync" and code == 0  # nothing known to differ


def test_code_version_not_found_is_not_comparable(tmp_path: Path) -> None:
    folder = _spec_copy(tmp_path)
    bodies = [
        b
        for b in _deployed(folder, content_hash=_local_hash(folder))
        if not b["id"].lower().endswith(f"/codes/{AZ_ML_NAME}/versions/1")
    ]
    code, result, bundle = _export_and_drift(tmp_path, folder, bodies)
    statuses = {e["id"].lower(): e["status"] for e in bundle["read"]}
    assert [s for i, s in statuses.items() if "/codes/" in i] == ["missing"]
    findings = _code_findings(result)
    assert findings and all(f["change"] == "not_comparable" for f in findings)
    assert all("does not carry the code version" in f["message"] for f in findings)
    assert code == 0
