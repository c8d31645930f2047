"""Property-based drift tests over generated specs.

1. A spec's own desired state, as Azure would return it (server-filled fields added), is
   always in sync - endpoint, deployments, autoscale settings and diagnostic settings.
2. Changing any single managed value in that live state is found exactly once, at that ARM
   path, with the severity the field table gives it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iac_gen.desired import desired_state
from iac_gen.drift import analyse_desired, tables
from iac_gen.drift.classify import rule_for
from iac_gen.drift.kinds import KINDS, companion_kind
from iac_gen.drift.match import kind_of
from iac_gen.drift.normalise import normalise
from iac_gen.durations import format_duration, parse_duration
from iac_gen.emulator.data import served
from iac_gen.spec.model import (
    Autoscale,
    CodeConfiguration,
    Deployment,
    Endpoint,
    Identity,
    Monitoring,
    Probe,
    RequestSettings,
    ScaleRule,
    Spec,
    Target,
)

from .builders import RG, SUB, WS, Live, State, as_live

NAME = st.from_regex(r"[a-z][a-z0-9]{2,10}", fullmatch=True)
TAG_KEY = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
TAGS = st.dictionaries(TAG_KEY, st.text("abcxyz019", min_size=1, max_size=6), max_size=3)
LAW = (
    f"/subscriptions/{SUB}/resourceGroups/rg-observability/providers/"
    "Microsoft.OperationalInsights/workspaces/law-generated"
)


@st.composite
def scale_rules(draw: st.DrawFn) -> ScaleRule:
    return ScaleRule(
        metric=draw(st.sampled_from(["cpu", "memory", "request_latency", "RequestsPerMinute"])),
        operator=draw(st.sampled_from([">", ">=", "<", "<="])),
        threshold=draw(st.integers(1, 99)),
        direction=draw(st.sampled_from(["out", "in"])),
        change=draw(st.integers(1, 3)),
        time_window_minutes=draw(st.integers(1, 30)),
        cooldown_minutes=draw(st.integers(1, 30)),
        statistic=draw(st.sampled_from(["average", "max"])),
    )


@st.composite
def autoscales(draw: st.DrawFn, count: int) -> Autoscale:
    """Autoscale that owns a deployment's count; `count` is its maximum, so count + 1 drifts."""
    low = draw(st.integers(1, count))
    return Autoscale(
        min_instances=low,
        max_instances=count,
        default_instances=draw(st.integers(low, count)),
        rules=tuple(draw(st.lists(scale_rules(), max_size=2))),
    )


@st.composite
def probes(draw: st.DrawFn) -> Probe | None:
    if draw(st.booleans()):
        return None
    return Probe(
        initial_delay=draw(st.none() | st.integers(1, 300)),
        period=draw(st.none() | st.integers(1, 120)),
        timeout=draw(st.none() | st.integers(1, 60)),
        failure_threshold=draw(st.none() | st.integers(1, 30)),
    )


@st.composite
def deployments(draw: st.DrawFn, name: str) -> Deployment:
    return Deployment(
        name=name,
        model=f"azureml:model-{draw(NAME)}:{draw(st.integers(1, 40))}",
        environment=draw(
            st.sampled_from(
                ["azureml:env-a:3", "azureml:AzureML-sklearn-1.5-ubuntu22.04-py39-cpu:3"]
            )
        ),
        code_configuration=CodeConfiguration(
            code=f"azureml:code-{draw(NAME)}:{draw(st.integers(1, 9))}", scoring_script="score.py"
        ),
        instance_type=draw(st.sampled_from(["Standard_DS3_v2", "Standard_F4s_v2"])),
        instance_count=draw(st.integers(1, 10)),
        app_insights_enabled=draw(st.none() | st.booleans()),
        egress_public_network_access=draw(st.none() | st.sampled_from(["enabled", "disabled"])),
        tags=draw(TAGS),
        environment_variables=draw(
            st.dictionaries(
                st.from_regex(r"[A-Z][A-Z_]{0,6}", fullmatch=True),
                st.text("ab1", max_size=3),
                max_size=2,
            )
        ),
        request_settings=draw(
            st.none()
            | st.builds(
                RequestSettings,
                request_timeout_ms=st.none() | st.integers(1, 180).map(lambda s: s * 500),
                max_concurrent_requests_per_instance=st.none() | st.integers(1, 8),
            )
        ),
        liveness_probe=draw(probes()),
        readiness_probe=draw(probes()),
    )


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    dep_names = draw(st.lists(NAME, min_size=1, max_size=3, unique=True))
    shares = draw(st.permutations(dep_names))
    traffic = {shares[0]: 100} if draw(st.booleans()) else {}
    deps = tuple(draw(deployments(n)) for n in dep_names)
    scaled = draw(st.lists(st.sampled_from(dep_names), unique=True, max_size=len(dep_names)))
    return Spec(
        source=Path("generated.yaml"),
        format="native",
        target=Target(SUB, RG, WS, "westeurope"),
        endpoint=Endpoint(
            name=draw(NAME),
            auth_mode=draw(st.none() | st.sampled_from(["key", "aml_token", "aad_token"])),
            description=draw(st.none() | st.text("abc ", min_size=1, max_size=10)),
            tags=draw(TAGS),
            identity=draw(st.none() | st.just(Identity("system_assigned"))),
            public_network_access=draw(st.none() | st.sampled_from(["enabled", "disabled"])),
            traffic=traffic,
        ),
        deployments=deps,
        autoscale={
            d.name: draw(autoscales(d.instance_count or 1)) for d in deps if d.name in scaled
        },
        monitoring=Monitoring(LAW) if draw(st.booleans()) else None,
    )


