"""The endpoint and deployment bodies (Microsoft.MachineLearningServices).

Only what the spec states is written, plus what the service requires (`authMode`,
`endpointComputeType`, `sku`) and the SDK's own defaults that change behaviour when absent
(endpoint identity `SystemAssigned`). Server-owned fields are never produced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iac_gen.desired.environments import environment_resource, is_local_build
from iac_gen.desired.ids import Scope, parse_asset
from iac_gen.desired.local_assets import LocalAsset
from iac_gen.desired.state import AssetUse, Unresolved
from iac_gen.durations import iso_duration_ms, iso_duration_s
from iac_gen.spec.model import Deployment, Endpoint, Probe, Spec
from iac_gen.vocabulary import (
    ACCESS,
    AUTH_MODE,
    COLLECTION_MODE,
    COMPUTE_TYPE,
    DEPLOYMENT_TYPE,
    ENDPOINT_TYPE,
    ROLLING_RATE,
    SCALE_TYPE,
    arm_enum,
    identity_type,
)


def prune(value: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None (the spec said nothing)."""
    return {k: v for k, v in value.items() if v is not None}


def spec_tags(spec: Spec, own: Mapping[str, str]) -> dict[str, str]:
    """Ownership becomes tags (so it is visible in the portal and in cost reports); the
    resource's own tags win on a clash."""
    tags: dict[str, str] = {}
    owner = spec.ownership
    if owner is not None and not owner.from_tags:
        for key, value in (
            ("owner", owner.owner),
            ("team", owner.team),
            ("approvers", ", ".join(owner.approvers) if owner.approvers else None),
            ("runbook", owner.runbook),
            ("change-ticket", owner.change_ticket),
        ):
            if value:
                tags[key] = value
    tags.update({str(k): str(v) for k, v in own.items()})
    return tags


