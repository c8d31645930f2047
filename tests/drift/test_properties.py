"""Property-based drift tests over generated specs.

1. A spec's own desired state, as Azure would return it (server-filled fields added), is
   always in sync.
2. Changing any single managed value in that live state is found exactly once, at that ARM
   path, with the severity the field table gives it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iac_gen.desired import desired_state
from iac_gen.drift import analyse_desired, tables
from iac_gen.drift.classify import rule_for
from iac_gen.drift.durations import format_duration, parse_duration
from iac_gen.drift.match import kind_of
from iac_gen.drift.normalise import normalise
from iac_gen.spec.model import (
    CodeConfiguration,
    Deployment,
    Endpoint,
    Identity,
    Probe,
    RequestSettings,
    Spec,
    Target,
)

from .builders import RG, SUB, WS, Live, State, as_live

NAME = st.from_regex(r"[a-z][a-z0-9]{2,10}", fullmatch=True)
TAG_KEY = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
TAGS = st.dictionaries(TAG_KEY, st.text("abcxyz019", min_size=1, max_size=6), max_size=3)


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
        deployments=tuple(draw(deployments(n)) for n in dep_names),
    )


def live_for(spec: Spec) -> tuple[State, Live]:
    state = desired_state(spec)
    desired = State([r for r in state.resources if kind_of(r)], list(state.unresolved))
    return desired, Live([as_live(body) for body in desired.resources])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_own_desired_state_is_in_sync(spec: Spec) -> None:
    desired, live = live_for(spec)
    result = analyse_desired([(spec, desired)], live)
    assert result["status"] == "in_sync", result["findings"]
    assert result["summary"]["properties"]["drifted"] == 0
    assert result["summary"]["properties"]["matched"] > 0


def changed(value: Any) -> Any:
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


def set_live(body: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set `path` in a live body, finding existing keys case-insensitively (as Azure echoes)."""
    node = body
    for part in path[:-1]:
        key = next((k for k in node if k.lower() == part.lower()), part)
        if not isinstance(node.get(key), dict):
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
    kind = kind_of(body)
    assert kind is not None
    leaves = normalise(body, kind)
    path = data.draw(st.sampled_from(sorted(leaves)))
    mutated = copy.deepcopy(live)
    new_value = changed(leaves[path])
    if path[:2] == ("identity", "userAssignedIdentities"):
        return  # presence-only map: covered by test_tables
    set_live(mutated.resources[index], path, new_value)
    result = analyse_desired([(spec, desired)], mutated)
    found = [f for f in result["findings"] if f["change"] != "not_comparable"]
    assert [f["arm_path"] for f in found] == [".".join(path)], found
    deployment = body["name"].split("/")[2] if kind == "deployment" else ""
    rule = rule_for(kind, path, deployment)
    assert found[0]["severity"] == rule.severity
    assert found[0]["field"] == rule.field
    assert result["status"] == "drifted"


@given(st.decimals(min_value=0, max_value=10**7, places=3, allow_nan=False))
def test_duration_spelling_round_trips(seconds: Any) -> None:
    text = format_duration(seconds)
    assert parse_duration(text) == seconds
    assert format_duration(parse_duration(text.lower()) or 0) == text
