"""`az ml online-endpoint show` / `online-deployment show` output (Azure ML CLI v2 shape).

The CLI prints snake_case fields with lower-case enums, milliseconds and seconds; this reader
converts them to the ARM GET shape (camelCase, enum casing, ISO 8601 durations, `sku.capacity`
for `instance_count`, `azureml:` prefixes removed from asset ids) so drift compares like with
like. Ids come from the `id` field; when it is absent they are built from `endpoint_name` and
the endpoint in the same file, or from the target (subscription, resource group, workspace).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from iac_gen import asset_refs
from iac_gen.diagnostics import error
from iac_gen.durations import seconds_to_duration
from iac_gen.live.reader import ReadContext, Reader
from iac_gen.live.readers.common import clean, reject_duplicates
from iac_gen.live.shapes import MAX_DURATION_SECONDS
from iac_gen.live.state import LiveState
from iac_gen.vocabulary import (
    AUTH_MODE,
    COMPUTE_TYPE,
    DEPLOYMENT_TYPE,
    ENDPOINT_TYPE,
    IDENTITY,
    SCALE_TYPE,
    WORKSPACE_TYPE,
    arm_enum,
    identity_type,
)

_MARKERS = frozenset(
    {
        "auth_mode",
        "scoring_uri",
        "endpoint_name",
        "instance_type",
        "instance_count",
        "provisioning_state",
        "request_settings",
        "mirror_traffic",
    }
)
_DEPLOYMENT_MARKERS = frozenset(
    {"endpoint_name", "instance_type", "instance_count", "request_settings", "model"}
)


def _items(data: Any) -> list[Any] | None:
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and data:
        return data
    return None


def detect(data: Any) -> bool:
    items = _items(data)
    return items is not None and all(isinstance(i, dict) and bool(_MARKERS & set(i)) for i in items)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(str(k)): _camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def _enum(value: Any, table: dict[str, str]) -> Any:
    """The ARM casing of a CLI value (the same table the compiler uses); unknown values stay
    as Azure gave them, so drift reports them rather than this reader rejecting them."""
    if isinstance(value, str):
        try:
            return identity_type(value) if table is IDENTITY else arm_enum(table, value)
        except ValueError:
            return value
    return value


def _capitalised(value: Any) -> Any:
    return value.strip().capitalize() if isinstance(value, str) else value


def _asset(value: Any) -> Any:
    """`azureml:/subscriptions/...` -> the ARM id; registry and short references stay."""
    if isinstance(value, str):
        return asset_refs.arm_id(value) or value
    return value


class _BadValue(Exception):
    """A CLI value this reader cannot convert; becomes IAC415 naming the item and field."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"`{field}` {problem}")
        self.message = f"`{field}` {problem}"


