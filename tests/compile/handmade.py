"""Specs built by hand from the typed model (independent of the YAML loader)."""

from __future__ import annotations

from pathlib import Path

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
    Scorer,
    Spec,
    Target,
)

SUB = "8f6b6269-84f2-4d09-9e31-1127efcd1e40"
LAW = (
    f"/subscriptions/{SUB}/resourceGroups/rg-observability/providers/"
    "Microsoft.OperationalInsights/workspaces/law-mlops-prod"
)
AG = (
    f"/subscriptions/{SUB}/resourceGroups/rg-observability/providers/"
    "Microsoft.Insights/actionGroups/ag-oncall"
)


def credit_scoring(**endpoint_changes: object) -> Spec:
    """The bundled example's shape: two deployments, autoscale, monitoring, a scorer."""
    blue = Deployment(
        name="blue",
        model="azureml:credit-model:7",
        environment="azureml:credit-env:12",
        code_configuration=CodeConfiguration("azureml:credit-score-code:7", "score.py"),
        instance_type="Standard_DS3_v2",
        instance_count=3,
        app_insights_enabled=True,
        egress_public_network_access="disabled",
        request_settings=RequestSettings(
            request_timeout_ms=3000, max_concurrent_requests_per_instance=2
        ),
        liveness_probe=Probe(30, 10, 2, 1, 30),
        readiness_probe=Probe(10, 10, 2, 1, 3),
        environment_variables={"WORKER_COUNT": "2"},
    )
    green = Deployment(
        name="green",
        model="azureml:credit-model:8",
        environment="azureml:credit-env:12",
        code_configuration=CodeConfiguration("./src", "score.py"),
        instance_type="Standard_DS3_v2",
        instance_count=1,
    )
    endpoint = Endpoint(
        name="credit-scoring",
        auth_mode="aad_token",
        description="Scores consumer credit applications.",
        tags={"cost-center": "4711"},
        identity=Identity("system_assigned"),
        public_network_access="disabled",
        traffic={"blue": 100, "green": 0},
        mirror_traffic={"green": 10},
    )
    for key, value in endpoint_changes.items():
        object.__setattr__(endpoint, key, value)
    return Spec(
        source=Path("spec.yaml"),
        format="native",
        target=Target(SUB, "rg-mlops-prod", "mlw-risk-prod", "westeurope"),
        endpoint=endpoint,
        deployments=(blue, green),
        autoscale={
            "blue": Autoscale(
                3,
                10,
                3,
                rules=(
                    ScaleRule("cpu", ">", 70, "out", change=2, cooldown_minutes=10),
                    ScaleRule("cpu", "<", 30, "in", time_window_minutes=10, cooldown_minutes=30),
                    ScaleRule("request_latency", ">", 400, "out"),
                ),
                schedules=(
                    ScheduleProfile(
                        "weekend", ("Saturday", "Sunday"), 3, 4, 3, "W. Europe Standard Time"
                    ),
                ),
            )
        },
        monitoring=Monitoring(LAW, Alerts(action_group=AG)),
        ownership=Ownership(owner="risk@contoso.com", approvers=("a@contoso.com", "b@contoso.com")),
        scorers=(Scorer("6d1c3f0e-2b7a-4c55-9a8e-0f3b2d6a4e19"),),
    )
