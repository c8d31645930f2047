"""Fixture data for the ARM emulator, shaped like real GET responses.

The bodies carry the fields the service fills in on its own (ids, `systemData`,
`provisioningState`, scoring URIs, identity principal/tenant ids, `kind: Managed`, the system
keys in `properties.properties`, request/probe/scale defaults, `sku.tier`), so exports and drift
are exercised against what Azure really returns rather than against what a template sends.
Standard library only: the emulator must run without the Azure SDK.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from iac_gen.vocabulary import (
    AUTOSCALE_TYPE,
    CODE_VERSION_TYPE,
    DEPLOYMENT_TYPE,
    ENDPOINT_TYPE,
    MODEL_VERSION_TYPE,
    WORKSPACE_TYPE,
)
from iac_gen.vocabulary import DIAGNOSTICS_TYPE as DIAGNOSTIC_TYPE
from iac_gen.vocabulary import ML_PROVIDER as ML

LOG_CATEGORIES = (
    "AmlOnlineEndpointTrafficLog",
    "AmlOnlineEndpointConsoleLog",
    "AmlOnlineEndpointEventLog",
)
TENANT = "72f988bf-0000-4000-8000-000000000001"
CREATED_AT = "2026-01-05T09:30:00.0000000Z"


def _uuid(seed: str) -> str:
    """A stable GUID per seed so fixture data is reproducible byte for byte."""
    return str(uuid.UUID(hashlib.sha256(seed.encode()).hexdigest()[:32]))


def system_data() -> dict[str, Any]:
    return {
        "createdAt": CREATED_AT,
        "createdBy": "release-pipeline@contoso.com",
        "createdByType": "User",
        "lastModifiedAt": CREATED_AT,
        "lastModifiedBy": "release-pipeline@contoso.com",
        "lastModifiedByType": "User",
    }


def workspace_id(sub: str, rg: str, ws: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{WORKSPACE_TYPE}/{ws}"


def endpoint_id(sub: str, rg: str, ws: str, endpoint: str) -> str:
    return f"{workspace_id(sub, rg, ws)}/onlineEndpoints/{endpoint}"


def deployment_id(sub: str, rg: str, ws: str, endpoint: str, deployment: str) -> str:
    return f"{endpoint_id(sub, rg, ws, endpoint)}/deployments/{deployment}"


def workspace_body(
    sub: str,
    rg: str,
    ws: str,
    *,
    location: str = "westeurope",
    public_network_access: str = "Disabled",
    isolation_mode: str = "AllowOnlyApprovedOutbound",
) -> dict[str, Any]:
    wid = workspace_id(sub, rg, ws)
    return {
        "id": wid,
        "name": ws,
        "type": WORKSPACE_TYPE,
        "location": location,
        "kind": "Default",
        "tags": {},
        "sku": {"name": "Basic", "tier": "Basic"},
        "identity": {
            "type": "SystemAssigned",
            "principalId": _uuid(wid + "#principal"),
            "tenantId": TENANT,
        },
        "systemData": system_data(),
        "properties": {
            "friendlyName": ws,
            "provisioningState": "Succeeded",
            "publicNetworkAccess": public_network_access,
            "managedNetwork": {"isolationMode": isolation_mode, "status": {"status": "Active"}},
            "workspaceId": _uuid(wid),
            "keyVault": f"/subscriptions/{sub}/resourceGroups/{rg}/providers/"
            f"Microsoft.KeyVault/vaults/kv-{ws}",
            "storageAccount": f"/subscriptions/{sub}/resourceGroups/{rg}/providers/"
            f"Microsoft.Storage/storageAccounts/st{ws.replace('-', '')[:20]}",
        },
    }


def endpoint_body(
    sub: str,
    rg: str,
    ws: str,
    endpoint: str,
    *,
    location: str = "westeurope",
    auth_mode: str = "AADToken",
    traffic: Mapping[str, int] | None = None,
    mirror_traffic: Mapping[str, int] | None = None,
    public_network_access: str = "Disabled",
    description: str = "",
    tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    eid = endpoint_id(sub, rg, ws, endpoint)
    host = f"https://{endpoint}.{location}.inference.ml.azure.com"
    return {
        "id": eid,
        "name": endpoint,
        "type": ENDPOINT_TYPE,
        "location": location,
        "kind": "Managed",
        "tags": dict(tags or {}),
        "identity": {
            "type": "SystemAssigned",
            "principalId": _uuid(eid + "#principal"),
            "tenantId": TENANT,
        },
        "systemData": system_data(),
        "properties": {
            "authMode": auth_mode,
            "description": description,
            "properties": {
                "AzureAsyncOperationUri": f"https://management.azure.com/subscriptions/{sub}/"
                f"providers/{ML}/locations/{location}/mfeOperationsStatus/oe:{_uuid(eid)}",
                "azureml.onlineendpointid": eid.lower(),
            },
            "provisioningState": "Succeeded",
            "publicNetworkAccess": public_network_access,
            "scoringUri": f"{host}/score",
            "swaggerUri": f"{host}/swagger.json",
            "traffic": dict(traffic or {}),
            "mirrorTraffic": dict(mirror_traffic or {}),
            # Never returned with values by GET; an exporter must drop it anyway.
            "keys": None,
        },
    }


def _probe(initial_delay: str = "PT10S") -> dict[str, Any]:
    return {
        "failureThreshold": 30,
        "successThreshold": 1,
        "timeout": "PT2S",
        "period": "PT10S",
        "initialDelay": initial_delay,
    }


def deployment_body(
    sub: str,
    rg: str,
    ws: str,
    endpoint: str,
    deployment: str,
    *,
    location: str = "westeurope",
    instance_type: str = "Standard_DS3_v2",
    capacity: int = 2,
    environment_variables: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    did = deployment_id(sub, rg, ws, endpoint, deployment)
    assets = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{WORKSPACE_TYPE}/{ws}"
    return {
        "id": did,
        "name": deployment,
        "type": DEPLOYMENT_TYPE,
        "location": location,
        "kind": "Managed",
        "tags": {},
        "identity": {"type": "None"},
        "systemData": system_data(),
        "sku": {"name": "Default", "tier": "Standard", "capacity": capacity},
        "properties": {
            "endpointComputeType": "Managed",
            "description": "",
            "properties": {
                "AzureAsyncOperationUri": f"https://management.azure.com/subscriptions/{sub}/"
                f"providers/{ML}/locations/{location}/mfeOperationsStatus/od:{_uuid(did)}",
            },
            "instanceType": instance_type,
            "model": f"{assets}/models/fraud-model/versions/3",
            "environmentId": f"{assets}/environments/sklearn-env/versions/7",
            "codeConfiguration": {
                "codeId": f"{assets}/codes/{_uuid(did + '#code')}/versions/1",
                "scoringScript": "score.py",
            },
            "environmentVariables": dict(environment_variables or {}),
            **copy.deepcopy(_SERVER_DEFAULTS_DEPLOYMENT),
            "appInsightsEnabled": True,
            "egressPublicNetworkAccess": "Disabled",
        },
    }


def autoscale_body(
    sub: str, rg: str, name: str, target_id: str, *, location: str = "westeurope"
) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{AUTOSCALE_TYPE}/{name}",
        "name": name,
        "type": AUTOSCALE_TYPE,
        "location": location,
        "tags": {},
        "properties": {
            "enabled": True,
            "name": name,
            "targetResourceUri": target_id,
            "targetResourceLocation": location,
            "notifications": [],
            "profiles": [
                {
                    "name": "default",
                    "capacity": {"minimum": "2", "maximum": "5", "default": "2"},
                    "rules": [
                        {
                            "metricTrigger": {
                                "metricName": "CpuUtilizationPercentage",
                                "metricResourceUri": target_id,
                                # Azure Monitor echoes the namespace lower-cased
                                "metricNamespace": DEPLOYMENT_TYPE.lower(),
                                "timeGrain": "PT1M",
                                "statistic": "Average",
                                "timeWindow": "PT5M",
                                "timeAggregation": "Average",
                                "operator": "GreaterThan",
                                "threshold": 70,
                            },
                            "scaleAction": {
                                "direction": "Increase",
                                "type": "ChangeCount",
                                "value": "1",
                                "cooldown": "PT5M",
                            },
                        }
                    ],
                }
            ],
        },
    }


def diagnostic_body(target_id: str, name: str, workspace_resource_id: str) -> dict[str, Any]:
    return {
        "id": f"{target_id}/providers/{DIAGNOSTIC_TYPE}/{name}",
        "name": name,
        "type": DIAGNOSTIC_TYPE,
        "properties": {
            "workspaceId": workspace_resource_id,
            "logs": [
                {"category": c, "categoryGroup": None, "enabled": True} for c in LOG_CATEGORIES
            ],
            "metrics": [{"category": "AllMetrics", "enabled": True, "timeGrain": None}],
            "logAnalyticsDestinationType": None,
        },
    }


def fleet(
    *,
    subscriptions: Iterable[str] = ("00000000-0000-4000-8000-000000000001",),
    resource_group: str = "rg-ml-prod",
    workspace: str = "mlw-prod",
    endpoints: int = 2,
    deployments_per_endpoint: int = 2,
    with_monitoring: bool = True,
    secret_env: bool = False,
    with_assets: bool = True,
) -> list[dict[str, Any]]:
    """A reproducible set of workspaces, endpoints, deployments, autoscale and diagnostics,
    and (`with_assets`) the code and model versions the deployments run, as the workspace
    holds them (export reads those by GET)."""
    bodies: list[dict[str, Any]] = []
    assets: dict[str, dict[str, Any]] = {}
    for sub in subscriptions:
        bodies.append(workspace_body(sub, resource_group, workspace))
        law = (
            f"/subscriptions/{sub}/resourceGroups/{resource_group}/providers/"
            f"Microsoft.OperationalInsights/workspaces/law-{workspace}"
        )
        for e in range(endpoints):
            ep = f"ep-{e:03d}"
            names = [f"dep-{d:03d}" for d in range(deployments_per_endpoint)]
            traffic = {names[0]: 100} if names else {}
            bodies.append(endpoint_body(sub, resource_group, workspace, ep, traffic=traffic))
            eid = endpoint_id(sub, resource_group, workspace, ep)
            if with_monitoring:
                bodies.append(diagnostic_body(eid, "to-law", law))
            for name in names:
                env = {"LOG_LEVEL": "info"}
                if secret_env:
                    env["STORAGE_ACCOUNT_KEY"] = "c2VjcmV0LXZhbHVlLXNob3VsZC1uZXZlci1sZWFr"
                dep = deployment_body(
                    sub, resource_group, workspace, ep, name, environment_variables=env
                )
                bodies.append(dep)
                if with_assets:
                    _add_assets(assets, sub, resource_group, workspace, dep)
                if with_monitoring and name == names[0]:
                    did = deployment_id(sub, resource_group, workspace, ep, name)
                    bodies.append(autoscale_body(sub, resource_group, f"{ep}-{name}-as", did))
    return bodies + [assets[k] for k in sorted(assets)]


def _add_assets(
    assets: dict[str, dict[str, Any]], sub: str, resource_group: str, workspace: str, dep: Any
) -> None:
    """The code and model versions a fleet deployment runs, once each (by lower-case id)."""
    for asset_id in (dep["properties"]["codeConfiguration"]["codeId"],):
        name, version = asset_id.split("/codes/")[1].split("/versions/")
        assets.setdefault(
            asset_id.lower(),
            code_version_body(
                sub,
                resource_group,
                workspace,
                name,
                version,
                content_hash=hashlib.sha256(asset_id.encode()).hexdigest(),
            ),
        )
    model_id = dep["properties"]["model"]
    assets.setdefault(
        model_id.lower(),
        served(
            {
                "id": model_id,
                "type": MODEL_VERSION_TYPE,
                "properties": {"modelType": "custom_model"},
            }
        ),
    )


# What the resource provider fills in, as recorded from the live service by Microsoft's own
# clients (fixtures/recorded-*/: Azure PowerShell 2024-04-01, Azure ML CLI v2 2022-02-01-preview,
# Kubernetes 2022-02-01-preview). Deliberately written out here, not read from the drift
# tables: the emulator stands for Azure, so drift must agree with it on the merits.
_SERVER_DEFAULTS_DEPLOYMENT: dict[str, Any] = {
    "provisioningState": "Succeeded",
    "appInsightsEnabled": False,
    "egressPublicNetworkAccess": "Enabled",
    "requestSettings": {
        "requestTimeout": "PT5S",
        "maxConcurrentRequestsPerInstance": 1,
        "maxQueueWait": "PT0S",  # every recorded managed GET, whatever the api-version
    },
    "livenessProbe": _probe(),
    "readinessProbe": _probe(),
    "scaleSettings": {"scaleType": "Default"},
}
# A Kubernetes deployment created without instance_type runs on the compute's default
# instance type (Azure ML Kubernetes docs; not in a recording).
_KUBERNETES_DEFAULT_INSTANCE_TYPE = "defaultinstancetype"
# api-version boundaries seen in the recordings (dates of the api-version):
_PRIVATE_NETWORK_UNTIL = "2022-05-01"  # 2022-02-01-preview GETs carry privateNetworkConnection
_DATA_COLLECTOR_SINCE = "2023-04-01"  # absent in 2022-02-01-preview, null in 2024-04-01 GETs
_INJECTED_ENV_SINCE = "2024-04-01"  # 2022-02-01-preview GETs: {}; 2024-04-01: three variables
_IDP_OPERATIONS_SINCE = "2024-04-01"  # operation ids `oe:`/`od:` (2022), `oeidp:`/`odidp:` (2024)
APP_ROOT = "/var/azureml-app/"
RECORDED_SYSTEM_DATA_KEYS = ("createdAt", "createdBy", "lastModifiedAt")


def _api_date(api_version: str | None) -> str:
    return (api_version or "9999-12-31")[:10]


def _ml_system_data() -> dict[str, Any]:
    """systemData as the ML resource provider returns it (three keys in every recording)."""
    return {"createdAt": CREATED_AT, "createdBy": "Release Pipeline", "lastModifiedAt": CREATED_AT}


def _operation_uri(sub: str, location: str, rid: str, prefix: str, api: str) -> str:
    idp = "idp" if _api_date(api) >= _IDP_OPERATIONS_SINCE else ""
    return (
        f"https://management.azure.com/subscriptions/{sub}/providers/{ML}/locations/{location}"
        f"/mfeOperationsStatus/{prefix}{idp}:{_uuid(rid + '#ws')}:{_uuid(rid + '#op')}"
        f"?api-version={api}"
    )


def _ip(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return f"20.{digest[0]}.{digest[1]}.{digest[2]}"


_QUANTITY_SUFFIX = {
    "": Decimal(1),
    "m": Decimal("0.001"),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
}


def respell_quantity(value: Any, unit: str) -> Any:
    """How the service echoes a Kubernetes quantity (recorded: memory `200Mi` -> `0.195Gi`,
    `0.2Gi` -> `0.200Gi`; CPU `300m` -> `0.3`, `0.1` -> `0.1`; GPU `1` -> `1`)."""
    text = str(value).strip()
    number = text.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    factor = _QUANTITY_SUFFIX.get(text[len(number) :])
    if factor is None or not number:
        return value
    amount = Decimal(number) * factor
    if unit == "memory":
        gib = (amount / _QUANTITY_SUFFIX["Gi"]).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        return f"{gib}Gi"
    return format(amount.normalize(), "f")


def _asset_parts(asset_id: Any, collection: str) -> tuple[str, str] | None:
    """(name, version) of `.../<collection>/<name>/versions/<version>`."""
    parts = str(asset_id or "").strip("/").split("/")
    lowered = [p.lower() for p in parts]
    for i in range(len(parts) - 3):
        if lowered[i] == collection and lowered[i + 2] == "versions":
            return parts[i + 1], parts[i + 3]
    return None


def _injected_env(props: Mapping[str, Any], code_folders: Mapping[str, str]) -> dict[str, str]:
    """The variables the service writes after provisioning (recorded on a 2024-04-01 GET):
    where the model and the code are mounted and the entry script."""
    out: dict[str, str] = {}
    model = _asset_parts(props.get("model"), "models")
    if model is not None:
        out["AZUREML_MODEL_DIR"] = f"{APP_ROOT}azureml-models/{model[0]}/{model[1]}"
    code = props.get("codeConfiguration") or {}
    if isinstance(code, Mapping) and code.get("scoringScript"):
        out["AZUREML_ENTRY_SCRIPT"] = str(code["scoringScript"])
        code_id = str(code.get("codeId") or "")
        folder = code_folders.get(code_id.lower())
        if folder is None:  # the upload folder is unknown offline: the asset's name stands in
            parts = _asset_parts(code_id, "codes")
            folder = parts[0] if parts else "code"
        out["AML_APP_ROOT"] = f"{APP_ROOT}{folder}"
    return out


def _served_endpoint(body: dict[str, Any], props: dict[str, Any], api: str) -> None:
    rid = str(body.get("id", ""))
    name = body["name"]
    location = str(body.get("location", "westeurope"))
    sub = rid.split("/")[2] if rid.count("/") > 2 else ""
    kubernetes = bool(props.get("compute"))
    body["kind"] = "K8S" if kubernetes else "Managed"
    body.setdefault("tags", {})
    identity = body.setdefault("identity", {"type": "SystemAssigned"})
    if "SystemAssigned" in str(identity.get("type", "")):
        identity.setdefault("principalId", _uuid(rid + "#principal"))
        identity.setdefault("tenantId", TENANT)
    if kubernetes:
        host = f"http://{_ip(rid)}/api/v1/endpoint/{name}"
    else:
        host = f"https://{name}.{location}.inference.ml.azure.com"
    props.setdefault("description", None)
    props.setdefault("authMode", "Key")
    props.setdefault("compute", None)
    props.setdefault("publicNetworkAccess", "Enabled")
    props.setdefault("traffic", {})
    props.setdefault("mirrorTraffic", {})
    props.setdefault("provisioningState", "Succeeded")
    props.setdefault("scoringUri", f"{host}/score")
    props.setdefault("swaggerUri", f"{host}/swagger.json")
    system = props.setdefault("properties", {})
    system.setdefault("azureml.onlineendpointid", rid.lower())
    system.setdefault("AzureAsyncOperationUri", _operation_uri(sub, location, rid, "oe", api))


def _served_deployment(
    body: dict[str, Any],
    props: dict[str, Any],
    api: str,
    previous: Mapping[str, Any] | None,
    code_folders: Mapping[str, str],
) -> None:
    rid = str(body.get("id", ""))
    location = str(body.get("location", "westeurope"))
    sub = rid.split("/")[2] if rid.count("/") > 2 else ""
    kubernetes = str(props.get("endpointComputeType", "Managed")).lower() == "kubernetes"
    props.setdefault("endpointComputeType", "Managed")
    body["kind"] = "K8S" if kubernetes else "Managed"
    body.setdefault("tags", {})
    # No recording omits maxQueueWait on Kubernetes: the managed default is assumed there.
    defaults = copy.deepcopy(_SERVER_DEFAULTS_DEPLOYMENT)
    for key, value in defaults.items():
        if isinstance(value, dict) and isinstance(props.get(key), dict):
            merged = value
            merged.update(props[key])
            props[key] = merged
        else:
            props.setdefault(key, value)
    props.setdefault("description", None)
    props.setdefault("modelMountPath", None)
    env = props.setdefault("environmentVariables", {})
    if _api_date(api) >= _INJECTED_ENV_SINCE and not kubernetes:
        for key, value in _injected_env(props, code_folders).items():
            env.setdefault(key, value)
    if _api_date(api) < _PRIVATE_NETWORK_UNTIL:
        props.setdefault("privateNetworkConnection", False)
    if _api_date(api) >= _DATA_COLLECTOR_SINCE:
        props.setdefault("dataCollector", None)
    if kubernetes and not props.get("instanceType"):
        # Recorded: an update PUT without instanceType keeps the one of the earlier PUT.
        earlier = ((previous or {}).get("properties") or {}).get("instanceType")
        props["instanceType"] = earlier or _KUBERNETES_DEFAULT_INSTANCE_TYPE
    resources = props.get("containerResourceRequirements")
    if isinstance(resources, dict):
        for side in ("containerResourceRequests", "containerResourceLimits"):
            block = resources.setdefault(side, {})
            for name, unit in (("cpu", "cpu"), ("memory", "memory"), ("gpu", "count")):
                value = block.get(name)
                block[name] = None if value is None else respell_quantity(value, unit)
    system = props.setdefault("properties", {})
    system.setdefault("AzureAsyncOperationUri", _operation_uri(sub, location, rid, "od", api))
    sku = body.get("sku")
    if isinstance(sku, dict) and sku.get("capacity") is not None:
        sku.setdefault("name", "Default")
        sku.setdefault("tier", "Standard")
    else:  # recorded: a PUT whose sku has no capacity leaves the GET without any sku
        body.pop("sku", None)


def served(
    desired: Mapping[str, Any],
    *,
    api_version: str | None = None,
    previous: Mapping[str, Any] | None = None,
    code_folders: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What a GET would return after deploying `desired` (an ARM body from a desired state).

    Adds the server-filled fields and defaults the recordings show; keeps every value the
    desired body sets, in the service's spelling. `api_version` is the one the GET uses
    (default: the body's own); `previous` is the body an earlier PUT left (what a later PUT
    keeps); `code_folders` maps code asset ids (lower-case) to their upload folder names.
    """
    body = copy.deepcopy(dict(desired))
    api = api_version or str(body.get("apiVersion") or "")
    body.pop("apiVersion", None)
    rid = str(body.get("id", ""))
    rtype = str(body.get("type", ""))
    body["name"] = rid.rsplit("/", 1)[-1] if rid else str(body.get("name", "")).split("/")[-1]
    props = body.setdefault("properties", {})
    if rtype.lower() == ENDPOINT_TYPE.lower():
        body.setdefault("systemData", _ml_system_data())
        _served_endpoint(body, props, api)
        return body
    if rtype.lower() == DEPLOYMENT_TYPE.lower():
        body.setdefault("systemData", _ml_system_data())
        _served_deployment(body, props, api, previous, code_folders or {})
        return body
    if rtype.lower() in (CODE_VERSION_TYPE.lower(), MODEL_VERSION_TYPE.lower()):
        body.setdefault("systemData", system_data())
        _served_asset_version(body, props)
        return body
    body.setdefault("systemData", system_data())
    identity = body.get("identity")
    if isinstance(identity, dict) and "SystemAssigned" in str(identity.get("type", "")):
        identity.setdefault("principalId", _uuid(rid + "#principal"))
        identity.setdefault("tenantId", TENANT)
    if rtype.lower() == AUTOSCALE_TYPE.lower():
        _served_autoscale(props)
    elif rtype.lower() == DIAGNOSTIC_TYPE.lower():
        _served_diagnostics(body, props)
    return body


