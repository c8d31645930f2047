"""The emulator itself: read-only guard, paths it serves, standalone entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from iac_gen.emulator import Emulator
from iac_gen.emulator.data import (
    DEPLOYMENT_TYPE,
    ENDPOINT_TYPE,
    deployment_id,
    endpoint_id,
    fleet,
    served,
    write_data_dir,
)
from tests.export.conftest import RG, SUB, WS

API = "?api-version=2026-05-01"


def _get(emu: Emulator, path: str, **kw: object) -> requests.Response:
    return requests.get(
        emu.url + path, verify=str(emu.ca_file), headers={"Authorization": "Bearer t"}, **kw
    )


def test_flags_secret_actions_and_writes() -> None:
    with Emulator(fleet(subscriptions=(SUB,), endpoints=1)) as emu:
        eid = endpoint_id(SUB, RG, WS, "ep-000")
        auth = {"Authorization": "Bearer t"}
        requests.post(emu.url + eid + "/listKeys" + API, verify=str(emu.ca_file), headers=auth)
        requests.put(emu.url + eid + API, verify=str(emu.ca_file), headers=auth, json={})
        requests.post(emu.url + eid + "/token" + API, verify=str(emu.ca_file), headers=auth)
        bad = emu.violations()
    assert len(bad) == 3
    assert any("listKeys" in b and "secret-bearing" in b for b in bad)
    assert any(b.startswith("PUT ") for b in bad)


def test_serves_resources_lists_and_404() -> None:
    with Emulator(
        fleet(subscriptions=(SUB,), endpoints=1, deployments_per_endpoint=3), page_size=2
    ) as emu:
        eid = endpoint_id(SUB, RG, WS, "ep-000")
        one = _get(emu, eid + API).json()
        assert one["properties"]["scoringUri"].endswith("/score")
        assert one["properties"]["properties"]["azureml.onlineendpointid"] == eid.lower()
        page = _get(emu, eid + "/deployments" + API).json()
        assert len(page["value"]) == 2 and page["nextLink"].startswith(emu.url)
        rest = requests.get(
            page["nextLink"], verify=str(emu.ca_file), headers={"Authorization": "Bearer t"}
        ).json()
        assert len(rest["value"]) == 1 and "nextLink" not in rest
        assert _get(emu, eid + "/deployments/nope" + API).status_code == 404
        assert _get(emu, eid).status_code == 400  # api-version is required
        unauth = requests.get(emu.url + eid + API, verify=str(emu.ca_file))
        assert unauth.status_code == 401
        assert emu.violations() == []


def test_served_adds_server_fields_to_a_desired_body() -> None:
    did = deployment_id(SUB, RG, WS, "ep", "blue")
    desired = {
        "type": DEPLOYMENT_TYPE,
        "apiVersion": "2026-05-01",
        "name": f"{WS}/ep/blue",
        "id": did,
        "location": "westeurope",
        "sku": {"name": "Default", "capacity": 3},
        "properties": {
            "endpointComputeType": "Managed",
            "requestSettings": {"requestTimeout": "PT3S"},
        },
    }
    body = served(desired)
    assert body["name"] == "blue" and "apiVersion" not in body
    assert body["sku"] == {"name": "Default", "tier": "Standard", "capacity": 3}
    assert body["properties"]["requestSettings"] == {
        "requestTimeout": "PT3S",
        "maxConcurrentRequestsPerInstance": 1,
        "maxQueueWait": "PT0S",  # recorded on every managed GET (fixtures/recorded-*)
    }
    assert body["properties"]["scaleSettings"] == {"scaleType": "Default"}
    assert body["properties"]["provisioningState"] == "Succeeded"
    ep = served(
        {
            "type": ENDPOINT_TYPE,
            "id": endpoint_id(SUB, RG, WS, "ep"),
            "location": "westeurope",
            "identity": {"type": "SystemAssigned"},
            "properties": {"authMode": "Key"},
        }
    )
    assert ep["kind"] == "Managed" and ep["identity"]["principalId"]
    assert ep["properties"]["scoringUri"] == "https://ep.westeurope.inference.ml.azure.com/score"


def test_runs_standalone_and_prints_url_and_ca(tmp_path: Path) -> None:
    write_data_dir(tmp_path / "data", fleet(subscriptions=(SUB,), endpoints=1))
    proc = subprocess.Popen(
        [sys.executable, "-m", "iac_gen.emulator", "--data", str(tmp_path / "data"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().removeprefix("url: ")
        ca = proc.stdout.readline().strip().removeprefix("ca_file: ")
        assert url.startswith("https://127.0.0.1:")
        deadline = time.monotonic() + 10
        while not Path(ca).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        body = requests.get(
            url + endpoint_id(SUB, RG, WS, "ep-000") + API,
            verify=ca,
            headers={"Authorization": "Bearer t"},
            timeout=10,
        ).json()
        assert body["name"] == "ep-000"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_bad_data_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text(json.dumps([{"name": "no id"}]), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "iac_gen.emulator", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "every resource needs an `id` string" in proc.stderr
