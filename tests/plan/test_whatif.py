"""`iac-gen whatif`: what-if output keeps only the changes drift would call changes.

The what-if documents are built in the shape `az deployment group what-if --result-format
FullResourcePayloads --no-pretty-print` prints (`status`, `changes[]` with `resourceId`,
`changeType`, `before`, `after`, `delta[]` of `path` / `propertyChangeType`), with `before` as
the emulator serves a deployed spec and `after` as the compiled template writes it.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from iac_gen.desired import desired_state
from iac_gen.diagnostics import InputError
from iac_gen.emulator.data import served
from iac_gen.plan.whatif import filter_whatif
from iac_gen.spec.load import load_specs
from iac_gen.spec.overlay import resolve

ROOT = Path(__file__).resolve().parents[2]


def pairs() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    (spec,) = load_specs([ROOT / "fixtures" / "example" / "spec.yaml"])
    bodies = desired_state(resolve(spec, "prod")).resources
    ml = [b for b in bodies if "MachineLearningServices" in b["type"]]
    return [(served(b), copy.deepcopy(b)) for b in ml]


def modify(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceId": before["id"],
        "changeType": "Modify",
        "before": before,
        "after": after,
        "delta": [{"path": "properties.provisioningState", "propertyChangeType": "Delete"}],
    }


def test_server_filled_fields_and_spellings_are_dropped() -> None:
    doc = {"status": "Succeeded", "changes": [modify(b, a) for b, a in pairs()]}
    result = filter_whatif(doc)
    assert result == {"status": "no_change", "changes": [], "dropped_as_noise": len(pairs())}


def test_a_real_change_is_kept_with_drift_field_and_severity() -> None:
    changes = []
    for before, after in pairs():
        if after["type"].endswith("onlineEndpoints"):
            after["properties"]["authMode"] = "Key"
        changes.append(modify(before, after))
    result = filter_whatif({"status": "Succeeded", "properties": {"changes": changes}})
    (kept,) = result["changes"]
    (prop,) = kept["properties"]
    assert prop == {
        "field": "auth_mode",
        "arm_path": "properties.authMode",
        "from": "AADToken",
        "to": "Key",
        "severity": "high",
        "category": "security",
    }
    assert result["dropped_as_noise"] == len(pairs()) - 1


def test_creates_deletes_and_unknown_types_are_kept_as_reported() -> None:
    storage = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/st"
    doc = {
        "status": "Succeeded",
        "changes": [
            {
                "resourceId": storage,
                "changeType": "Modify",
                "before": {"type": "x"},
                "after": {"type": "x"},
                "delta": [{"path": "properties.minimumTlsVersion", "propertyChangeType": "Modify"}],
            },
            {"resourceId": storage + "2", "changeType": "Delete", "before": {}},
            {"resourceId": storage + "3", "changeType": "NoChange"},
            {"resourceId": storage + "4", "changeType": "Ignore"},
        ],
    }
    result = filter_whatif(doc)
    assert [(c["change"], c["resource_id"][-3:]) for c in result["changes"]] == [
        ("Modify", "/st"),
        ("Delete", "st2"),
    ]
    assert result["changes"][0]["properties"] == [
        {"arm_path": "properties.minimumTlsVersion", "change": "Modify"}
    ]


@pytest.mark.parametrize(
    "doc", [[], {"value": []}, {"changes": "x"}, {"status": "Failed", "changes": []}]
)
def test_what_is_not_what_if_output_is_refused(doc: Any) -> None:
    with pytest.raises(InputError) as exc:
        filter_whatif(doc, "w.json")
    assert exc.value.diagnostics[0].code in ("IAC440", "IAC441")


def test_cli_exit_codes(tmp_path: Path) -> None:
    noise = tmp_path / "noise.json"
    noise.write_text(
        json.dumps({"status": "Succeeded", "changes": [modify(b, a) for b, a in pairs()]}),
        encoding="utf-8",
    )
    run = [sys.executable, "-m", "iac_gen", "whatif"]
    quiet = subprocess.run([*run, str(noise)], capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stdout.startswith("whatif: no_change"), quiet.stderr
    real = tmp_path / "real.json"
    real.write_text(
        json.dumps(
            {"status": "Succeeded", "changes": [{"resourceId": "/x", "changeType": "Create"}]}
        ),
        encoding="utf-8",
    )
    assert subprocess.run([*run, str(real)], capture_output=True, text=True).returncode == 1
    bad = tmp_path / "bad.json"
    bad.write_text('{"changes": [], "changes": []}', encoding="utf-8")
    refused = subprocess.run([*run, str(bad)], capture_output=True, text=True)
    assert refused.returncode == 2 and "error IAC440" in refused.stderr
