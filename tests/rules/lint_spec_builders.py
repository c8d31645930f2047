"""Hand-built specs for rule tests: one production-ready baseline plus small mutations.

The baseline mirrors `fixtures/example/spec.yaml` with the remaining low-severity gaps
closed, so each rule test changes exactly one thing and proves the rule reacts to it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Location
from iac_gen.spec.model import (
    Alerts,
    Autoscale,
    CodeConfiguration,
    Deployment,
    Endpoint,
    Identity,
    Monitoring,
    Ownership,
    Probe,
    RequestSettings,
    ScaleRule,
    ScheduleProfile,
    Spec,
    Target,
)

SOURCE = Path("fixtures/handmade/spec.yaml")
UAI = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/uai-scoring"
)


def deployment(name: str, model_version: int, instance_count: int) -> Deployment:
    return Deployment(
        name=name,
        model=f"azureml:credit-model:{model_version}",
        environment="azureml:credit-env:12",
        code_configuration=CodeConfiguration(f"azureml:credit-code:{model_version}", "score.py"),
        instance_type="Standard_DS3_v2",
        instance_count=instance_count,
        app_insights_enabled=True,
        egress_public_network_access="disabled",
        request_settings=RequestSettings(3000, 2, None),
        liveness_probe=Probe(30, 10, 2, 1, 30),
        readiness_probe=Probe(10, 10, 2, 1, 3),
        environment_variables={"WORKER_COUNT": "2"},
        data_collector={"collections": {"model_inputs": {"enabled": "True"}}},
    )


def autoscale(minimum: int = 3, maximum: int = 10) -> Autoscale:
    return Autoscale(
        min_instances=minimum,
        max_instances=maximum,
        default_instances=minimum,
        rules=(ScaleRule("cpu", ">", 70, "out", 2),),
        schedules=(ScheduleProfile("weekend", ("Saturday", "Sunday"), 3, 4, 3),),
    )


def good_spec() -> Spec:
    """A production-ready endpoint: every rule but the MOE028 quota hint stays quiet."""
    return Spec(
        source=SOURCE,
        format="native",
        target=Target("sub", "rg", "ws", "westeurope"),
        endpoint=Endpoint(
            name="credit-scoring",
            auth_mode="aad_token",
            identity=Identity("user_assigned", (UAI,)),
            public_network_access="disabled",
            tags={"cost-center": "4711"},
            traffic={"blue": 100},
            mirror_traffic={"green": 10},
        ),
        deployments=(deployment("blue", 7, 3), deployment("green", 8, 1)),
        autoscale={"blue": autoscale()},
        monitoring=Monitoring(
            log_analytics_workspace="/subscriptions/x/law",
            alerts=Alerts(action_group="/subscriptions/x/ag"),
        ),
        ownership=Ownership(owner="risk-ml@contoso.com", change_ticket="CHG-1"),
        files=(SOURCE,),
        locations={
            "auth_mode": Location(str(SOURCE), 4, 1),
            "deployments": Location(str(SOURCE), 10, 1),
            "deployments.blue": Location(str(SOURCE), 11, 5),
            "deployments.blue.instance_count": Location(str(SOURCE), 12, 5),
        },
    )


def with_endpoint(spec: Spec, **changes: Any) -> Spec:
    return replace(spec, endpoint=replace(spec.endpoint, **changes))


def with_deployment(spec: Spec, name: str, **changes: Any) -> Spec:
    deployments = tuple(
        replace(dep, **changes) if dep.name == name else dep for dep in spec.deployments
    )
    return replace(spec, deployments=deployments)
