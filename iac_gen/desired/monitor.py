"""Azure Monitor companions: autoscale settings, diagnostic settings and metric alerts.

Metric names, scopes and log categories are those of the Azure Monitor reference for
online endpoints (endpoint scope: RequestLatency*, RequestsPerMinute; deployment scope:
CpuUtilizationPercentage, CpuMemoryUtilizationPercentage, ...).
"""

from __future__ import annotations

from typing import Any

from iac_gen.desired.ids import Scope
from iac_gen.desired.ml import spec_tags
from iac_gen.durations import iso_minutes
from iac_gen.spec.model import Alerts, Autoscale, ScaleRule, ScheduleProfile, Spec
from iac_gen.vocabulary import (
    ALERT_API,
    ALERT_TYPE,
    AUTOSCALE_API,
    AUTOSCALE_TYPE,
    DEPLOYMENT_TYPE,
    DIAGNOSTICS_API,
    DIAGNOSTICS_TYPE,
    ENDPOINT_TYPE,
)

LOG_CATEGORIES = (
    "AmlOnlineEndpointConsoleLog",
    "AmlOnlineEndpointEventLog",
    "AmlOnlineEndpointTrafficLog",
)
DIAGNOSTICS_NAME = "send-to-log-analytics"

# friendly metric -> (Azure Monitor metric name, scope: "endpoint" | "deployment")
METRICS = {
    "cpu": ("CpuUtilizationPercentage", "deployment"),
    "memory": ("CpuMemoryUtilizationPercentage", "deployment"),
    "gpu": ("GpuUtilizationPercentage", "deployment"),
    "gpu_memory": ("GpuMemoryUtilizationPercentage", "deployment"),
    "disk": ("DiskUtilization", "deployment"),
    "request_latency": ("RequestLatency", "endpoint"),
    "requests_per_minute": ("RequestsPerMinute", "deployment"),
}
ENDPOINT_ONLY_METRICS = {
    "RequestLatency",
    "ConnectionsActive",
    "NetworkBytes",
    "NewConnectionsPerSecond",
}
OPERATORS = {
    ">": "GreaterThan",
    ">=": "GreaterThanOrEqual",
    "<": "LessThan",
    "<=": "LessThanOrEqual",
    "==": "Equals",
    "!=": "NotEquals",
}
STATISTICS = {
    "average": "Average",
    "avg": "Average",
    "min": "Min",
    "max": "Max",
    "sum": "Sum",
    "count": "Count",
}
AGGREGATIONS = {
    "average": "Average",
    "avg": "Average",
    "min": "Minimum",
    "minimum": "Minimum",
    "max": "Maximum",
    "maximum": "Maximum",
    "sum": "Total",
    "total": "Total",
    "count": "Count",
    "last": "Last",
}
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def number(value: float) -> int | float:
    """Thresholds are integers in the resource types; keep a fraction only when there is one."""
    return int(value) if float(value).is_integer() else float(value)


def autoscale_name(endpoint: str, deployment: str) -> str:
    return f"{endpoint}-{deployment}-autoscale"


def _metric(rule: ScaleRule) -> tuple[str, str]:
    if rule.metric.lower() in METRICS:
        return METRICS[rule.metric.lower()]
    return rule.metric, "endpoint" if rule.metric in ENDPOINT_ONLY_METRICS else "deployment"


def _rule(rule: ScaleRule, scope: Scope, endpoint: str, deployment: str) -> dict[str, Any]:
    metric, level = _metric(rule)
    trigger: dict[str, Any] = {
        "metricName": metric,
        "metricNamespace": ENDPOINT_TYPE if level == "endpoint" else DEPLOYMENT_TYPE,
        "metricResourceUri": scope.endpoint_id(endpoint)
        if level == "endpoint"
        else scope.deployment_id(endpoint, deployment),
        "operator": OPERATORS[rule.operator],
        "statistic": STATISTICS[rule.statistic.lower()],
        "threshold": number(rule.threshold),
        "timeAggregation": AGGREGATIONS[rule.time_aggregation.lower()],
        "timeGrain": iso_minutes(rule.time_grain_minutes),
        "timeWindow": iso_minutes(rule.time_window_minutes),
    }
    if level == "endpoint":
        # Endpoint metrics cover every deployment; the `deployment` dimension narrows the
        # rule to the deployment this setting scales.
        trigger["dimensions"] = [
            {"DimensionName": "deployment", "Operator": "Equals", "Values": [deployment]}
        ]
    return {
        "metricTrigger": trigger,
        "scaleAction": {
            "direction": "Increase" if rule.direction.lower() == "out" else "Decrease",
            "type": "ChangeCount",
            "value": str(rule.change),
            "cooldown": iso_minutes(rule.cooldown_minutes),
        },
    }


