"""Turn a schema-valid canonical document into the typed `Spec`.

Runs only after the JSON Schema accepted the document, so shapes and types are trusted here;
meaning (names, traffic, limits) is checked afterwards on the typed `Spec`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Location
from iac_gen.spec.document import LazyLocations
from iac_gen.spec.model import (
    Alerts,
    Autoscale,
    CodeConfiguration,
    Deployment,
    Endpoint,
    Identity,
    InlineEnvironment,
    InlineModel,
    Monitoring,
    Ownership,
    Policies,
    Probe,
    RequestSettings,
    Route,
    ScaleRule,
    ScaleSettings,
    ScheduleProfile,
    Scorer,
    Spec,
    Suppression,
    Target,
)
from iac_gen.vocabulary import DEFAULT_API_VERSION

_ALERT_DEFAULTS = Alerts()


def _str_map(value: Any) -> dict[str, str]:
    return {str(k): v for k, v in (value or {}).items()}


def _probe(value: Mapping[str, Any] | None) -> Probe | None:
    if value is None:
        return None
    return Probe(
        initial_delay=value.get("initial_delay"),
        period=value.get("period"),
        timeout=value.get("timeout"),
        success_threshold=value.get("success_threshold"),
        failure_threshold=value.get("failure_threshold"),
    )


def _version(value: Any) -> str | None:
    return None if value is None else str(value)


def _inline_model(value: Any) -> InlineModel | None:
    if not isinstance(value, Mapping):
        return None
    return InlineModel(
        path=value.get("path"),
        name=value.get("name"),
        version=_version(value.get("version")),
        type=value.get("type"),
        description=value.get("description"),
        properties=_str_map(value.get("properties")),
        tags=_str_map(value.get("tags")),
    )


def _inline_environment(value: Any) -> InlineEnvironment | None:
    if not isinstance(value, Mapping):
        return None
    build = value.get("build") or {}
    routes = value.get("inference_config") or {}
    return InlineEnvironment(
        name=value.get("name"),
        version=_version(value.get("version")),
        image=value.get("image"),
        conda_file=value.get("conda_file"),
        build_path=build.get("path"),
        dockerfile_path=build.get("dockerfile_path"),
        inference_config={
            key: Route(path=route["path"], port=route["port"])
            for key, route in routes.items()
            if isinstance(route, Mapping)
        },
        os_type=value.get("os_type"),
        description=value.get("description"),
        tags=_str_map(value.get("tags")),
        properties=_str_map(value.get("properties")),
    )


def build_target(value: Mapping[str, Any] | None) -> Target:
    value = value or {}
    return Target(
        subscription=value.get("subscription"),
        resource_group=value.get("resource_group"),
        workspace=value.get("workspace"),
        location=value.get("location"),
        api_version=value.get("api_version") or DEFAULT_API_VERSION,
    )


def build_deployment(value: Mapping[str, Any]) -> Deployment:
    code = value.get("code_configuration")
    req = value.get("request_settings")
    scale = value.get("scale_settings")
    model = value.get("model")
    env = value.get("environment")
    return Deployment(
        name=value["name"],
        type=value.get("type") or "managed",
        description=value.get("description"),
        tags=_str_map(value.get("tags")),
        properties=_str_map(value.get("properties")),
        model=model if isinstance(model, str) else None,
        inline_model=_inline_model(model),
        model_mount_path=value.get("model_mount_path"),
        code_configuration=(
            CodeConfiguration(code=code.get("code"), scoring_script=code.get("scoring_script"))
            if code is not None
            else None
        ),
        environment=env if isinstance(env, str) else None,
        inline_environment=_inline_environment(env),
        environment_variables=_str_map(value.get("environment_variables")),
        instance_type=value.get("instance_type"),
        instance_count=value.get("instance_count"),
        app_insights_enabled=value.get("app_insights_enabled"),
        egress_public_network_access=value.get("egress_public_network_access"),
        request_settings=(
            RequestSettings(
                request_timeout_ms=req.get("request_timeout_ms"),
                max_concurrent_requests_per_instance=req.get(
                    "max_concurrent_requests_per_instance"
                ),
                max_queue_wait_ms=req.get("max_queue_wait_ms"),
            )
            if req is not None
            else None
        ),
        liveness_probe=_probe(value.get("liveness_probe")),
        readiness_probe=_probe(value.get("readiness_probe")),
        startup_probe=_probe(value.get("startup_probe")),
        scale_settings=(
            ScaleSettings(
                type=scale.get("type") or "default",
                min_instances=scale.get("min_instances"),
                max_instances=scale.get("max_instances"),
                polling_interval=scale.get("polling_interval"),
                target_utilization_percentage=scale.get("target_utilization_percentage"),
            )
            if scale is not None
            else None
        ),
        data_collector=value.get("data_collector"),
        resources=value.get("resources"),
    )


def build_endpoint(data: Mapping[str, Any]) -> Endpoint:
    ident = data.get("identity")
    return Endpoint(
        name=data["name"],
        auth_mode=data.get("auth_mode"),
        description=data.get("description"),
        tags=_str_map(data.get("tags")),
        properties=_str_map(data.get("properties")),
        identity=(
            Identity(
                type=ident["type"],
                user_assigned_identities=tuple(
                    u["resource_id"] for u in ident.get("user_assigned_identities") or ()
                ),
            )
            if ident is not None
            else None
        ),
        public_network_access=data.get("public_network_access"),
        compute=data.get("compute"),
        traffic=dict(data.get("traffic") or {}),
        mirror_traffic=dict(data.get("mirror_traffic") or {}),
    )


def build_autoscale(value: Mapping[str, Any]) -> Autoscale:
    return Autoscale(
        min_instances=value["min_instances"],
        max_instances=value["max_instances"],
        default_instances=value["default_instances"],
        enabled=value.get("enabled", True),
        rules=tuple(
            ScaleRule(
                metric=r["metric"],
                operator=r["operator"],
                threshold=float(r["threshold"]),
                direction=r["direction"],
                **{
                    k: r[k]
                    for k in (
                        "change",
                        "time_window_minutes",
                        "time_grain_minutes",
                        "statistic",
                        "time_aggregation",
                        "cooldown_minutes",
                    )
                    if k in r
                },
            )
            for r in value.get("rules") or ()
        ),
        schedules=tuple(
            ScheduleProfile(
                name=s["name"],
                days=tuple(s["days"]),
                min_instances=s["min_instances"],
                max_instances=s["max_instances"],
                default_instances=s["default_instances"],
                timezone=s.get("timezone") or "UTC",
                start=s.get("start"),
                end=s.get("end"),
            )
            for s in value.get("schedules") or ()
        ),
    )


def _monitoring(value: Mapping[str, Any] | None) -> Monitoring | None:
    if value is None:
        return None
    alerts = value.get("alerts")
    built = None
    if alerts is not None:
        kwargs = {
            k: alerts[k]
            for k in (
                "request_latency_p95_ms",
                "error_rate_5xx_percent",
                "cpu_percent",
                "memory_percent",
                "action_group",
                "severity",
            )
            if k in alerts
        }
        built = Alerts(**kwargs)
    return Monitoring(log_analytics_workspace=value.get("log_analytics_workspace"), alerts=built)


# Endpoint tags that carry ownership in CLI v2 files, which have no `ownership` key (`az ml`
# refuses unknown keys); iac-gen writes `ownership` back as these same tags.
_OWNERSHIP_TAGS = {
    "owner": "owner",
    "team": "team",
    "runbook": "runbook",
    "change-ticket": "change_ticket",
    "change_ticket": "change_ticket",
    "changeticket": "change_ticket",
}


def _ownership(value: Mapping[str, Any] | None, tags: Any) -> Ownership | None:
    """`ownership` (native spec or sidecar file), completed from the endpoint's tags."""
    from_tags: dict[str, str] = {}
    for key, text in (tags or {}).items():
        field = _OWNERSHIP_TAGS.get(str(key).lower())
        if field and isinstance(text, str) and text.strip():
            from_tags.setdefault(field, text)
    if value is None and not from_tags:
        return None
    value = value or {}
    approvers = value.get("approvers")
    if approvers is None and "approvers" in {str(k).lower() for k in (tags or {})}:
        text = next(v for k, v in tags.items() if str(k).lower() == "approvers")
        approvers = [a.strip() for a in str(text).split(",") if a.strip()]
    return Ownership(
        owner=value.get("owner") or from_tags.get("owner"),
        team=value.get("team") or from_tags.get("team"),
        approvers=tuple(approvers or ()),
        runbook=value.get("runbook") or from_tags.get("runbook"),
        change_ticket=value.get("change_ticket") or from_tags.get("change_ticket"),
        from_tags=not value,
    )


