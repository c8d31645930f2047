"""Code drift from plain ARM GET bodies (`az resource show` of the deployment and of the
code version it names): the reader keeps the code version, drift reads its hash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from iac_gen.drift import analyse
from iac_gen.emulator.data import code_version_body
from iac_gen.spec.load import load_specs
from tests.conftest import FIXTURES

CASE = FIXTURES / "drift-local-code"
TARGET = json.loads((CASE / "case.json").read_text(encoding="utf-8"))["target"]


def _live(tmp: Path, **version: Any) -> Path:
    """The fixture's live bodies plus the code version blue and green run."""
    live = json.loads((CASE / "live.json").read_text(encoding="utf-8"))["value"]
    for body in live:
        if body["type"].endswith("/deployments"):
            code = body["properties"]["codeConfiguration"]
            name = code["codeId"].split("/codes/")[1].split("/")[0]
            vbody = code_version_body(
                TARGET["subscription"],
                TARGET["resource_group"],
                TARGET["workspace"],
                name,
                "1",
                **version,
            )
            code["codeId"] = vbody["id"]
            live.append(vbody)
    path = tmp / "live.json"
    path.write_text(json.dumps({"value": live}), encoding="utf-8")
    return path


def _code_findings(tmp: Path, **version: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    folder = tmp / "spec"
    shutil.copytree(CASE, folder, ignore=shutil.ignore_patterns("expected", "live.json"))
    (spec,) = load_specs([folder], TARGET)
    from iac_gen.assets.content_hash import content_hash

    local = content_hash(folder / "src")
    hashed = {k: (local if v == "local" else v) for k, v in version.items()}
    result = analyse([spec], _live(tmp, **hashed))
    return result, [f for f in result["findings"] if f["category"] == "code"]


def test_same_hash_in_an_arm_get_is_in_sync(tmp_path: Path) -> None:
    result, findings = _code_findings(tmp_path, content_hash="local")
    assert findings == []
    assert result["status"] == "in_sync"


def test_other_hash_is_high_code_drift(tmp_path: Path) -> None:
    result, findings = _code_findings(tmp_path, content_hash="0" * 64)
    assert [(f["severity"], f["change"]) for f in findings] == [("high", "not_equal")] * 2
    assert all(f["actual"] == "hash_sha256 " + "0" * 64 for f in findings)
    assert result["status"] == "drifted"


@pytest.mark.parametrize(
    ("version", "reason"),
    [
        ({"content_hash": None}, "carries no hash_sha256"),
        ({"content_hash": "local", "hash_version": "202101"}, "hash_version '202101'"),
    ],
)
def test_unusable_hash_is_not_comparable_with_the_reason(
    tmp_path: Path, version: dict[str, Any], reason: str
) -> None:
    result, findings = _code_findings(tmp_path, **version)
    assert findings and all(f["change"] == "not_comparable" for f in findings)
    assert all(reason in f["message"] for f in findings), [f["message"] for f in findings]
    assert result["status"] == "in_sync"


def test_a_number_hash_version_as_azure_ai_ml_sends_it_is_read(tmp_path: Path) -> None:
    _, findings = _code_findings(tmp_path, content_hash="local", hash_version=202208)
    assert findings == []
