"""The emulator is pinned to what the real service returned, not to what drift expects.

For each recorded scenario (`fixtures/recorded-*/`), the bodies `python -m iac_gen.emulator
--spec` serves for the scenario's spec equal the recorded GET bodies, except for what is
generated per deployment: ids (uuids inside operation URLs, principal ids), IP addresses of
Kubernetes scoring URLs and the values of `systemData` (timestamps and who made the change).
The emulator must never take its answers from the drift tables: they would then agree by
construction and test nothing.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

from iac_gen.emulator import Emulator, Fault
from iac_gen.emulator.__main__ import spec_bodies
from iac_gen.emulator.data import respell_quantity
from tests.conftest import FIXTURES, ROOT

SCENARIOS = sorted(p for p in FIXTURES.glob("recorded-*") if p.is_dir())
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
IPV4 = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")


def masked(value: Any) -> Any:
    """Generated parts out: uuids, IP addresses, systemData values (its keys stay)."""
    if isinstance(value, dict):
        return {
            k: sorted(v) if k == "systemData" and isinstance(v, dict) else masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(v) for v in value]
    if isinstance(value, str):
        return IPV4.sub("<ip>", UUID.sub("<uuid>", value))
    return value


def emulated(case: Path) -> dict[str, dict[str, Any]]:
    config = json.loads((case / "emulator.json").read_text(encoding="utf-8"))
    target = json.loads((case / "target.json").read_text(encoding="utf-8"))
    specs = [case / p for p in config.get("earlier_specs", [])] + [case / "spec"]
    bodies = spec_bodies(
        specs,
        None,
        api_version=config["api_version"],
        code_folders=config.get("code_folders"),
        target=target,
    )
    return {str(b["id"]).lower(): b for b in bodies}


@pytest.mark.parametrize("case", SCENARIOS, ids=lambda p: p.name)
def test_emulator_serves_the_recorded_bodies(case: Path) -> None:
    recorded = json.loads((case / "live.json").read_text(encoding="utf-8"))
    served = emulated(case)
    assert recorded, "a scenario has GET bodies"
    for body in recorded:
        mine = served.get(body["id"].lower())
        assert mine is not None, f"the emulator does not serve {body['id']}"
        assert masked(mine) == masked(body)


def test_masking_keeps_real_differences() -> None:
    """The comparison would see a respelled quantity, an env var or a kind (FN guard)."""
    case = FIXTURES / "recorded-cli-k8s-gpu-updated-2022-02"
    recorded = json.loads((case / "live.json").read_text(encoding="utf-8"))
    served = emulated(case)
    deployment = recorded[1]
    mine = json.loads(json.dumps(served[deployment["id"].lower()]))
    mine["properties"]["containerResourceRequirements"]["containerResourceLimits"]["memory"] = (
        "200Mi"
    )
    assert masked(mine) != masked(deployment)
    mine = json.loads(json.dumps(served[deployment["id"].lower()]))
    mine["kind"] = "Managed"
    assert masked(mine) != masked(deployment)


@pytest.mark.parametrize(
    ("value", "unit", "spelled"),
    [
        ("200Mi", "memory", "0.195Gi"),  # recorded: update PUT -> GET
        ("0.1Gi", "memory", "0.100Gi"),  # recorded
        ("0.2Gi", "memory", "0.200Gi"),  # recorded: first PUT -> its response
        ("300m", "cpu", "0.3"),  # recorded
        ("0.1", "cpu", "0.1"),  # recorded
        ("1", "count", "1"),  # recorded (gpu)
        ("lots", "memory", "lots"),  # not a quantity: echoed
    ],
)
def test_quantities_are_respelled_as_recorded(value: str, unit: str, spelled: str) -> None:
    assert respell_quantity(value, unit) == spelled


def test_kubernetes_update_keeps_the_earlier_instance_type_and_drops_sku() -> None:
    case = FIXTURES / "recorded-cli-k8s-gpu-updated-2022-02"
    target = json.loads((case / "target.json").read_text(encoding="utf-8"))
    first_only = spec_bodies([case / "initial-spec"], None, target=target)
    updated = emulated(case)
    did = next(k for k in updated if "/deployments/" in k)
    first = next(b for b in first_only if str(b["id"]).lower() == did)
    assert first["sku"] == {"name": "Default", "tier": "Standard", "capacity": 1}
    assert "sku" not in updated[did]
    assert updated[did]["properties"]["instanceType"] == "gpuinstance"
    alone = {str(b["id"]).lower(): b for b in spec_bodies([case / "spec"], None, target=target)}
    assert alone[did]["properties"]["instanceType"] != "gpuinstance"  # nothing to keep


def test_api_version_shapes_the_bodies() -> None:
    case = FIXTURES / "recorded-ps-managed-aadtoken-2024-04"
    target = json.loads((case / "target.json").read_text(encoding="utf-8"))
    old = spec_bodies([case / "spec"], None, api_version="2022-02-01-preview", target=target)
    new = spec_bodies([case / "spec"], None, api_version="2024-04-01", target=target)
    old_dep = next(b for b in old if "/deployments/" in str(b["id"]))["properties"]
    new_dep = next(b for b in new if "/deployments/" in str(b["id"]))["properties"]
    assert old_dep["privateNetworkConnection"] is False and "dataCollector" not in old_dep
    assert old_dep["environmentVariables"] == {}
    assert "privateNetworkConnection" not in new_dep and new_dep["dataCollector"] is None
    assert set(new_dep["environmentVariables"]) == {
        "AZUREML_MODEL_DIR",
        "AZUREML_ENTRY_SCRIPT",
        "AML_APP_ROOT",
    }


def test_provisioning_transitions_follow_the_fault_file() -> None:
    """A resource is `Creating` for its first N GETs (list pages and Graph rows alike)."""
    case = FIXTURES / "recorded-cli-managed-amltoken-2022-02"
    bodies = list(emulated(case).values())
    endpoint = next(b for b in bodies if str(b["id"]).lower().endswith("/test-onl-endpt-000005-4"))
    faults = [
        Fault(
            path="/onlineendpoints/test-onl-endpt-000005-4$", provisioning_state="Creating", times=2
        )
    ]
    with Emulator(bodies, faults=faults) as emu:
        url = emu.url + str(endpoint["id"]) + "?api-version=2024-04-01"
        auth = {"Authorization": "Bearer t"}
        seen = []
        for _ in range(3):
            got = requests.get(url, headers=auth, verify=str(emu.ca_file), timeout=10).json()
            seen.append((got["properties"]["provisioningState"], got["properties"]["scoringUri"]))
    assert seen[0] == ("Creating", None) and seen[1] == ("Creating", None)
    assert seen[2] == ("Succeeded", endpoint["properties"]["scoringUri"])
    assert Fault.from_dict({"provisioning_state": "Failed", "path": "x"}).provisioning_state


def test_the_emulator_never_reads_the_drift_tables() -> None:
    found = subprocess.run(
        ["grep", "-rn", "iac_gen.drift", str(ROOT / "iac_gen" / "emulator")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.stdout == ""


def test_emulator_command_serves_the_recorded_bodies_and_transitions(tmp_path: Path) -> None:
    """`python -m iac_gen.emulator --spec A --spec B`, as a user runs it, over HTTPS."""
    import os
    import sys
    import time

    case = FIXTURES / "recorded-cli-k8s-gpu-updated-2022-02"
    config = json.loads((case / "emulator.json").read_text(encoding="utf-8"))
    target = json.loads((case / "target.json").read_text(encoding="utf-8"))
    faults = tmp_path / "faults.json"
    faults.write_text(
        json.dumps([{"path": "/deployments/", "provisioning_state": "Updating", "times": 1}]),
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "iac_gen.emulator", "--port", "0", "--faults", str(faults)]
    for spec in [*config["earlier_specs"], "spec"]:
        cmd += ["--spec", str(case / spec)]
    cmd += ["--api-version", config["api_version"]]
    for key in ("subscription", "resource_group", "workspace", "location"):
        cmd += [f"--{key.replace('_', '-')}", target[key]]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().removeprefix("url: ")
        ca = proc.stdout.readline().strip().removeprefix("ca_file: ")
        deadline = time.monotonic() + 10
        while not Path(ca).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        recorded = json.loads((case / "live.json").read_text(encoding="utf-8"))
        auth = {"Authorization": "Bearer t"}
        got = []
        for body in (recorded[1], recorded[1], recorded[0]):
            answer = requests.get(
                f"{url}{body['id']}?api-version={config['api_version']}",
                headers=auth,
                verify=ca,
                timeout=10,
            )
            got.append(answer.json())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert got[0]["properties"]["provisioningState"] == "Updating"
    assert masked(got[1]) == masked(recorded[1])
    assert masked(got[2]) == masked(recorded[0])


def test_transitions_show_in_resource_graph_rows() -> None:
    case = FIXTURES / "recorded-cli-managed-amltoken-2022-02"
    bodies = list(emulated(case).values())
    faults = [Fault(path="/deployments/", provisioning_state="Failed", times=1)]
    with Emulator(bodies, faults=faults) as emu:
        kind = "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments"
        query = f"resources | where type =~ '{kind}'"
        first = emu.graph_rows(query, [])
        second = emu.graph_rows(query, [])
    assert [r["properties"]["provisioningState"] for r in first] == ["Failed"]
    assert [r["properties"]["provisioningState"] for r in second] == ["Succeeded"]