def _served_asset_version(body: dict[str, Any], props: dict[str, Any]) -> None:
    """A code or model version as the service answers its PUT/GET. Shape from the recorded
    `codes/{name}/versions/1` and `models/{name}/versions/1` responses in Azure/
    azure-cli-extensions `test_online_endpoint_mir_deployment_create.yaml` (2022-05-11): the
    resource `name` is the version, `description` null, `tags` and `properties` `{}` when
    unset, `isArchived` false, and a code version's `codeUri` is the folder's blob URL
    (`https://<account>.blob.core.windows.net/<container>/LocalUpload/<hash>/<folder>`)."""
    props.setdefault("description", None)
    props.setdefault("tags", {})
    props.setdefault("properties", {})
    props.setdefault("isArchived", False)
    props.setdefault("isAnonymous", False)
    if str(body.get("type", "")).lower() == CODE_VERSION_TYPE.lower():
        props.setdefault(
            "codeUri",
            "https://mlwstorage0001.blob.core.windows.net/azureml-blobstore-"
            f"{_uuid(str(body.get('id', '')) + '#container')}/LocalUpload/"
            f"{hashlib.md5(str(body.get('id', '')).encode()).hexdigest()}/src",
        )


def code_version_body(
    sub: str,
    rg: str,
    ws: str,
    name: str,
    version: str,
    *,
    content_hash: str | None,
    hash_version: Any = "202208",
) -> dict[str, Any]:
    """A code version as GET returns it; `content_hash` None: registered without one (as
    the recorded azure-ai-ml 0.0.139 registration was)."""
    rid = f"{workspace_id(sub, rg, ws)}/codes/{name}/versions/{version}"
    inner: dict[str, Any] = {}
    if content_hash is not None:
        inner = {"hash_sha256": content_hash, "hash_version": hash_version}
    return served(
        {
            "id": rid,
            "type": CODE_VERSION_TYPE,
            "properties": {"isAnonymous": True, "properties": inner},
        }
    )


