"""Each rule fires on a spec with exactly one thing wrong and stays quiet on the baseline.

`CASES` is also read by the meta-test: a rule without a triggering case here fails it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from iac_gen.rules.registry import all_rules
from iac_gen.spec.model import (
    Alerts,
    Identity,
    Monitoring,
    Ownership,
    Probe,
    RequestSettings,
    ScaleSettings,
    ScheduleProfile,
    Spec,
    Suppression,
)
from rules.lint_spec_builders import autoscale, good_spec, with_deployment, with_endpoint

Build = Callable[[], Spec]


def _hits(rule_id: str, spec: Spec) -> list[tuple[str, str]]:
    rule = next(r for r in all_rules() if r.id == rule_id)
    return [(h.path, h.message) for h in rule.check(spec)]


def _no_autoscale() -> Spec:
    return replace(good_spec(), autoscale={})


# rule id -> [(case name, bad spec, spec path the hit must name)]
CASES: dict[str, list[tuple[str, Build, str]]] = {
    "MOE001": [
        ("key", lambda: with_endpoint(good_spec(), auth_mode="key"), "auth_mode"),
        ("default", lambda: with_endpoint(good_spec(), auth_mode=None), "auth_mode"),
    ],
    "MOE002": [
        ("aml_token", lambda: with_endpoint(good_spec(), auth_mode="aml_token"), "auth_mode")
    ],
    "MOE003": [
        (
            "enabled",
            lambda: with_endpoint(good_spec(), public_network_access="enabled"),
            "public_network_access",
        ),
        (
            "default",
            lambda: with_endpoint(good_spec(), public_network_access=None),
            "public_network_access",
        ),
    ],
    "MOE005": [
        (
            "enabled",
            lambda: with_deployment(good_spec(), "green", egress_public_network_access="enabled"),
            "deployments.green.egress_public_network_access",
        ),
        (
            "default",
            lambda: with_deployment(good_spec(), "blue", egress_public_network_access=None),
            "deployments.blue",
        ),
    ],
    "MOE006": [
        (
            "secret name",
            lambda: with_deployment(
                good_spec(), "blue", environment_variables={"DB_PASSWORD": "correct-horse"}
            ),
            "deployments.blue.environment_variables.DB_PASSWORD",
        ),
        (
            "connection string value",
            lambda: with_deployment(
                good_spec(),
                "blue",
                environment_variables={
                    "STORAGE": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc=="
                },
            ),
            "deployments.blue.environment_variables.STORAGE",
        ),
        (
            "random key value",
            lambda: with_deployment(
                good_spec(),
                "green",
                environment_variables={"UPSTREAM": "q8Z3xV1pL0sK9mN2bR7tY4wE6uI5oA3dF8gH1jK0"},
            ),
            "deployments.green.environment_variables.UPSTREAM",
        ),
    ],
    "MOE008": [
        ("default", lambda: with_endpoint(good_spec(), identity=None), "identity"),
        (
            "system assigned",
            lambda: with_endpoint(good_spec(), identity=Identity("system_assigned")),
            "identity.type",
        ),
    ],
    "MOE010": [
        (
            "two instances",
            lambda: with_deployment(good_spec(), "blue", instance_count=2),
            "deployments.blue.instance_count",
        ),
        (
            "not stated",
            lambda: with_deployment(good_spec(), "blue", instance_count=None),
            "deployments.blue",
        ),
    ],
    "MOE011": [
        (
            "profile",
            lambda: replace(good_spec(), autoscale={"blue": autoscale(minimum=1)}),
            "autoscale.blue.min_instances",
        ),
        (
            "schedule",
            lambda: replace(
                good_spec(),
                autoscale={
                    "blue": replace(
                        autoscale(), schedules=(ScheduleProfile("night", ("Monday",), 1, 3, 1),)
                    )
                },
            ),
            "autoscale.blue.schedules.0.min_instances",
        ),
    ],
    "MOE016": [
        (
            "timeout above period",
            lambda: with_deployment(good_spec(), "green", liveness_probe=Probe(30, 5, 8, 1, 30)),
            "deployments.green.liveness_probe.timeout",
        ),
        (
            "default timeout, short period",
            lambda: with_deployment(good_spec(), "blue", readiness_probe=Probe(10, 2, None, 1, 3)),
            "deployments.blue.readiness_probe.period",
        ),
    ],
    "MOE017": [
        (
            "near max",
            lambda: with_deployment(
                good_spec(), "blue", request_settings=RequestSettings(170000, 2, None)
            ),
            "deployments.blue.request_settings.request_timeout_ms",
        )
    ],
    "MOE018": [
        (
            "no workers",
            lambda: with_deployment(good_spec(), "blue", environment_variables={}),
            "deployments.blue.request_settings.max_concurrent_requests_per_instance",
        )
    ],
    "MOE020": [
        (
            "disabled",
            lambda: with_deployment(good_spec(), "green", app_insights_enabled=False),
            "deployments.green.app_insights_enabled",
        ),
        (
            "default",
            lambda: with_deployment(good_spec(), "blue", app_insights_enabled=None),
            "deployments.blue",
        ),
    ],
    "MOE021": [
        (
            "no workspace",
            lambda: replace(good_spec(), monitoring=Monitoring(alerts=Alerts(action_group="x"))),
            "monitoring.log_analytics_workspace",
        ),
        ("no monitoring", lambda: replace(good_spec(), monitoring=None), "monitoring"),
    ],
    "MOE022": [
        (
            "no collector",
            lambda: with_deployment(good_spec(), "blue", data_collector=None),
            "deployments.blue",
        ),
        (
            "all collections off",
            lambda: with_deployment(
                good_spec(),
                "blue",
                data_collector={"collections": {"model_inputs": {"enabled": "False"}}},
            ),
            "deployments.blue",
        ),
    ],
    "MOE023": [
        (
            "latest label",
            lambda: with_deployment(good_spec(), "blue", model="azureml:credit-model@latest"),
            "deployments.blue.model",
        ),
        (
            "no version",
            lambda: with_deployment(good_spec(), "green", environment="azureml:credit-env"),
            "deployments.green.environment",
        ),
        (
            "registry label",
            lambda: with_deployment(
                good_spec(), "blue", model="azureml://registries/azureml/models/phi/labels/latest"
            ),
            "deployments.blue.model",
        ),
        (
            "local folder",
            lambda: with_deployment(good_spec(), "blue", model="./model"),
            "deployments.blue.model",
        ),
    ],
    "MOE027": [("no cost center", lambda: with_endpoint(good_spec(), tags={}), "tags")],
    "MOE028": [("autoscale", good_spec, "autoscale.blue.max_instances")],
    "MOE029": [
        (
            "idle",
            lambda: with_endpoint(good_spec(), mirror_traffic={}),
            "deployments.green",
        )
    ],
    "MOE030": [
        (
            "DS2_v2",
            lambda: with_deployment(good_spec(), "green", instance_type="Standard_DS2_v2"),
            "deployments.green.instance_type",
        )
    ],
    "MOE031": [
        ("no ownership", lambda: replace(good_spec(), ownership=None), "ownership"),
        (
            "no owner",
            lambda: replace(good_spec(), ownership=Ownership(change_ticket="CHG-1")),
            "ownership.owner",
        ),
    ],
    "MOE032": [
        (
            "nothing",
            lambda: replace(
                with_deployment(
                    with_deployment(good_spec(), "blue", app_insights_enabled=False),
                    "green",
                    app_insights_enabled=None,
                ),
                monitoring=None,
            ),
            "monitoring",
        )
    ],
    "MOE033": [
        (
            "single deployment",
            lambda: replace(
                with_endpoint(good_spec(), mirror_traffic={}),
                deployments=good_spec().deployments[:1],
            ),
            "deployments",
        )
    ],
    "MOE034": [
        (
            "implied endpoint",
            lambda: replace(
                with_endpoint(
                    good_spec(), auth_mode=None, public_network_access=None, identity=None
                ),
                implied_endpoint=True,
            ),
            "name",
        ),
    ],
    "MOE035": [
        (
            "no probes",
            lambda: with_deployment(
                good_spec(), "green", liveness_probe=None, readiness_probe=None
            ),
            "deployments.green",
        )
    ],
    "MOE036": [
        (
            "undersized mirror",
            lambda: with_endpoint(good_spec(), mirror_traffic={"green": 50}),
            "deployments.green.instance_count",
        )
    ],
    "MOE037": [("fixed count", _no_autoscale, "deployments.blue")],
    "MOE038": [
        (
            "no ticket",
            lambda: replace(good_spec(), ownership=Ownership(owner="me@contoso.com")),
            "ownership.change_ticket",
        )
    ],
    "MOE039": [
        (
            "no action group",
            lambda: replace(
                good_spec(),
                monitoring=Monitoring(log_analytics_workspace="/law", alerts=Alerts()),
            ),
            "monitoring.alerts",
        )
    ],
    "MOE041": [
        (
            "typo",
            lambda: replace(good_spec(), suppressions=(Suppression("MOE00l", "typo"),)),
            "lint.suppress.0.rule",
        )
    ],
    "MOE040": [
        (
            "queue wait",
            lambda: with_deployment(
                good_spec(), "blue", request_settings=RequestSettings(3000, 2, 500)
            ),
            "deployments.blue.request_settings.max_queue_wait_ms",
        )
    ],
}

# Rules whose baseline (good_spec) is not a quiet case, with the spec that is.
QUIET: dict[str, Build] = {"MOE028": _no_autoscale}


def _kubernetes(spec: Spec) -> Spec:
    spec = with_endpoint(spec, compute="/subscriptions/x/computes/aks")
    return replace(spec, deployments=tuple(replace(d, type="kubernetes") for d in spec.deployments))


def test_kubernetes_key_auth_is_advised_aml_token_and_aml_token_is_accepted() -> None:
    key = _hits("MOE001", _kubernetes(with_endpoint(good_spec(), auth_mode="key")))
    assert len(key) == 1 and key[0][1].endswith("use aml_token")
    assert _hits("MOE002", _kubernetes(with_endpoint(good_spec(), auth_mode="aml_token"))) == []


def test_kubernetes_target_utilization_counts_as_autoscale() -> None:
    spec = _kubernetes(replace(good_spec(), autoscale={}))
    assert [p for p, _ in _hits("MOE037", spec)] == ["deployments.blue"]
    scaled = with_deployment(
        spec, "blue", scale_settings=ScaleSettings("target_utilization", 3, 10)
    )
    assert _hits("MOE037", scaled) == []


def test_rollback_target_with_explicit_zero_traffic_is_not_idle() -> None:
    spec = with_endpoint(good_spec(), traffic={"blue": 100, "green": 0}, mirror_traffic={})
    assert _hits("MOE029", spec) == []


BAD = [
    pytest.param(rule_id, build, path, id=f"{rule_id}-{name}")
    for rule_id, cases in sorted(CASES.items())
    for name, build, path in cases
]


@pytest.mark.parametrize(("rule_id", "build", "path"), BAD)
def test_rule_fires_on_bad_case(rule_id: str, build: Build, path: str) -> None:
    hits = _hits(rule_id, build())
    assert path in [p for p, _ in hits], hits


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_quiet_on_good_case(rule_id: str) -> None:
    spec = QUIET.get(rule_id, good_spec)()
    assert _hits(rule_id, spec) == []


def test_baseline_triggers_only_the_quota_hint() -> None:
    fired = {r.id for r in all_rules() if _hits(r.id, good_spec())}
    assert fired == {"MOE028"}
