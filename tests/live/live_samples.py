"""Live-input samples in every supported shape, for `fixtures/live-*/`.

`python -m tests.live.live_samples` rewrites them; `test_live_samples_are_current` checks the
committed files match (so the samples and the readers cannot drift apart silently).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from iac_gen.emulator import data as d
from iac_gen.live.bundle import build_bundle

ROOT = Path(__file__).resolve().parents[2] / "fixtures"
SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
RG = "rg-mlops-prod"
WS = "mlw-risk-prod"
EP = "credit-scoring"
WSID = d.workspace_id(SUB, RG, WS)


def _arm() -> list[dict[str, Any]]:
    ep = d.endpoint_body(
        SUB,
        RG,
        WS,
        EP,
        traffic={"blue": 100},
        mirror_traffic={"green": 10},
        tags={"cost-center": "4711"},
    )
    blue = d.deployment_body(
        SUB, RG, WS, EP, "blue", capacity=3, environment_variables={"WORKER_COUNT": "2"}
    )
    green = d.deployment_body(
        SUB, RG, WS, EP, "green", capacity=1, environment_variables={"WORKER_COUNT": "2"}
    )
    return [d.workspace_body(SUB, RG, WS), ep, blue, green]


def _cli_endpoint(with_id: bool) -> dict[str, Any]:
    eid = d.endpoint_id(SUB, RG, WS, EP)
    out: dict[str, Any] = {
        "auth_mode": "aad_token",
        "identity": {
            "principal_id": "3c5e1d8a-0000-4000-8000-00000000aa01",
            "tenant_id": d.TENANT,
            "type": "system_assigned",
        },
        "kind": "Managed",
        "location": "westeurope",
        "mirror_traffic": {"green": 10},
        "name": EP,
        "properties": {
            "azureml.onlineendpointid": eid.lower(),
            "AzureAsyncOperationUri": "https://management.azure.com/oe:1",
        },
        "provisioning_state": "Succeeded",
        "public_network_access": "disabled",
        "resourceGroup": RG,
        "scoring_uri": f"https://{EP}.westeurope.inference.ml.azure.com/score",
        "openapi_uri": f"https://{EP}.westeurope.inference.ml.azure.com/swagger.json",
        "tags": {"cost-center": "4711"},
        "traffic": {"blue": 100},
    }
    if with_id:
        out["id"] = eid
    return out


def _cli_deployment(name: str, count: int, with_id: bool) -> dict[str, Any]:
    assets = f"azureml:{WSID}"
    out: dict[str, Any] = {
        "app_insights_enabled": True,
        "code_configuration": {
            "code": f"{assets}/codes/credit-score-code/versions/7",
            "scoring_script": "score.py",
        },
        "egress_public_network_access": "disabled",
        "endpoint_name": EP,
        "environment": f"{assets}/environments/credit-env/versions/12",
        "environment_variables": {"WORKER_COUNT": "2", "DB_PASSWORD": "hunter2-not-for-bundles"},
        "instance_count": count,
        "instance_type": "Standard_DS3_v2",
        "liveness_probe": {
            "failure_threshold": 30,
            "initial_delay": 30,
            "period": 10,
            "success_threshold": 1,
            "timeout": 2,
        },
        "model": f"{assets}/models/credit-model/versions/7",
        "name": name,
        "properties": {"AzureAsyncOperationUri": "https://management.azure.com/od:1"},
        "provisioning_state": "Succeeded",
        "readiness_probe": {
            "failure_threshold": 3,
            "initial_delay": 10,
            "period": 10,
            "success_threshold": 1,
            "timeout": 2,
        },
        "request_settings": {
            "max_concurrent_requests_per_instance": 2,
            "max_queue_wait_ms": 500,
            "request_timeout_ms": 3000,
        },
        "scale_settings": {"type": "default"},
        "tags": {},
        "type": "managed",
    }
    if with_id:
        out["id"] = d.deployment_id(SUB, RG, WS, EP, name)
    return out


def _graph_rows(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for body in bodies:
        row = copy.deepcopy(body)
        row["type"] = row["type"].lower()
        row.pop("systemData", None)
        row.update(
            tenantId=d.TENANT,
            resourceGroup=RG,
            subscriptionId=SUB,
            managedBy="",
            plan=None,
            zones=None,
            extendedLocation=None,
        )
        rows.append(row)
    return rows


def samples() -> dict[str, Any]:
    arm = _arm()
    keyed_endpoint = copy.deepcopy(arm[1])
    keyed_endpoint["properties"]["keys"] = {
        "primaryKey": "pk-should-vanish",
        "secondaryKey": "sk-should-vanish",
    }
    bundle = build_bundle(
        resources=arm,
        read=[{"id": b["id"], "type": b["type"], "status": "read"} for b in arm],
        scope={
            "mode": "workspace",
            "subscriptions": [SUB],
            "resource_group": RG,
            "workspace": WS,
            "endpoint": None,
        },
        arm_endpoint="https://management.azure.com",
        api_versions={"machinelearningservices": "2026-05-01"},
    )
    bundle["exported_at"] = "2026-09-20T08:00:00Z"
    edited = copy.deepcopy(bundle)
    edited["resources"][2]["sku"]["capacity"] = 9
    rows = _graph_rows(arm)
    partial = copy.deepcopy(rows)
    partial[3]["properties"] = {"provisioningState": "Succeeded"}
    return {
        "live-arm/endpoint-show.json": keyed_endpoint,
        "live-arm/deployments-list.json": {"value": arm[2:]},
        "live-arm/all-resources.json": arm,
        "live-bundle/bundle.json": bundle,
        "live-cli/online-endpoint-show.json": _cli_endpoint(with_id=True),
        "live-cli/online-deployment-show.json": _cli_deployment("blue", 3, with_id=True),
        "live-cli/endpoint-and-deployments.json": [
            _cli_endpoint(with_id=True),
            _cli_deployment("blue", 3, with_id=False),
            _cli_deployment("green", 1, with_id=False),
        ],
        "live-cli/deployment-without-id.json": _cli_deployment("blue", 3, with_id=False),
        "live-graph/graph-query.json": {
            "count": 4,
            "data": rows,
            "facets": [],
            "resultTruncated": "false",
            "totalRecords": 4,
        },
        "live-graph/graph-rows.json": rows,
        "live-graph/graph-partial-rows.json": partial,
        "live-bad/edited-bundle.json": edited,
        "live-bad/unknown-shape.json": {"endpoints": [{"name": EP}]},
        "live-bad/item-without-id.json": [{"type": d.ENDPOINT_TYPE, "id": "not-an-arm-id"}],
        "live-graph/graph-truncated.json": {"data": rows[:1], "resultTruncated": "true"},
    }


def render(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


RAW_BAD = {
    "live-bad/broken.json": b'{\n  "id": "/subscriptions/x",\n  "type": \n}\n',
    "live-bad/latin1.json": '{"id": "/subscriptions/x", "type": "caf\xe9"}\n'.encode("latin-1"),
}


def main() -> None:
    for rel, value in samples().items():
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(value), encoding="utf-8", newline="\n")
    for rel, raw in RAW_BAD.items():
        (ROOT / rel).write_bytes(raw)


if __name__ == "__main__":
    main()