def unsettled(body: Mapping[str, Any], state: str) -> dict[str, Any]:
    """`body` while an operation runs: the PUT responses of the recordings answer `Creating`
    (an endpoint's scoringUri and swaggerUri still null) or `Updating`."""
    out = copy.deepcopy(dict(body))
    props = out.setdefault("properties", {})
    props["provisioningState"] = state
    if state == "Creating" and str(out.get("type", "")).lower() == ENDPOINT_TYPE.lower():
        props["scoringUri"] = None
        props["swaggerUri"] = None
    return out


def _served_autoscale(props: dict[str, Any]) -> None:
    """Azure Monitor echoes namespaces lower-case and fills notifications and prediction."""
    props.setdefault("enabled", True)
    props.setdefault("notifications", [])
    props.setdefault("predictiveAutoscalePolicy", {"scaleMode": "Disabled"})
    for profile in props.get("profiles") or []:
        for rule in profile.get("rules") or []:
            trigger = rule.get("metricTrigger") or {}
            if isinstance(trigger.get("metricNamespace"), str):
                trigger["metricNamespace"] = trigger["metricNamespace"].lower()
            trigger.setdefault("dividePerInstance", False)


def _served_diagnostics(body: dict[str, Any], props: dict[str, Any]) -> None:
    """GET leaves out `scope` and spells every unset field as null."""
    body.pop("scope", None)
    body["type"] = DIAGNOSTIC_TYPE
    for entry in props.get("logs") or []:
        entry.setdefault("categoryGroup", None)
        entry.setdefault("retentionPolicy", {"enabled": False, "days": 0})
    props.setdefault("metrics", [])
    for key in (
        "storageAccountId",
        "serviceBusRuleId",
        "eventHubAuthorizationRuleId",
        "eventHubName",
        "logAnalyticsDestinationType",
        "marketplacePartnerId",
    ):
        props.setdefault(key, None)