def _seconds(value: Any, field: str, scale: str = "1") -> Any:
    """A number of CLI units as an ISO 8601 duration; other types stay for drift to report.
    A number past 10^15 seconds (1e308 ms) has no exact duration and is refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if abs(Decimal(str(value)) * Decimal(scale)) > MAX_DURATION_SECONDS:
        raise _BadValue(field, "is longer than 10^15 seconds; not a duration Azure returns")
    return seconds_to_duration(value, scale)


def _identity(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "type":
            out["type"] = _enum(item, IDENTITY)
        elif key == "user_assigned_identities":
            uai: dict[str, Any] = {}
            entries = item if isinstance(item, list) else []
            for entry in entries:
                if isinstance(entry, dict) and entry.get("resource_id"):
                    rest = {k: v for k, v in entry.items() if k != "resource_id"}
                    uai[str(entry["resource_id"])] = _camel_keys(rest)
            if isinstance(item, dict):
                uai = _camel_keys(item)
            out["userAssignedIdentities"] = uai
        else:
            out[_camel(key)] = item
    return out


def _probe(value: Any, field: str) -> Any:
    if not isinstance(value, dict):
        return value
    out = _camel_keys(value)
    for key, cli in (
        ("initialDelay", "initial_delay"),
        ("period", "period"),
        ("timeout", "timeout"),
    ):
        if key in out:
            out[key] = _seconds(out[key], f"{field}.{cli}")
    return out


def _endpoint(item: dict[str, Any], rid: str) -> dict[str, Any]:
    props: dict[str, Any] = {}
    mapping = {
        "auth_mode": ("authMode", lambda v: _enum(v, AUTH_MODE)),
        "description": ("description", None),
        "properties": ("properties", None),
        "provisioning_state": ("provisioningState", None),
        "public_network_access": ("publicNetworkAccess", _capitalised),
        "scoring_uri": ("scoringUri", None),
        "openapi_uri": ("swaggerUri", None),
        "swagger_uri": ("swaggerUri", None),
        "traffic": ("traffic", None),
        "mirror_traffic": ("mirrorTraffic", None),
        "compute": ("compute", None),
    }
    for key, (arm, convert) in mapping.items():
        if key in item:
            props[arm] = convert(item[key]) if convert else item[key]
    body = _envelope(item, rid, ENDPOINT_TYPE)
    body["properties"] = props
    return body


def _deployment(item: dict[str, Any], rid: str) -> dict[str, Any]:
    """An ARM deployment body from one `az ml online-deployment show` item.

    Long because it is the field mapping from the CLI's snake_case shape to ARM's, one
    entry per field; the mapping reads best as one table."""
    props: dict[str, Any] = {}
    kind = item.get("type")
    props["endpointComputeType"] = _enum(kind, COMPUTE_TYPE) if kind else "Managed"
    simple = {
        "description": "description",
        "properties": "properties",
        "provisioning_state": "provisioningState",
        "instance_type": "instanceType",
        "app_insights_enabled": "appInsightsEnabled",
        "environment_variables": "environmentVariables",
        "model_mount_path": "modelMountPath",
    }
    for key, arm in simple.items():
        if key in item:
            props[arm] = item[key]
    if "egress_public_network_access" in item:
        props["egressPublicNetworkAccess"] = _capitalised(item["egress_public_network_access"])
    if "model" in item:
        props["model"] = _asset(item["model"])
    if "environment" in item:
        props["environmentId"] = _asset(item["environment"])
    code = item.get("code_configuration")
    if isinstance(code, dict):
        conf: dict[str, Any] = {}
        if "code" in code:
            conf["codeId"] = _asset(code["code"])
        if "scoring_script" in code:
            conf["scoringScript"] = code["scoring_script"]
        props["codeConfiguration"] = conf
    request = item.get("request_settings")
    if isinstance(request, dict):
        conv: dict[str, Any] = {}
        for key, value in request.items():
            if key == "request_timeout_ms":
                conv["requestTimeout"] = _seconds(value, f"request_settings.{key}", "0.001")
            elif key == "max_queue_wait_ms":
                conv["maxQueueWait"] = _seconds(value, f"request_settings.{key}", "0.001")
            else:
                conv[_camel(key)] = value
        props["requestSettings"] = conv
    for key in ("liveness_probe", "readiness_probe", "startup_probe"):
        if key in item:
            props[_camel(key)] = _probe(item[key], key)
    scale = item.get("scale_settings")
    if isinstance(scale, dict):
        conv = {}
        for key, value in scale.items():
            if key in ("type", "scale_type"):
                conv["scaleType"] = _enum(value, SCALE_TYPE)
            elif key == "polling_interval":
                conv["pollingInterval"] = _seconds(value, f"scale_settings.{key}")
            else:
                conv[_camel(key)] = value
        props["scaleSettings"] = conv
    if "data_collector" in item:
        props["dataCollector"] = _camel_keys(item["data_collector"])
    if "resources" in item:
        # CLI `resources.requests` / `.limits` are ARM `containerResourceRequests` / `...Limits`
        props["containerResourceRequirements"] = (
            {f"containerResource{k.title()}": v for k, v in _camel_keys(item["resources"]).items()}
            if isinstance(item["resources"], dict)
            else item["resources"]
        )
    body = _envelope(item, rid, DEPLOYMENT_TYPE)
    body["properties"] = props
    if "instance_count" in item:
        body["sku"] = {"name": "Default", "capacity": item["instance_count"]}
    return body


def _envelope(item: dict[str, Any], rid: str, rtype: str) -> dict[str, Any]:
    body: dict[str, Any] = {"id": rid, "name": rid.rsplit("/", 1)[-1], "type": rtype}
    for key in ("location", "tags", "kind"):
        if key in item:
            body[key] = item[key]
    if "identity" in item:
        body["identity"] = _identity(item["identity"])
    return body


def _is_deployment(item: dict[str, Any]) -> bool:
    return bool(_DEPLOYMENT_MARKERS & set(item)) and "auth_mode" not in item


def _given_id(item: dict[str, Any]) -> str | None:
    rid = item.get("id")
    if isinstance(rid, str) and re.match(r"^/subscriptions/[^/]+/resourceGroups/", rid, re.I):
        return rid
    return None


def read(data: Any, ctx: ReadContext) -> LiveState:
    items = [i for i in (_items(data) or []) if isinstance(i, dict)]
    target = ctx.target
    ws_id = None
    if all(target.get(k) for k in ("subscription", "resource_group", "workspace")):
        ws_id = (
            f"/subscriptions/{target['subscription']}/resourceGroups/{target['resource_group']}"
            f"/providers/{WORKSPACE_TYPE}/{target['workspace']}"
        )
    endpoint_ids: dict[str, str] = {}
    for item in items:
        if not _is_deployment(item):
            rid = _given_id(item)
            if rid is None and ws_id and item.get("name"):
                rid = f"{ws_id}/onlineEndpoints/{item['name']}"
            if rid is not None:
                endpoint_ids[str(item.get("name") or rid.rsplit("/", 1)[-1]).lower()] = rid
    bodies: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise error("IAC415", f"Azure ML CLI item {n} has no `name`", ctx.file)
        if _is_deployment(item):
            rid = _given_id(item)
            parent = str(item.get("endpoint_name") or "")
            if rid is None and parent.lower() in endpoint_ids:
                rid = f"{endpoint_ids[parent.lower()]}/deployments/{name}"
            if rid is None and ws_id and parent:
                rid = f"{ws_id}/onlineEndpoints/{parent}/deployments/{name}"
            if rid is None:
                raise error(
                    "IAC417",
                    f"cannot build the ARM id of deployment {name!r}: the output has no `id`; "
                    "pass --subscription, --resource-group and --workspace",
                    ctx.file,
                )
            try:
                bodies.append(_deployment(item, rid))
            except _BadValue as exc:
                raise error(
                    "IAC415", f"Azure ML CLI item {n} ({name}): {exc.message}", ctx.file
                ) from None
        else:
            rid = endpoint_ids.get(name.lower())
            if rid is None:
                raise error(
                    "IAC417",
                    f"cannot build the ARM id of endpoint {name!r}: the output has no `id`; "
                    "pass --subscription, --resource-group and --workspace",
                    ctx.file,
                )
            bodies.append(_endpoint(item, rid))
    reject_duplicates(bodies, ctx.file)
    resources, removed = clean(bodies)
    return LiveState(resources=resources, format="azure-ml-cli", secrets_removed=removed)


READER = Reader(
    name="azure-ml-cli",
    description="`az ml online-endpoint show` / `online-deployment show` output (CLI v2)",
    detect=detect,
    read=read,
)