def _identity(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.identity is None:
        return {"type": "SystemAssigned"}
    body: dict[str, Any] = {"type": identity_type(endpoint.identity.type)}
    if endpoint.identity.user_assigned_identities:
        body["userAssignedIdentities"] = {
            uai: {} for uai in endpoint.identity.user_assigned_identities
        }
    return body


def _nonzero(traffic: Mapping[str, int]) -> dict[str, int]:
    """Zero entries are stripped, as the SDK does before every PUT."""
    return {name: int(pct) for name, pct in sorted(traffic.items()) if pct}


def _compute_id(compute: str | None, scope: Scope) -> str | None:
    """`aks-prod`, `azureml:aks-prod` or an ARM id -> the compute's ARM id."""
    if compute is None:
        return None
    name = compute.removeprefix("azureml:")
    return name if name.startswith("/") else scope.compute_id(name)


def endpoint_body(spec: Spec, scope: Scope, *, with_traffic: bool = True) -> dict[str, Any]:
    ep = spec.endpoint
    props: dict[str, Any] = {
        "authMode": arm_enum(AUTH_MODE, ep.auth_mode or "key"),
        "description": ep.description,
        "properties": dict(ep.properties) or None,
        "publicNetworkAccess": arm_enum(ACCESS, ep.public_network_access)
        if ep.public_network_access
        else None,
        "compute": _compute_id(ep.compute, scope),
    }
    if with_traffic:
        props["traffic"] = _nonzero(ep.traffic)
        props["mirrorTraffic"] = _nonzero(ep.mirror_traffic) or None
    return {
        "type": ENDPOINT_TYPE,
        "apiVersion": spec.target.api_version,
        "name": f"{scope.workspace}/{ep.name}",
        "id": scope.endpoint_id(ep.name),
        "location": scope.location,
        "tags": spec_tags(spec, ep.tags),
        "identity": _identity(ep),
        "properties": prune(props),
    }


def _probe(probe: Probe | None) -> dict[str, Any] | None:
    if probe is None:
        return None
    return prune(
        {
            "initialDelay": iso_duration_s(probe.initial_delay),
            "period": iso_duration_s(probe.period),
            "timeout": iso_duration_s(probe.timeout),
            "successThreshold": probe.success_threshold,
            "failureThreshold": probe.failure_threshold,
        }
    )


def _asset(
    ref: str | None,
    kind: str,
    scope: Scope,
    resource_id: str,
    arm_path: str,
    unresolved: list[Unresolved],
) -> str | None:
    if ref is None:
        return None
    asset = parse_asset(ref, kind)
    if asset.kind == "workspace":
        return scope.asset_id(kind, asset.name, asset.version)
    if asset.kind == "local":
        unresolved.append(
            Unresolved(
                resource_id,
                arm_path,
                f"local folder {ref!r} must be registered as a {kind[:-1]} asset before ARM can "
                "deploy it; its id is a template parameter",
            )
        )
        return None
    return asset.value


def _data_collector(dc: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """CLI v2 `data_collector` -> ARM `dataCollector` (sampling rate copied to each collection)."""
    if dc is None:
        return None
    sampling = dc.get("sampling_rate")
    collections: dict[str, Any] = {}
    for name, coll in sorted((dc.get("collections") or {}).items()):
        coll = coll or {}
        enabled = coll.get("enabled")
        collections[name] = prune(
            {
                "dataCollectionMode": arm_enum(COLLECTION_MODE, str(enabled))
                if enabled is not None
                else None,
                "dataId": coll.get("data"),
                "clientId": coll.get("client_id"),
                "samplingRate": sampling,
            }
        )
    logging = dc.get("request_logging")
    return prune(
        {
            "collections": collections,
            "rollingRate": arm_enum(ROLLING_RATE, dc["rolling_rate"])
            if dc.get("rolling_rate")
            else None,
            "requestLogging": prune({"captureHeaders": list(logging.get("capture_headers") or [])})
            if logging
            else None,
        }
    )


def _container_resources(res: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not res:
        return None
    body: dict[str, Any] = {}
    for src, dst in (
        ("requests", "containerResourceRequests"),
        ("limits", "containerResourceLimits"),
    ):
        part = res.get(src)
        if part:
            body[dst] = {
                k: str(v) for k, v in sorted(part.items()) if k in ("cpu", "memory", "gpu")
            }
    return body or None


def _registered(
    local: Mapping[tuple[str, str], LocalAsset] | None,
    dep: str,
    role: str,
    rid: str,
    arm_path: str,
    uses: list[AssetUse] | None,
) -> str | None:
    """The id of the asset version the template registers from a local folder, or None
    when there is none (a spec built in code may name a folder that does not exist)."""
    asset = (local or {}).get((dep, role))
    if asset is None or asset.asset_id is None:
        return None
    if uses is not None:
        uses.append(AssetUse(rid, arm_path, asset.asset_id, asset.id_parameter, asset.path))
    return asset.asset_id


def deployment_body(
    spec: Spec,
    dep: Deployment,
    scope: Scope,
    unresolved: list[Unresolved],
    local: Mapping[tuple[str, str], LocalAsset] | None = None,
    uses: list[AssetUse] | None = None,
) -> dict[str, Any]:
    """One deployment's body. `local` holds the local folders the template registers as
    asset versions (by deployment and role); their ids are recorded in `uses`."""
    ep = spec.endpoint
    rid = scope.deployment_id(ep.name, dep.name)
    refs = _References(scope, rid, unresolved, local, uses)
    # Asset references in this order: values that need a parameter are recorded in it.
    code = _code_configuration(dep, refs)
    environment_id = _environment_id(spec, dep, refs)
    model_id = _model_id(dep, refs)
    props = {
        "endpointComputeType": arm_enum(COMPUTE_TYPE, dep.type),
        "description": dep.description,
        "properties": dict(dep.properties) or None,
        "model": model_id,
        "modelMountPath": dep.model_mount_path,
        "codeConfiguration": code or None,
        "environmentId": environment_id,
        "environmentVariables": {str(k): str(v) for k, v in dep.environment_variables.items()}
        or None,
        "instanceType": dep.instance_type,
        "appInsightsEnabled": dep.app_insights_enabled,
        "egressPublicNetworkAccess": arm_enum(ACCESS, dep.egress_public_network_access)
        if dep.egress_public_network_access
        else None,
        "requestSettings": _request_settings(dep),
        "livenessProbe": _probe(dep.liveness_probe),
        "readinessProbe": _probe(dep.readiness_probe),
        "startupProbe": _probe(dep.startup_probe),
        "scaleSettings": _scale_settings(dep),
        "dataCollector": _data_collector(dep.data_collector),
        "containerResourceRequirements": _container_resources(dep.resources),
    }
    body: dict[str, Any] = {
        "type": DEPLOYMENT_TYPE,
        "apiVersion": spec.target.api_version,
        "name": f"{scope.workspace}/{ep.name}/{dep.name}",
        "id": rid,
        "location": scope.location,
        "tags": spec_tags(spec, dep.tags),
        "properties": {k: v for k, v in props.items() if v is not None and v != {}},
    }
    if dep.instance_count is not None:
        body["sku"] = {"name": "Default", "capacity": int(dep.instance_count)}
    elif dep.type == "kubernetes":
        # azure-ai-ml always sends a sku for Kubernetes deployments and the service requires
        # one (KubernetesOnlineDeployment._to_rest_object: capacity only when counted).
        body["sku"] = {"name": "Default"}
    return body


@dataclass(frozen=True)
class _References:
    """Where one deployment's asset references resolve: its scope and id, the local assets the
    template registers, and the lists that record values needing a parameter (`unresolved`)
    and registered versions used (`uses`)."""

    scope: Scope
    rid: str
    unresolved: list[Unresolved]
    local: Mapping[tuple[str, str], LocalAsset] | None
    uses: list[AssetUse] | None

    def asset(self, ref: str | None, collection: str, arm_path: str) -> str | None:
        return _asset(ref, collection, self.scope, self.rid, arm_path, self.unresolved)

    def registered(self, deployment: str, role: str, arm_path: str) -> str | None:
        return _registered(self.local, deployment, role, self.rid, arm_path, self.uses)


def _code_configuration(dep: Deployment, refs: _References) -> dict[str, Any] | None:
    """`codeConfiguration`: the registered local code folder, or the referenced asset."""
    if dep.code_configuration is None:
        return None
    code_path = "properties.codeConfiguration.codeId"
    return prune(
        {
            "codeId": refs.registered(dep.name, "code", code_path)
            or refs.asset(dep.code_configuration.code, "codes", code_path),
            "scoringScript": dep.code_configuration.scoring_script,
        }
    )


def _environment_id(spec: Spec, dep: Deployment, refs: _References) -> Any:
    """The environment's id: a reference, an inline environment, or a parameter (a local
    build context ARM cannot build before it is uploaded)."""
    environment_id = refs.asset(dep.environment, "environments", "properties.environmentId")
    if dep.inline_environment is None:
        return environment_id
    if is_local_build(dep.inline_environment):
        refs.unresolved.append(
            Unresolved(
                refs.rid,
                "properties.environmentId",
                f"the environment's local build context {dep.inline_environment.build_path!r} "
                "must be uploaded before ARM can build it; its id is a template parameter",
            )
        )
        return environment_id
    return environment_resource(spec, dep.name, dep.inline_environment, refs.scope)["id"]


def _model_id(dep: Deployment, refs: _References) -> Any:
    """The model's id: a reference, the registered local model, or a parameter."""
    model_id = refs.asset(dep.model, "models", "properties.model")
    if dep.inline_model is None:
        return model_id
    model_id = refs.registered(dep.name, "model", "properties.model")
    if model_id is None:
        refs.unresolved.append(
            Unresolved(
                refs.rid,
                "properties.model",
                f"local model {dep.inline_model.path!r} must be uploaded and registered before "
                "ARM can deploy it; its id is a template parameter",
            )
        )
    return model_id


def _request_settings(dep: Deployment) -> dict[str, Any] | None:
    rs = dep.request_settings
    if rs is None:
        return None
    return prune(
        {
            "requestTimeout": iso_duration_ms(rs.request_timeout_ms),
            "maxConcurrentRequestsPerInstance": rs.max_concurrent_requests_per_instance,
            "maxQueueWait": iso_duration_ms(rs.max_queue_wait_ms),
        }
    )


def _scale_settings(dep: Deployment) -> dict[str, Any] | None:
    ss = dep.scale_settings
    if ss is None:
        return None
    return prune(
        {
            "scaleType": arm_enum(SCALE_TYPE, ss.type),
            "minInstances": ss.min_instances,
            "maxInstances": ss.max_instances,
            "pollingInterval": iso_duration_s(ss.polling_interval),
            "targetUtilizationPercentage": ss.target_utilization_percentage,
        }
    )