def write_data_dir(directory: Path, bodies: Iterable[Mapping[str, Any]]) -> Path:
    """Store bodies as `resources.json` in `directory` (the emulator's `--data` format)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "resources.json"
    text = json.dumps(list(bodies), indent=2, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def load_data_dir(directory: Path) -> list[dict[str, Any]]:
    """Read every `*.json` under `directory`: an ARM body, an array, or `{"value": [...]}`."""
    bodies: list[dict[str, Any]] = []
    for path in sorted(Path(directory).rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("value"), list):
            data = data["value"]
        items = data if isinstance(data, list) else [data]
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise ValueError(f"{path}: every resource needs an `id` string")
            bodies.append(item)
    return bodies


# -- change history (Resource Graph resourcechanges, Activity Log) -----------------------------


def change_row(
    target_id: str,
    timestamp: str,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    changed_by: str | None,
    changed_by_type: str | None,
    client_type: str | None,
    operation: str | None = None,
    change_type: str = "Update",
) -> dict[str, Any]:
    """A Resource Graph `resourcechanges` row as the service returns it: a
    `microsoft.resources/changes` resource that extends the changed one, whose properties
    hold the target, the change actor (`changeAttributes`) and the changed property paths
    with previous and new values (strings: the service writes `"null"` for absent).
    Shape: learn.microsoft.com azure/governance/resource-graph/changes/get-resource-changes
    and azure-rest-api-specs Microsoft.Resources/changes 2022-05-01 ListChanges.json.

    Long because the row is written out field by field, in the service's order, so it reads
    like the recorded reply it stands for."""
    change_id = _uuid(f"change:{target_id}:{timestamp}")
    parts = target_id.split("/")
    kind = "/".join([parts[6], *parts[7::2]]).lower() if len(parts) > 7 else ""
    return {
        "id": f"{target_id}/providers/Microsoft.Resources/changes/{change_id}",
        "name": change_id,
        "type": "microsoft.resources/changes",
        "tenantId": TENANT,
        "kind": "",
        "location": "",
        "resourceGroup": parts[4].lower() if len(parts) > 4 else "",
        "subscriptionId": parts[2] if len(parts) > 2 else "",
        "managedBy": "",
        "sku": None,
        "plan": None,
        "properties": {
            "targetResourceId": target_id,
            "targetResourceType": kind,
            "changeType": change_type,
            "changeAttributes": {
                "previousResourceSnapshotId": _uuid(f"before:{change_id}"),
                "newResourceSnapshotId": _uuid(f"after:{change_id}"),
                "correlationId": _uuid(f"correlation:{change_id}"),
                "changedByType": changed_by_type,
                "changesCount": len(changes),
                "clientType": client_type,
                "changedBy": changed_by,
                "operation": operation or f"{kind}/write",
                "timestamp": timestamp,
            },
            "changes": {
                path: {
                    "newValue": "null" if new is None else str(new),
                    "previousValue": "null" if old is None else str(old),
                    "propertyChangeType": "Update",
                    "changeCategory": "User",
                }
                for path, (old, new) in changes.items()
            },
        },
        "tags": {},
        "identity": None,
        "zones": None,
        "extendedLocation": None,
    }


def activity_event(
    resource_id: str,
    timestamp: str,
    *,
    caller: str,
    method: str = "PUT",
    status: str = "Succeeded",
    operation: str | None = None,
) -> dict[str, Any]:
    """An Activity Log administrative event (`EventData`, api-version 2015-04-01) for a write
    of `resource_id`, as azure-rest-api-specs monitor GetActivityLogsFiltered.json shows it:
    LocalizableString names, the caller, the HTTP request and the authorization used. The
    token `claims` the service can add are left out: the exporter never selects them."""
    parts = resource_id.split("/")
    kind = "/".join([parts[6], *parts[7::2]]) if len(parts) > 7 else ""
    op = operation or f"{kind}/write"
    event_id = _uuid(f"event:{resource_id}:{timestamp}:{status}")
    correlation = _uuid(f"correlation:{resource_id}:{timestamp}")
    return {
        "authorization": {"action": op, "scope": resource_id},
        "caller": caller,
        "channels": "Operation",
        "correlationId": correlation,
        "description": "",
        "eventDataId": event_id,
        "eventName": {"value": "EndRequest", "localizedValue": "End request"},
        "category": {"value": "Administrative", "localizedValue": "Administrative"},
        "httpRequest": {
            "clientRequestId": _uuid(f"request:{event_id}"),
            "clientIpAddress": "203.0.113.7",
            "method": method,
        },
        "id": f"{resource_id}/events/{event_id}/ticks/638000000000000000",
        "level": "Informational",
        "resourceGroupName": parts[4] if len(parts) > 4 else "",
        "resourceProviderName": {"value": parts[6] if len(parts) > 6 else "", "localizedValue": ""},
        "resourceId": resource_id,
        "resourceType": {"value": kind, "localizedValue": kind},
        "operationId": correlation,
        "operationName": {"value": op, "localizedValue": op},
        "properties": {"statusCode": "OK"},
        "status": {"value": status, "localizedValue": status},
        "subStatus": {"value": "OK", "localizedValue": "OK (HTTP Status Code: 200)"},
        "eventTimestamp": timestamp,
        "submissionTimestamp": timestamp,
        "subscriptionId": parts[2] if len(parts) > 2 else "",
        "tenantId": TENANT,
    }
