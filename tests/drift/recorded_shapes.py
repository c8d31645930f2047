"""The recorded GET bodies in the other live-input shapes a user may hand to `iac-gen drift`.

- `az ml online-endpoint show` / `online-deployment show` (CLI v2): what azure-ai-ml prints for
  the same resources - snake_case, lower-case enums, milliseconds and seconds, `azureml:` in
  front of model and environment ARM ids, `instance_count` for the SKU, `null`s and the
  deprecated `max_queue_wait_ms` of managed deployments left out (a real `show` of a 2023 GET
  prints request settings without it).
- Azure Resource Graph rows: the ARM body plus the Graph's own columns, types lower-cased.
"""

from __future__ import annotations

import copy
from typing import Any

from iac_gen.durations import parse_duration

_AUTH = {"Key": "key", "AMLToken": "aml_token", "AADToken": "aad_token"}
_IDENTITY = {
    "SystemAssigned": "system_assigned",
    "UserAssigned": "user_assigned",
    "SystemAssigned,UserAssigned": "system_assigned,user_assigned",
    "None": "none",
}


def _ms(value: Any) -> Any:
    seconds = parse_duration(value) if isinstance(value, str) else None
    return value if seconds is None else round(seconds * 1000)


def _s(value: Any) -> Any:
    seconds = parse_duration(value) if isinstance(value, str) else None
    return value if seconds is None else int(seconds)


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _probe(probe: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in probe.items():
        out[_snake(key)] = _s(value) if key in ("initialDelay", "period", "timeout") else value
    return out


def _identity(identity: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in identity.items() if k != "type"}
    out = {_snake(k): v for k, v in out.items()}
    out["type"] = _IDENTITY.get(identity.get("type", ""), identity.get("type"))
    return out


def cli_endpoint(body: dict[str, Any]) -> dict[str, Any]:
    props = body["properties"]
    out: dict[str, Any] = {
        "id": body["id"],
        "name": body["name"],
        "location": body["location"],
        "tags": body.get("tags") or {},
        "auth_mode": _AUTH.get(props["authMode"], props["authMode"]),
        "properties": props.get("properties") or {},
        "provisioning_state": props.get("provisioningState"),
        "public_network_access": str(props.get("publicNetworkAccess", "")).lower(),
        "scoring_uri": props.get("scoringUri"),
        "openapi_uri": props.get("swaggerUri"),
        "traffic": props.get("traffic") or {},
        "mirror_traffic": props.get("mirrorTraffic") or {},
    }
    if props.get("description") is not None:
        out["description"] = props["description"]
    if props.get("compute"):
        out["compute"] = props["compute"]
    if body.get("identity"):
        out["identity"] = _identity(body["identity"])
    return out


def cli_deployment(body: dict[str, Any], endpoint: str) -> dict[str, Any]:
    props = body["properties"]
    managed = props.get("endpointComputeType", "Managed") == "Managed"
    out: dict[str, Any] = {
        "id": body["id"],
        "name": body["name"],
        "endpoint_name": endpoint,
        "type": "managed" if managed else "kubernetes",
        "tags": body.get("tags") or {},
        "properties": props.get("properties") or {},
        "provisioning_state": props.get("provisioningState"),
        "app_insights_enabled": props.get("appInsightsEnabled"),
        "egress_public_network_access": str(props.get("egressPublicNetworkAccess", "")).lower(),
        "environment_variables": props.get("environmentVariables") or {},
        "model": "azureml:" + props["model"],
        "environment": "azureml:" + props["environmentId"],
        "code_configuration": {
            "code": props["codeConfiguration"]["codeId"],
            "scoring_script": props["codeConfiguration"]["scoringScript"],
        },
    }
    if props.get("description") is not None:
        out["description"] = props["description"]
    if props.get("instanceType"):
        out["instance_type"] = props["instanceType"]
    if (body.get("sku") or {}).get("capacity") is not None:
        out["instance_count"] = body["sku"]["capacity"]
    request = props.get("requestSettings") or {}
    settings: dict[str, Any] = {}
    if "requestTimeout" in request:
        settings["request_timeout_ms"] = _ms(request["requestTimeout"])
    if "maxConcurrentRequestsPerInstance" in request:
        settings["max_concurrent_requests_per_instance"] = request[
            "maxConcurrentRequestsPerInstance"
        ]
    if "maxQueueWait" in request and not (managed and _ms(request["maxQueueWait"]) == 0):
        settings["max_queue_wait_ms"] = _ms(request["maxQueueWait"])
    out["request_settings"] = settings
    for arm, cli in (("livenessProbe", "liveness_probe"), ("readinessProbe", "readiness_probe")):
        if props.get(arm):
            out[cli] = _probe(props[arm])
    scale = dict(props.get("scaleSettings") or {})
    if scale:
        kind = scale.pop("scaleType")
        conv: dict[str, Any] = {"type": "default" if kind == "Default" else "target_utilization"}
        for key, value in scale.items():
            conv[_snake(key)] = _s(value) if key == "pollingInterval" else value
        out["scale_settings"] = conv
    resources = props.get("containerResourceRequirements")
    if resources:
        out["resources"] = {
            side: {k: v for k, v in (resources.get(arm) or {}).items() if v is not None}
            for side, arm in (
                ("requests", "containerResourceRequests"),
                ("limits", "containerResourceLimits"),
            )
        }
    return out


def cli_shape(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    endpoint = bodies[0]
    return [cli_endpoint(endpoint), *(cli_deployment(b, endpoint["name"]) for b in bodies[1:])]


def graph_rows(bodies: list[dict[str, Any]], tenant: str) -> dict[str, Any]:
    rows = []
    for body in copy.deepcopy(bodies):
        parts = body["id"].split("/")
        rows.append(
            {
                "id": body["id"],
                "name": body["name"],
                "type": body["type"].lower(),
                "tenantId": tenant,
                "kind": body.get("kind", ""),
                "location": body.get("location", ""),
                "resourceGroup": parts[4].lower(),
                "subscriptionId": parts[2],
                "managedBy": "",
                "sku": body.get("sku"),
                "plan": None,
                "properties": body.get("properties", {}),
                "tags": body.get("tags", {}),
                "identity": body.get("identity"),
                "zones": None,
                "extendedLocation": None,
            }
        )
    return {"totalRecords": len(rows), "count": len(rows), "data": rows, "facets": []}
