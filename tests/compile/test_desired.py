"""The desired state: mapping rules from the spec to ARM bodies (exact casing, ids, defaults)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from iac_gen.desired import desired_state
from iac_gen.desired.access import SCORER_ROLE_ID
from iac_gen.diagnostics import InputError
from iac_gen.spec.model import (
    Alerts,
    Deployment,
    Endpoint,
    Identity,
    Monitoring,
    Probe,
    ScaleSettings,
    Spec,
    Target,
)
from tests.compile.handmade import SUB, credit_scoring

EP_TYPE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
DEP_TYPE = f"{EP_TYPE}/deployments"
WS_ID = (
    f"/subscriptions/{SUB}/resourceGroups/rg-mlops-prod/providers/"
    "Microsoft.MachineLearningServices/workspaces/mlw-risk-prod"
)


def by_type(spec: Spec, rtype: str) -> list[dict[str, Any]]:
    return [r for r in desired_state(spec).resources if r["type"] == rtype]


def endpoint(spec: Spec) -> dict[str, Any]:
    (ep,) = by_type(spec, EP_TYPE)
    return ep


def deployment(spec: Spec, name: str) -> dict[str, Any]:
    return next(r for r in by_type(spec, DEP_TYPE) if r["name"].endswith("/" + name))


def test_endpoint_envelope_and_enum_casing() -> None:
    ep = endpoint(credit_scoring())
    assert ep["name"] == "mlw-risk-prod/credit-scoring"
    assert ep["id"] == f"{WS_ID}/onlineEndpoints/credit-scoring"
    assert ep["location"] == "westeurope"
    assert ep["apiVersion"] == "2026-05-01"
    assert ep["identity"] == {"type": "SystemAssigned"}
    props = ep["properties"]
    assert props["authMode"] == "AADToken"
    assert props["publicNetworkAccess"] == "Disabled"
    assert props["traffic"] == {"blue": 100}, "zero entries are stripped"
    assert props["mirrorTraffic"] == {"green": 10}
    for server_owned in ("provisioningState", "scoringUri", "swaggerUri", "keys"):
        assert server_owned not in props
    assert "systemData" not in ep and "kind" not in ep


@pytest.mark.parametrize(
    ("auth", "arm"),
    [("key", "Key"), ("aml_token", "AMLToken"), ("aad_token", "AADToken"), (None, "Key")],
)
def test_auth_modes(auth: str | None, arm: str) -> None:
    assert endpoint(credit_scoring(auth_mode=auth))["properties"]["authMode"] == arm


@pytest.mark.parametrize(
    ("identity", "arm"),
    [
        (None, {"type": "SystemAssigned"}),
        (Identity("none"), {"type": "None"}),
        (Identity("system_assigned"), {"type": "SystemAssigned"}),
        (
            Identity("user_assigned", ("/subscriptions/x/uai",)),
            {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/x/uai": {}}},
        ),
        (
            Identity("system_assigned,user_assigned", ("/subscriptions/x/uai",)),
            {
                "type": "SystemAssigned,UserAssigned",
                "userAssignedIdentities": {"/subscriptions/x/uai": {}},
            },
        ),
    ],
)
def test_identity(identity: Identity | None, arm: dict[str, Any]) -> None:
    assert endpoint(credit_scoring(identity=identity))["identity"] == arm


def test_unstated_public_access_is_left_to_the_service_default() -> None:
    assert (
        "publicNetworkAccess"
        not in endpoint(credit_scoring(public_network_access=None))["properties"]
    )


def test_deployment_mapping() -> None:
    blue = deployment(credit_scoring(), "blue")
    assert blue["name"] == "mlw-risk-prod/credit-scoring/blue"
    assert blue["sku"] == {"name": "Default", "capacity": 3}
    p = blue["properties"]
    assert p["endpointComputeType"] == "Managed"
    assert p["model"] == f"{WS_ID}/models/credit-model/versions/7"
    assert p["environmentId"] == f"{WS_ID}/environments/credit-env/versions/12"
    assert p["codeConfiguration"] == {
        "codeId": f"{WS_ID}/codes/credit-score-code/versions/7",
        "scoringScript": "score.py",
    }
    assert p["requestSettings"] == {"requestTimeout": "PT3S", "maxConcurrentRequestsPerInstance": 2}
    assert p["livenessProbe"] == {
        "initialDelay": "PT30S",
        "period": "PT10S",
        "timeout": "PT2S",
        "successThreshold": 1,
        "failureThreshold": 30,
    }
    assert p["egressPublicNetworkAccess"] == "Disabled"
    assert p["appInsightsEnabled"] is True
    assert p["environmentVariables"] == {"WORKER_COUNT": "2"}
    assert "identity" not in blue


def test_local_code_folder_is_unresolved_and_left_out() -> None:
    spec = credit_scoring()
    state = desired_state(spec)
    green = next(r for r in state.resources if r["name"].endswith("/green"))
    assert green["properties"]["codeConfiguration"] == {"scoringScript": "score.py"}
    (item,) = state.unresolved
    assert item.resource_id == green["id"]
    assert item.arm_path == "properties.codeConfiguration.codeId"
    assert "./src" in item.reason


@pytest.mark.parametrize(
    ("model", "env", "model_arm", "env_arm"),
    [
        (
            "azureml://registries/reg/models/m/versions/2",
            "azureml:AzureML-sklearn-1.5-ubuntu22.04-py39-cpu:3",
            "azureml://registries/reg/models/m/versions/2",
            "azureml:AzureML-sklearn-1.5-ubuntu22.04-py39-cpu:3",
        ),
        (
            "azureml:m:1",
            "azureml://registries/azureml/environments/e/versions/4",
            f"{WS_ID}/models/m/versions/1",
            "azureml://registries/azureml/environments/e/versions/4",
        ),
        (
            f"{WS_ID}/models/m/versions/9",
            "azureml:e:1",
            f"{WS_ID}/models/m/versions/9",
            f"{WS_ID}/environments/e/versions/1",
        ),
    ],
)
def test_asset_references(model: str, env: str, model_arm: str, env_arm: str) -> None:
    spec = credit_scoring()
    dep = replace(spec.deployments[0], model=model, environment=env)
    p = deployment(replace(spec, deployments=(dep,)), "blue")["properties"]
    assert p["model"] == model_arm
    assert p["environmentId"] == env_arm


def test_zero_durations_are_dropped() -> None:
    spec = credit_scoring()
    dep = replace(spec.deployments[0], liveness_probe=Probe(initial_delay=0, period=5))
    p = deployment(replace(spec, deployments=(dep,)), "blue")["properties"]
    assert p["livenessProbe"] == {"period": "PT5S"}


def test_kubernetes_deployment() -> None:
    spec = credit_scoring()
    k8s = Deployment(
        name="blue",
        type="kubernetes",
        model="azureml:m:1",
        instance_type="defaultinstancetype",
        instance_count=2,
        scale_settings=ScaleSettings("target_utilization", 1, 4, 10, 70),
        resources={
            "requests": {"cpu": "0.5", "memory": "1Gi"},
            "limits": {"cpu": 1, "memory": "2Gi"},
        },
    )
    ep = Endpoint("k8s-endpoint", auth_mode="key", compute="aks-prod", traffic={"blue": 100})
    kspec = replace(spec, endpoint=ep, deployments=(k8s,), autoscale={}, scorers=())
    props = endpoint(kspec)["properties"]
    assert props["compute"] == f"{WS_ID}/computes/aks-prod"
    p = deployment(kspec, "blue")["properties"]
    assert p["endpointComputeType"] == "Kubernetes"
    assert p["scaleSettings"] == {
        "scaleType": "TargetUtilization",
        "minInstances": 1,
        "maxInstances": 4,
        "pollingInterval": "PT10S",
        "targetUtilizationPercentage": 70,
    }
    assert p["containerResourceRequirements"] == {
        "containerResourceRequests": {"cpu": "0.5", "memory": "1Gi"},
        "containerResourceLimits": {"cpu": "1", "memory": "2Gi"},
    }


def test_data_collector() -> None:
    spec = credit_scoring()
    dc = {
        "sampling_rate": 0.5,
        "rolling_rate": "day",
        "collections": {"model_inputs": {"enabled": "True"}, "model_outputs": {"enabled": "False"}},
        "request_logging": {"capture_headers": ["x-id"]},
    }
    dep = replace(spec.deployments[0], data_collector=dc)
    p = deployment(replace(spec, deployments=(dep,)), "blue")["properties"]
    assert p["dataCollector"] == {
        "collections": {
            "model_inputs": {"dataCollectionMode": "Enabled", "samplingRate": 0.5},
            "model_outputs": {"dataCollectionMode": "Disabled", "samplingRate": 0.5},
        },
        "rollingRate": "Day",
        "requestLogging": {"captureHeaders": ["x-id"]},
    }


def test_autoscale_setting() -> None:
    (auto,) = by_type(credit_scoring(), "Microsoft.Insights/autoscalesettings")
    props = auto["properties"]
    assert props["targetResourceUri"] == f"{WS_ID}/onlineEndpoints/credit-scoring/deployments/blue"
    default, weekend, back = props["profiles"]
    assert default["capacity"] == {"minimum": "3", "maximum": "10", "default": "3"}
    cpu_out, cpu_in, latency = (r["metricTrigger"] for r in default["rules"])
    assert cpu_out["metricName"] == "CpuUtilizationPercentage"
    assert cpu_out["metricResourceUri"] == props["targetResourceUri"]
    assert (cpu_out["operator"], cpu_out["threshold"], cpu_out["timeWindow"]) == (
        "GreaterThan",
        70,
        "PT5M",
    )
    assert default["rules"][0]["scaleAction"] == {
        "direction": "Increase",
        "type": "ChangeCount",
        "value": "2",
        "cooldown": "PT10M",
    }
    assert (
        cpu_in["operator"] == "LessThan"
        and default["rules"][1]["scaleAction"]["direction"] == "Decrease"
    )
    assert latency["metricName"] == "RequestLatency"
    assert latency["metricResourceUri"] == f"{WS_ID}/onlineEndpoints/credit-scoring"
    assert weekend["recurrence"]["frequency"] == "Week"
    assert weekend["recurrence"]["schedule"]["days"] == ["Saturday", "Sunday"]
    assert weekend["recurrence"]["schedule"]["timeZone"] == "W. Europe Standard Time"
    assert weekend["capacity"] == {"minimum": "3", "maximum": "4", "default": "3"}
    assert back["recurrence"]["schedule"]["days"] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
    ]
    assert back["capacity"] == default["capacity"]


def test_diagnostic_settings_on_the_endpoint() -> None:
    (diag,) = by_type(credit_scoring(), "Microsoft.Insights/diagnosticSettings")
    assert diag["scope"] == f"{WS_ID}/onlineEndpoints/credit-scoring"
    assert diag["id"].startswith(
        diag["scope"] + "/providers/Microsoft.Insights/diagnosticSettings/"
    )
    assert sorted(log["category"] for log in diag["properties"]["logs"]) == [
        "AmlOnlineEndpointConsoleLog",
        "AmlOnlineEndpointEventLog",
        "AmlOnlineEndpointTrafficLog",
    ]
    assert diag["properties"]["workspaceId"].endswith("/workspaces/law-mlops-prod")


def test_metric_alerts() -> None:
    alerts = {a["name"]: a for a in by_type(credit_scoring(), "Microsoft.Insights/metricAlerts")}
    assert sorted(alerts) == [
        "credit-scoring-5xx-responses",
        "credit-scoring-blue-cpu",
        "credit-scoring-blue-memory",
        "credit-scoring-green-cpu",
        "credit-scoring-green-memory",
        "credit-scoring-request-latency-p95",
    ]
    p95 = alerts["credit-scoring-request-latency-p95"]
    assert p95["location"] == "global"
    (crit,) = p95["properties"]["criteria"]["allOf"]
    assert (crit["metricName"], crit["operator"], crit["threshold"]) == (
        "RequestLatency_P95",
        "GreaterThan",
        500,
    )
    (err,) = alerts["credit-scoring-5xx-responses"]["properties"]["criteria"]["allOf"]
    assert err["metricName"] == "RequestsPerMinute"
    assert err["dimensions"] == [
        {"name": "statusCodeClass", "operator": "Include", "values": ["5xx"]}
    ]
    cpu = alerts["credit-scoring-blue-cpu"]["properties"]
    assert cpu["scopes"] == [f"{WS_ID}/onlineEndpoints/credit-scoring/deployments/blue"]
    assert cpu["criteria"]["allOf"][0]["threshold"] == 80
    assert cpu["actions"][0]["actionGroupId"].endswith("/actionGroups/ag-oncall")


def test_alerts_can_be_switched_off_one_by_one() -> None:
    spec = replace(
        credit_scoring(), monitoring=Monitoring(None, Alerts(cpu_percent=None, memory_percent=None))
    )
    names = sorted(a["name"] for a in by_type(spec, "Microsoft.Insights/metricAlerts"))
    assert names == ["credit-scoring-5xx-responses", "credit-scoring-request-latency-p95"]
    assert by_type(spec, "Microsoft.Insights/diagnosticSettings") == []


def test_scorer_role_assignment_only_for_aad_token() -> None:
    (ra,) = by_type(credit_scoring(), "Microsoft.Authorization/roleAssignments")
    assert ra["properties"]["roleDefinitionId"] == (
        f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{SCORER_ROLE_ID}"
    )
    assert ra["properties"]["principalId"] == "6d1c3f0e-2b7a-4c55-9a8e-0f3b2d6a4e19"
    assert ra["scope"] == f"{WS_ID}/onlineEndpoints/credit-scoring"
    again = by_type(credit_scoring(), "Microsoft.Authorization/roleAssignments")[0]
    assert ra["name"] == again["name"], "the GUID name is deterministic"
    other = by_type(
        credit_scoring(name="other-endpoint"), "Microsoft.Authorization/roleAssignments"
    )[0]
    assert other["name"] != ra["name"]
    assert by_type(credit_scoring(auth_mode="key"), "Microsoft.Authorization/roleAssignments") == []


def test_ownership_becomes_tags_and_own_tags_win() -> None:
    ep = endpoint(credit_scoring(tags={"owner": "explicit"}))
    assert ep["tags"]["owner"] == "explicit"
    assert ep["tags"]["approvers"] == "a@contoso.com, b@contoso.com"


def test_missing_target_is_an_input_error() -> None:
    spec = replace(credit_scoring(), target=Target(SUB, None, "ws", None))
    with pytest.raises(InputError) as info:
        desired_state(spec)
    text = str(info.value)
    assert "IAC320" in text and "--resource-group" in text and "--location" in text


def test_bundled_example_loads_into_the_same_shape(example_spec: Spec) -> None:
    state = desired_state(example_spec)
    types = sorted({r["type"] for r in state.resources})
    assert types == sorted(
        {
            EP_TYPE,
            DEP_TYPE,
            "Microsoft.Insights/autoscalesettings",
            "Microsoft.Insights/diagnosticSettings",
            "Microsoft.Insights/metricAlerts",
            "Microsoft.Authorization/roleAssignments",
        }
    )
    assert state.unresolved == []
    for res in state.resources:
        assert not any(isinstance(v, str) and v.startswith("[") for v in _strings(res)), (
            "no ARM expressions"
        )


def _strings(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value]


def test_schedule_with_an_end_time_hands_back_on_the_same_days() -> None:
    from iac_gen.spec.model import Autoscale, ScheduleProfile

    spec = credit_scoring()
    nights = ScheduleProfile(
        "nights", ("Monday", "Tuesday"), 1, 2, 1, "UTC", start="22:30", end="06:00"
    )
    spec = replace(spec, autoscale={"blue": Autoscale(3, 10, 3, schedules=(nights,))})
    (auto,) = by_type(spec, "Microsoft.Insights/autoscalesettings")
    _, start, end = auto["properties"]["profiles"]
    assert start["recurrence"]["schedule"] == {
        "timeZone": "UTC",
        "days": ["Monday", "Tuesday"],
        "hours": [22],
        "minutes": [30],
    }
    assert end["name"] == "nights-end"
    assert end["recurrence"]["schedule"]["days"] == ["Monday", "Tuesday"]
    assert (end["recurrence"]["schedule"]["hours"], end["recurrence"]["schedule"]["minutes"]) == (
        [6],
        [0],
    )
    assert end["capacity"] == {"minimum": "3", "maximum": "10", "default": "3"}
    assert start["rules"] == [] and end["rules"] == []