def kind(body: dict[str, Any]) -> str | None:
    return kind_of(body) or companion_kind(body)


def as_served(body: dict[str, Any]) -> dict[str, Any]:
    if kind_of(body):
        return as_live(body)
    return served(json.loads(json.dumps(body)))  # a GET body shares no lists


def live_for(spec: Spec) -> tuple[State, Live]:
    """The desired state (compared kinds only) and an export bundle of it as Azure serves it."""
    state = desired_state(spec)
    compared = ("endpoint", "deployment", "autoscale", "diagnostics")
    desired = State([r for r in state.resources if kind(r) in compared], list(state.unresolved))
    return desired, Live([as_served(body) for body in desired.resources], format="bundle")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_own_desired_state_is_in_sync(spec: Spec) -> None:
    desired, live = live_for(spec)
    result = analyse_desired([(spec, desired)], live)
    assert result["status"] == "in_sync", result["findings"]
    assert result["summary"]["properties"]["drifted"] == 0
    assert result["summary"]["properties"]["matched"] > 0


def changed(value: Any) -> Any:
    if isinstance(value, tuple):  # a list leaf (autoscale rule dimensions): one more entry
        extra = {"DimensionName": "instance", "Operator": "Equals", "Values": ["x"]}
        return [json.loads(v) if isinstance(v, str) else v for v in value] + [extra]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    seconds = parse_duration(value)
    if seconds is not None:
        return format_duration(seconds + 1)
    for members in tables.ENUMS.values():
        if value in members:
            return next(m for m in (*members, "Custom") if m != value)
    if "/versions/" in value:
        head, _, version = value.rpartition("/")
        return f"{head}/{version}9"
    return value + "-changed"


def _item(items: list[Any], key: str) -> Any:
    """The list entry a normalised map key names: a profile by name, a log by category, a
    rule by position."""
    for item in items:
        if str(item.get("name", "")) == key or str(item.get("category", "")).lower() == key:
            return item
    return items[int(key)]


def set_live(body: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set `path` in a live body, finding existing keys case-insensitively (as Azure echoes)."""
    node: Any = body
    for part in path[:-1]:
        if isinstance(node, list):
            node = _item(node, part)
            continue
        key = next((k for k in node if k.lower() == part.lower()), part)
        if not isinstance(node.get(key), dict | list):
            node[key] = {}
        node = node[key]
    last = next((k for k in node if k.lower() == path[-1].lower()), path[-1])
    node[last] = value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), st.data())
def test_any_single_change_is_found_once_with_its_severity(spec: Spec, data: st.DataObject) -> None:
    desired, live = live_for(spec)
    index = data.draw(st.integers(0, len(desired.resources) - 1))
    body = desired.resources[index]
    kind_ = kind(body)
    assert kind_ is not None
    leaves = normalise(KINDS[kind_].shape(body), kind_)
    path = data.draw(st.sampled_from(sorted(leaves)))
    mutated = copy.deepcopy(live)
    new_value = changed(leaves[path])
    if path[:2] == ("identity", "userAssignedIdentities"):
        return  # presence-only map: covered by test_tables
    set_live(mutated.resources[index], path, new_value)
    result = analyse_desired([(spec, desired)], mutated)
    found = [f for f in result["findings"] if f["change"] != "not_comparable"]
    assert [f["arm_path"] for f in found] == [".".join(path)], found
    if kind_ == "deployment":
        deployment = body["name"].split("/")[2]
    elif kind_ == "autoscale":
        deployment = body["properties"]["targetResourceUri"].rsplit("/", 1)[-1]
    else:
        deployment = ""
    rule = rule_for(kind_, path, deployment)
    assert found[0]["severity"] == rule.severity
    assert found[0]["field"] == rule.field
    assert result["status"] == "drifted"


@given(st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False))
def test_duration_spelling_round_trips(seconds: Any) -> None:
    text = format_duration(seconds)
    assert parse_duration(text) == seconds
    assert format_duration(parse_duration(text.lower()) or 0) == text
