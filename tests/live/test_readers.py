"""Every live-input shape is recognised, converted to ARM bodies and scrubbed of secrets;
everything else is a one-line InputError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.live import load, read_live
from iac_gen.live.registry import READERS
from tests.conftest import FIXTURES
from tests.live.live_samples import RAW_BAD, render, samples

SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
EP_ID = (
    f"/subscriptions/{SUB}/resourceGroups/rg-mlops-prod/providers/"
    "Microsoft.MachineLearningServices/workspaces/mlw-risk-prod/onlineEndpoints/credit-scoring"
)
TARGET = {"subscription": SUB, "resource_group": "rg-mlops-prod", "workspace": "mlw-risk-prod"}


def _error(path: Path, **kw: object) -> str:
    with pytest.raises(InputError) as caught:
        read_live(path, **kw)  # type: ignore[arg-type]
    assert len(caught.value.diagnostics) == 1
    return str(caught.value.diagnostics[0])


def test_registry_names() -> None:
    assert list(READERS) == ["bundle", "resource-graph", "azure-ml-cli", "arm"]


def test_live_samples_are_current() -> None:
    for rel, value in samples().items():
        assert (FIXTURES / rel).read_text(encoding="utf-8") == render(value), rel
    for rel, raw in RAW_BAD.items():
        assert (FIXTURES / rel).read_bytes() == raw, rel


def test_bundle() -> None:
    state = read_live(FIXTURES / "live-bundle/bundle.json")
    assert state.format == "bundle"
    assert len(state.resources) == 4
    assert state.scope["workspace"] == "mlw-risk-prod"
    assert state.not_checked == [] and state.missing == []


def test_bundle_not_checked_and_missing_entries() -> None:
    state = read_live(FIXTURES / "drift-not-checked/live.json")
    assert state.format == "bundle"
    assert [e["reason"] for e in state.not_checked] == [
        "403 AuthorizationFailed: the export identity may not read this deployment"
    ]


def test_arm_single_object_drops_keys() -> None:
    state = read_live(FIXTURES / "live-arm/endpoint-show.json")
    assert state.format == "arm"
    [ep] = state.resources
    assert ep["id"] == EP_ID
    assert "keys" not in ep["properties"]
    assert {r["path"] for r in state.secrets_removed} == {"properties.keys"}
    assert "should-vanish" not in json.dumps(state.resources)


def test_arm_value_list_and_array() -> None:
    listed = read_live(FIXTURES / "live-arm/deployments-list.json")
    assert [r["name"] for r in listed.resources] == ["blue", "green"]
    everything = read_live(FIXTURES / "live-arm/all-resources.json")
    assert len(everything.resources) == 4
    ids = [r["id"].lower() for r in everything.resources]
    assert ids == sorted(ids)


def test_empty_arm_array_is_an_empty_live_state(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("[]", encoding="utf-8")
    state = read_live(tmp_path / "empty.json")
    assert state.resources == [] and state.format == "arm"


def test_cli_endpoint_show_converted_to_arm_shape() -> None:
    state = read_live(FIXTURES / "live-cli/online-endpoint-show.json")
    assert state.format == "azure-ml-cli"
    [ep] = state.resources
    assert ep["id"] == EP_ID and ep["name"] == "credit-scoring"
    assert ep["type"] == "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
    props = ep["properties"]
    assert props["authMode"] == "AADToken"
    assert props["publicNetworkAccess"] == "Disabled"
    assert props["traffic"] == {"blue": 100} and props["mirrorTraffic"] == {"green": 10}
    assert props["scoringUri"].endswith("/score")
    assert props["swaggerUri"].endswith("/swagger.json")
    assert ep["identity"]["type"] == "SystemAssigned"
    assert ep["identity"]["principalId"] == "3c5e1d8a-0000-4000-8000-00000000aa01"


def test_cli_deployment_show_converted_to_arm_shape() -> None:
    state = read_live(FIXTURES / "live-cli/online-deployment-show.json")
    [dep] = state.resources
    assert dep["id"] == f"{EP_ID}/deployments/blue"
    assert dep["sku"] == {"name": "Default", "capacity": 3}
    props = dep["properties"]
    assert props["endpointComputeType"] == "Managed"
    assert props["instanceType"] == "Standard_DS3_v2"
    assert props["requestSettings"] == {
        "requestTimeout": "PT3S",
        "maxQueueWait": "PT0.5S",
        "maxConcurrentRequestsPerInstance": 2,
    }
    assert props["livenessProbe"] == {
        "failureThreshold": 30,
        "initialDelay": "PT30S",
        "period": "PT10S",
        "successThreshold": 1,
        "timeout": "PT2S",
    }
    assert props["scaleSettings"] == {"scaleType": "Default"}
    assert props["egressPublicNetworkAccess"] == "Disabled"
    assert props["model"].startswith("/subscriptions/")  # azureml: prefix removed
    assert props["model"].endswith("/models/credit-model/versions/7")
    assert props["codeConfiguration"]["scoringScript"] == "score.py"
    assert props["environmentVariables"] == {"WORKER_COUNT": "2", "DB_PASSWORD": "<redacted>"}


def test_cli_ids_built_from_the_endpoint_in_the_same_file() -> None:
    state = read_live(FIXTURES / "live-cli/endpoint-and-deployments.json")
    assert [r["id"] for r in state.resources] == [
        EP_ID,
        f"{EP_ID}/deployments/blue",
        f"{EP_ID}/deployments/green",
    ]


def test_cli_ids_built_from_the_target() -> None:
    path = FIXTURES / "live-cli/deployment-without-id.json"
    message = _error(path)
    assert "error IAC417 cannot build the ARM id of deployment 'blue'" in message
    state = read_live(path, target=TARGET)
    assert state.resources[0]["id"] == f"{EP_ID}/deployments/blue"


def test_graph_result_and_rows() -> None:
    for name in ("graph-query.json", "graph-rows.json"):
        state = read_live(FIXTURES / "live-graph" / name)
        assert state.format == "resource-graph"
        assert len(state.resources) == 4
        dep = next(r for r in state.resources if r["name"] == "blue")
        assert (
            dep["type"]
            == "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"
        )
        assert "subscriptionId" not in dep and "tenantId" not in dep and "zones" not in dep


def test_graph_rows_without_properties_are_not_checked() -> None:
    state = read_live(FIXTURES / "live-graph/graph-partial-rows.json")
    assert len(state.resources) == 3
    [entry] = state.not_checked
    assert entry["id"].endswith("/deployments/green")
    assert "lacks the resource properties" in entry["reason"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("broken.json", ":4:1: error IAC413 live input is not valid JSON: Expecting value"),
        ("latin1.json", ":0:0: error IAC411 live input is not UTF-8"),
        (
            "unknown-shape.json",
            "error IAC414 unrecognised live input shape; expected one of: bundle",
        ),
        ("item-without-id.json", "error IAC415 ARM item 0 has no ARM `id` string"),
        (
            "edited-bundle.json",
            "error IAC416 export bundle resources do not match resources_sha256",
        ),
    ],
)
def test_bad_inputs(name: str, expected: str) -> None:
    message = _error(FIXTURES / "live-bad" / name)
    assert expected in message
    assert message.startswith(str(FIXTURES / "live-bad" / name))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "error IAC410 cannot read live input" in _error(tmp_path / "nope.json")
    assert "error IAC410 live input is a folder" in _error(tmp_path)


def test_huge_file_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.json"
    path.write_text("[" + ",".join(["{}"] * 1000) + "]", encoding="utf-8")
    monkeypatch.setattr(load, "MAX_BYTES", 1000)
    assert "error IAC412 live input is" in _error(path)


def test_bundle_schema_violation(tmp_path: Path) -> None:
    bundle = json.loads((FIXTURES / "live-bundle/bundle.json").read_text(encoding="utf-8"))
    bundle["read"][0]["status"] = "maybe"
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    assert "error IAC416 export bundle does not match its schema at read/0/status" in _error(path)


def test_duplicate_ids_rejected(tmp_path: Path) -> None:
    body = json.loads((FIXTURES / "live-arm/endpoint-show.json").read_text(encoding="utf-8"))
    upper = dict(body, id=body["id"].upper())
    path = tmp_path / "dup.json"
    path.write_text(json.dumps([body, upper]), encoding="utf-8")
    assert "error IAC415 resource" in _error(path) and "appears twice" in _error(path)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    text = (FIXTURES / "live-arm/all-resources.json").read_text(encoding="utf-8")
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert len(read_live(path).resources) == 4