def build_spec(
    data: Mapping[str, Any],
    *,
    source: Path,
    format: str,
    files: tuple[Path, ...],
    locations: Mapping[str, Location],
    environment: str | None = None,
    implied_endpoint: bool = False,
) -> Spec:
    """The typed `Spec` of a schema-valid canonical document."""
    policies = data.get("policies") or {}
    access = data.get("access") or {}
    lint = data.get("lint") or {}
    suppress = lint.get("suppress") or ()
    return Spec(
        source=source,
        format=format,
        target=build_target(data.get("target")),
        endpoint=build_endpoint(data),
        deployments=tuple(build_deployment(d) for d in data.get("deployments") or ()),
        autoscale={k: build_autoscale(v) for k, v in (data.get("autoscale") or {}).items()},
        monitoring=_monitoring(data.get("monitoring")),
        ownership=_ownership(data.get("ownership"), data.get("tags")),
        scorers=tuple(
            Scorer(s["principal_id"], s.get("principal_type") or "ServicePrincipal")
            for s in access.get("scorers") or ()
        ),
        policies=Policies(
            traffic=policies.get("traffic") or "exact",
            instance_count=policies.get("instance_count") or "auto",
        ),
        suppressions=tuple(
            Suppression(s["rule"], s["reason"], locations.get(f"lint.suppress.{i}"))
            for i, s in enumerate(suppress)
        ),
        environments=dict(data.get("environments") or {}),
        environment=environment,
        files=files,
        locations=locations if isinstance(locations, LazyLocations) else dict(locations),
        document=data,
        implied_endpoint=implied_endpoint,
    )