def _capacity(minimum: int, maximum: int, default: int) -> dict[str, str]:
    return {"minimum": str(minimum), "maximum": str(maximum), "default": str(default)}


def _clock(text: str | None) -> tuple[int, int]:
    if not text:
        return 0, 0
    hours, _, minutes = text.partition(":")
    return int(hours), int(minutes or 0)


def _recurrence(days: list[str], timezone: str, at: str | None) -> dict[str, Any]:
    hour, minute = _clock(at)
    return {
        "frequency": "Week",
        "schedule": {"timeZone": timezone, "days": days, "hours": [hour], "minutes": [minute]},
    }


def _schedule_profiles(
    sched: ScheduleProfile, auto: Autoscale, rules: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A schedule profile, and the profile that hands back to the default range afterwards.

    Azure Monitor keeps a recurring profile active until another recurring profile starts,
    so the end is an explicit profile: at `end` on the same days, or (whole days) at
    midnight on the days the schedule does not cover.
    """
    days = [d.capitalize() for d in sched.days]
    start = {
        "name": sched.name,
        "capacity": _capacity(sched.min_instances, sched.max_instances, sched.default_instances),
        "rules": rules,
        "recurrence": _recurrence(days, sched.timezone, sched.start),
    }
    back_days = days if sched.end else [d for d in DAYS if d not in days]
    if not back_days:
        return [start]
    back = {
        "name": f"{sched.name}-end",
        "capacity": _capacity(auto.min_instances, auto.max_instances, auto.default_instances),
        "rules": rules,
        "recurrence": _recurrence(back_days, sched.timezone, sched.end),
    }
    return [start, back]


def autoscale_body(spec: Spec, deployment: str, auto: Autoscale, scope: Scope) -> dict[str, Any]:
    ep = spec.endpoint.name
    name = autoscale_name(ep, deployment)
    rules = [_rule(r, scope, ep, deployment) for r in auto.rules]
    profiles = [
        {
            "name": "default",
            "capacity": _capacity(auto.min_instances, auto.max_instances, auto.default_instances),
            "rules": rules,
        }
    ]
    for sched in auto.schedules:
        profiles.extend(_schedule_profiles(sched, auto, rules))
    return {
        "type": AUTOSCALE_TYPE,
        "apiVersion": AUTOSCALE_API,
        "name": name,
        "id": scope.group_resource_id(AUTOSCALE_TYPE, name),
        "location": scope.location,
        "tags": spec_tags(spec, {}),
        "properties": {
            "name": name,
            "enabled": auto.enabled,
            "targetResourceUri": scope.deployment_id(ep, deployment),
            "targetResourceLocation": scope.location,
            "profiles": profiles,
        },
    }


def diagnostics_body(spec: Spec, workspace_id: str, scope: Scope) -> dict[str, Any]:
    endpoint_id = scope.endpoint_id(spec.endpoint.name)
    return {
        "type": DIAGNOSTICS_TYPE,
        "apiVersion": DIAGNOSTICS_API,
        "name": DIAGNOSTICS_NAME,
        "id": f"{endpoint_id}/providers/{DIAGNOSTICS_TYPE}/{DIAGNOSTICS_NAME}",
        "scope": endpoint_id,
        "properties": {
            "workspaceId": workspace_id,
            "logs": [{"category": c, "enabled": True} for c in LOG_CATEGORIES],
        },
    }


def _alert(
    spec: Spec,
    scope: Scope,
    name: str,
    description: str,
    target: str,
    namespace: str,
    metric: str,
    threshold: float,
    dimensions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    alerts = spec.monitoring.alerts if spec.monitoring else None
    assert alerts is not None
    criterion: dict[str, Any] = {
        "criterionType": "StaticThresholdCriterion",
        "name": metric,
        "metricName": metric,
        "metricNamespace": namespace,
        "operator": "GreaterThan",
        "threshold": number(threshold),
        "timeAggregation": "Average",
    }
    if dimensions:
        criterion["dimensions"] = dimensions
    props: dict[str, Any] = {
        "description": description,
        "severity": alerts.severity,
        "enabled": True,
        "scopes": [target],
        "evaluationFrequency": "PT1M",
        "windowSize": "PT5M",
        "criteria": {
            "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            "allOf": [criterion],
        },
    }
    if alerts.action_group:
        props["actions"] = [{"actionGroupId": alerts.action_group}]
    return {
        "type": ALERT_TYPE,
        "apiVersion": ALERT_API,
        "name": name,
        "id": scope.group_resource_id(ALERT_TYPE, name),
        "location": "global",
        "tags": spec_tags(spec, {}),
        "properties": props,
    }


def alert_bodies(spec: Spec, scope: Scope) -> list[dict[str, Any]]:
    """The field manual's alert set: P95 latency, 5xx responses, CPU and memory per deployment."""
    alerts = spec.monitoring.alerts if spec.monitoring else None
    if alerts is None:
        return []
    return [*_endpoint_alerts(spec, scope, alerts), *_deployment_alerts(spec, scope, alerts)]


def _endpoint_alerts(spec: Spec, scope: Scope, alerts: Alerts) -> list[dict[str, Any]]:
    """P95 latency and 5xx responses of the whole endpoint."""
    ep = spec.endpoint.name
    ep_id = scope.endpoint_id(ep)
    out: list[dict[str, Any]] = []
    if alerts.request_latency_p95_ms is not None:
        out.append(
            _alert(
                spec,
                scope,
                f"{ep}-request-latency-p95",
                f"P95 request latency of {ep} above {number(alerts.request_latency_p95_ms)} ms",
                ep_id,
                ENDPOINT_TYPE,
                "RequestLatency_P95",
                alerts.request_latency_p95_ms,
            )
        )
    if alerts.error_rate_5xx_percent is not None:
        # Azure Monitor metric alerts cannot divide two series, so the 5xx *rate* is
        # approximated by "any 5xx responses": RequestsPerMinute filtered to the 5xx class.
        out.append(
            _alert(
                spec,
                scope,
                f"{ep}-5xx-responses",
                f"{ep} returned 5xx responses (intended limit: "
                f"{number(alerts.error_rate_5xx_percent)}% of requests; metric alerts cannot "
                "express a ratio, so any 5xx response fires)",
                ep_id,
                ENDPOINT_TYPE,
                "RequestsPerMinute",
                0,
                [{"name": "statusCodeClass", "operator": "Include", "values": ["5xx"]}],
            )
        )
    return out


def _deployment_alerts(spec: Spec, scope: Scope, alerts: Alerts) -> list[dict[str, Any]]:
    """CPU and memory utilisation of each deployment."""
    ep = spec.endpoint.name
    out: list[dict[str, Any]] = []
    for dep in spec.deployments:
        dep_id = scope.deployment_id(ep, dep.name)
        for key, metric, label in (
            ("cpu_percent", "CpuUtilizationPercentage", "CPU"),
            ("memory_percent", "CpuMemoryUtilizationPercentage", "memory"),
        ):
            threshold = getattr(alerts, key)
            if threshold is None:
                continue
            out.append(
                _alert(
                    spec,
                    scope,
                    f"{ep}-{dep.name}-{label.lower()}",
                    f"{label} utilisation of {ep}/{dep.name} above {number(threshold)}%",
                    dep_id,
                    DEPLOYMENT_TYPE,
                    metric,
                    threshold,
                )
            )
    return out
