"""Hand-built specs, desired bodies and live bodies for drift tests.

The desired bodies follow the desired-state contract (ARM bodies, concrete values); the live
bodies add what Azure fills in on GET (ids, systemData, provisioningState, principal ids,
scoring URIs, SKU tier, system property keys) so tests exercise the server-owned tables.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Location
from iac_gen.spec.model import (
    Autoscale,
    Deployment,
    Endpoint,
    Policies,
    Spec,
    Target,
)

SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
RG = "rg-mlops-prod"
WS = "mlw-risk-prod"
WS_ID = (
    f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/"
    f"Microsoft.MachineLearningServices/workspaces/{WS}"
)
EP_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
DEP_TYPE = f"{EP_TYPE}/deployments"


@dataclass
class State:
    resources: list[dict[str, Any]]
    unresolved: list[Any] = field(default_factory=list)


@dataclass
class Live:
    resources: list[dict[str, Any]]
    not_checked: list[dict[str, Any]] = field(default_factory=list)
    path: Path | None = None
    format: str = ""  # "bundle": an export, which always reads the Azure Monitor companions


@dataclass(frozen=True)
class Unresolved:
    resource_id: str
    arm_path: str
    reason: str


def endpoint_id(endpoint: str) -> str:
    return f"{WS_ID}/onlineEndpoints/{endpoint}"


def deployment_id(endpoint: str, deployment: str) -> str:
    return f"{endpoint_id(endpoint)}/deployments/{deployment}"


def asset_id(collection: str, name: str, version: str) -> str:
    return f"{WS_ID}/{collection}/{name}/versions/{version}"


def make_spec(
    endpoint: str = "credit-scoring",
    deployments: tuple[str, ...] = ("blue", "green"),
    autoscale: dict[str, tuple[int, int]] | None = None,
    policies: Policies | None = None,
    source: str = "spec.yaml",
) -> Spec:
    locations = {"name": Location(source, 10, 1), "auth_mode": Location(source, 12, 1)}
    for i, dep in enumerate(deployments):
        locations[f"deployments.{dep}"] = Location(source, 30 + 20 * i, 5)
        locations[f"deployments.{dep}.instance_count"] = Location(source, 35 + 20 * i, 5)
    return Spec(
        source=Path(source),
        format="native",
        target=Target(SUB, RG, WS, "westeurope"),
        endpoint=Endpoint(name=endpoint, auth_mode="aad_token"),
        deployments=tuple(Deployment(name=d, instance_count=3) for d in deployments),
        autoscale={
            d: Autoscale(min_instances=lo, max_instances=hi, default_instances=lo)
            for d, (lo, hi) in (autoscale or {}).items()
        },
        policies=policies or Policies(),
        locations=locations,
    )


def desired_endpoint(
    endpoint: str = "credit-scoring", traffic: dict[str, int] | None = None
) -> dict:
    return {
        "type": EP_TYPE,
        "apiVersion": "2026-05-01",
        "name": f"{WS}/{endpoint}",
        "id": endpoint_id(endpoint),
        "location": "westeurope",
        "tags": {"cost-center": "4711", "owner": "risk-ml-platform@contoso.com"},
        "identity": {"type": "SystemAssigned"},
        "kind": "Managed",
        "properties": {
            "authMode": "AADToken",
            "description": "Scores consumer credit applications.",
            "publicNetworkAccess": "Disabled",
            "traffic": traffic if traffic is not None else {"blue": 100},
            "mirrorTraffic": {"green": 10},
        },
    }


def desired_deployment(
    endpoint: str = "credit-scoring", name: str = "blue", capacity: int = 3
) -> dict:
    return {
        "type": DEP_TYPE,
        "apiVersion": "2026-05-01",
        "name": f"{WS}/{endpoint}/{name}",
        "id": deployment_id(endpoint, name),
        "location": "westeurope",
        "tags": {"cost-center": "4711"},
        "sku": {"name": "Default", "capacity": capacity},
        "kind": "Managed",
        "properties": {
            "endpointComputeType": "Managed",
            "model": asset_id("models", "credit-model", "7"),
            "environmentId": asset_id("environments", "credit-env", "12"),
            "codeConfiguration": {
                "codeId": asset_id("codes", "credit-score-code", "7"),
                "scoringScript": "score.py",
            },
            "instanceType": "Standard_DS3_v2",
            "appInsightsEnabled": True,
            "egressPublicNetworkAccess": "Disabled",
            "requestSettings": {"requestTimeout": "PT3S", "maxConcurrentRequestsPerInstance": 2},
            "livenessProbe": {
                "initialDelay": "PT30S",
                "period": "PT10S",
                "timeout": "PT2S",
                "successThreshold": 1,
                "failureThreshold": 30,
            },
            "environmentVariables": {"WORKER_COUNT": "2"},
        },
    }


SYSTEM_DATA = {
    "createdAt": "2026-01-01T12:00:00Z",
    "createdBy": "someone@contoso.com",
    "createdByType": "User",
    "lastModifiedAt": "2026-01-02T12:00:00Z",
    "lastModifiedBy": "someone@contoso.com",
    "lastModifiedByType": "User",
}


def as_live(body: dict[str, Any]) -> dict[str, Any]:
    """What Azure returns on GET for a resource deployed from `body` (server fields added)."""
    live = copy.deepcopy(body)
    live.pop("apiVersion", None)
    live.setdefault("kind", "Managed")
    live["name"] = body["name"].split("/")[-1]
    live["systemData"] = dict(SYSTEM_DATA)
    props = live.setdefault("properties", {})
    props["provisioningState"] = "Succeeded"
    if body["type"] == EP_TYPE:
        endpoint = live["name"]
        props["scoringUri"] = f"https://{endpoint}.westeurope.inference.ml.azure.com/score"
        props["swaggerUri"] = f"https://{endpoint}.westeurope.inference.ml.azure.com/swagger.json"
        props["keys"] = None
        system = {
            "AzureAsyncOperationUri": "https://management.azure.com/op/1",
            "azureml.onlineendpointid": body["id"].lower(),
        }
        props["properties"] = {**(props.get("properties") or {}), **system}
        identity = live.setdefault("identity", {"type": "SystemAssigned"})
        if "SystemAssigned" in identity.get("type", ""):
            identity["principalId"] = "11111111-2222-3333-4444-555555555555"
            identity["tenantId"] = "66666666-7777-8888-9999-000000000000"
    else:
        live["sku"] = {**live.get("sku", {}), "tier": "Standard"}
        props.setdefault("scaleSettings", {"scaleType": "Default"})
        props.setdefault("readinessProbe", None)
    return live


def example() -> tuple[Spec, State, Live]:
    spec = make_spec()
    desired = State(
        [
            desired_endpoint(),
            desired_deployment(name="blue", capacity=3),
            desired_deployment(name="green", capacity=3),
        ]
    )
    live = Live([as_live(b) for b in desired.resources])
    return spec, desired, live


def find(live: Live, suffix: str) -> dict[str, Any]:
    for body in live.resources:
        if body["id"].lower().endswith(suffix.lower()):
            return body
    raise KeyError(suffix)
