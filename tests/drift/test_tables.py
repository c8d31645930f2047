"""Every normalisation table entry, tested both ways.

False positive (FP): a spelling or server-filled value that means "no change" must not be
reported. False negative (FN): a real change at or next to the same path must still be
reported. Tests are parametrized over the tables themselves, so a new entry is tested (or
fails loudly) without anyone remembering to add a case. Entries for the Azure Monitor
companions (autoscale and diagnostic settings) are tested in `test_companion_tables.py`;
`test_cases_cover_exactly_the_table_entries` checks the two files share them out.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from iac_gen.drift import analyse_desired, tables
from iac_gen.durations import format_duration, parse_duration
from tests.drift.companion_cases import COMPANION, ML, is_companion_path

from .builders import (
    Live,
    State,
    as_live,
    asset_id,
    desired_deployment,
    desired_endpoint,
    make_spec,
)

UAI = (
    "/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/resourceGroups/rg-shared/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/uai-scoring"
)
ENDPOINT_PATHS = ("properties.authMode", "properties.publicNetworkAccess", "properties.compute")


def base() -> tuple[dict[str, Any], dict[str, Any]]:
    endpoint = desired_endpoint(traffic={"blue": 100})
    del endpoint["properties"]["mirrorTraffic"]
    return endpoint, desired_deployment(name="blue")


def drift(desired: list[dict[str, Any]], live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    spec = make_spec(deployments=("blue",))
    result = analyse_desired([(spec, State(desired))], Live(live))
    return [f for f in result["findings"] if f["change"] != "not_comparable"]


def set_path(body: dict[str, Any], path: str, value: Any) -> None:
    parts = path.replace("*", "k").split(".")
    node = body
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[parts[-1]] = value


def del_path(body: dict[str, Any], path: str) -> None:
    parts = path.split(".")
    node = body
    for part in parts[:-1]:
        node = node.get(part, {})
    node.pop(parts[-1], None)


def pick(kind: str, endpoint: dict[str, Any], deployment: dict[str, Any]) -> dict[str, Any]:
    return endpoint if kind == "endpoint" else deployment


def kind_of_path(path: str) -> str:
    return "endpoint" if path in ENDPOINT_PATHS or path == "kind" else "deployment"


def live_pair(endpoint: dict[str, Any], deployment: dict[str, Any]) -> list[dict[str, Any]]:
    return [as_live(endpoint), as_live(deployment)]


# -- the baseline itself ------------------------------------------------------------------


def test_baseline_is_in_sync() -> None:
    endpoint, deployment = base()
    assert drift([endpoint, deployment], live_pair(endpoint, deployment)) == []


# -- server-owned fields --------------------------------------------------------------------

SERVER_NOISE: dict[str, Any] = {
    "id": None,  # covered by matching tests (ids differing in case still match)
    "name": None,
    "type": None,
    "apiVersion": "2099-01-01",
    "etag": '"0x8DCAFE"',
    "systemData": {"createdBy": "someone-else@contoso.com"},
    # Any other state makes the body unsettled (not_checked): see test_unsettled_states_*.
    "properties.provisioningState": "Succeeded",
    "properties.keys": {"primaryKey": "redacted"},
    "identity.principalId": "00000000-0000-0000-0000-000000000001",
    "identity.tenantId": "00000000-0000-0000-0000-000000000002",
    "identity.userAssignedIdentities.*.principalId": "00000000-0000-0000-0000-000000000003",
    "identity.userAssignedIdentities.*.clientId": "00000000-0000-0000-0000-000000000004",
    "sku.tier": "Premium",
    "properties.scoringUri": "https://elsewhere.example/score",
    "properties.swaggerUri": "https://elsewhere.example/swagger.json",
    "sku": {"name": "Default", "capacity": 7},
    "kind": "K8S",  # recorded on Kubernetes endpoints and deployments; never sent
}


@pytest.mark.parametrize("entry", ML(tables.SERVER_OWNED), ids=lambda e: f"{e[0]}:{e[1]}")
def test_server_owned_is_not_drift_but_neighbours_are(entry: tuple[str, str, str]) -> None:
    kind, path, _ = entry
    noise = SERVER_NOISE[path]
    if noise is None:
        pytest.skip("matched on, not compared: see test_matching")
    endpoint, deployment = base()
    target_kind = "endpoint" if kind in ("*", "endpoint") else "deployment"
    if path.startswith("identity.userAssignedIdentities"):
        for body in (endpoint, deployment):
            body["identity"] = {"type": "UserAssigned", "userAssignedIdentities": {UAI: {}}}
    live = live_pair(endpoint, deployment)
    body = live[0] if target_kind == "endpoint" else live[1]
    concrete = path.replace("*", UAI) if "*" in path else path
    if "*" in path:
        body["identity"]["userAssignedIdentities"][UAI][path.rsplit(".", 1)[1]] = noise
    else:
        set_path(body, concrete, noise)
    assert drift([endpoint, deployment], live) == [], "FP: server-owned value reported"
    # FN: a real change beside it is still found.
    if target_kind == "endpoint":
        body["properties"]["authMode"] = "Key"
        expected_field = "auth_mode"
    else:
        body.setdefault("sku", {})["capacity"] = 9
        expected_field = "deployments.blue.instance_count"
    found = drift([endpoint, deployment], live)
    assert [f["field"] for f in found] == [expected_field]


def test_system_property_keys_are_ignored_but_other_keys_are_not() -> None:
    endpoint, deployment = base()
    live = live_pair(endpoint, deployment)
    for key in tables.SYSTEM_PROPERTY_KEYS:
        assert key in live[0]["properties"]["properties"]
    assert drift([endpoint, deployment], live) == []
    live[0]["properties"]["properties"]["azureml.custom"] = "x"
    found = drift([endpoint, deployment], live)
    assert [(f["field"], f["change"]) for f in found] == [("properties.azureml.custom", "added")]


# -- service defaults -----------------------------------------------------------------------


def other_value(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    seconds = parse_duration(value)
    if seconds is not None:
        return format_duration(seconds + 7)
    alternatives = {
        "SystemAssigned": "None",
        "None": "SystemAssigned",
        "Key": "AMLToken",
        "Enabled": "Disabled",
        "Managed": "Kubernetes",
        "Default": "TargetUtilization",
    }
    return alternatives[value]


def _apply_default_condition(entry: tables.Default, body: dict[str, Any]) -> None:
    if entry.when is not None and entry.when[1] is None:
        del_path(body, entry.when[0])
    elif entry.when is not None:
        set_path(body, entry.when[0], entry.when[1])
        # `as_live` gives every deployment a scale type; the default only covers managed ones.
        body.setdefault("properties", {}).setdefault("scaleSettings", {"scaleType": "Default"})


@pytest.mark.parametrize("entry", ML(tables.SERVICE_DEFAULTS), ids=lambda d: f"{d.kind}:{d.path}")
def test_default_is_not_drift_when_spec_is_silent(entry: tables.Default) -> None:
    endpoint, deployment = base()
    desired = pick(entry.kind, endpoint, deployment)
    _apply_default_condition(entry, desired)
    del_path(desired, entry.path)
    live = live_pair(endpoint, deployment)
    live_body = live[0] if entry.kind == "endpoint" else live[1]
    set_path(live_body, entry.path, entry.value)
    assert drift([endpoint, deployment], live) == [], "FP: explicit default reported"
    del_path(live_body, entry.path)
    assert drift([endpoint, deployment], live) == [], "FP: absent on both sides reported"


@pytest.mark.parametrize("entry", ML(tables.SERVICE_DEFAULTS), ids=lambda d: f"{d.kind}:{d.path}")
def test_non_default_live_value_is_drift_when_spec_is_silent(entry: tables.Default) -> None:
    endpoint, deployment = base()
    desired = pick(entry.kind, endpoint, deployment)
    _apply_default_condition(entry, desired)
    del_path(desired, entry.path)
    live = live_pair(endpoint, deployment)
    live_body = live[0] if entry.kind == "endpoint" else live[1]
    changed = other_value(entry.value)
    set_path(live_body, entry.path, changed)
    found = drift([endpoint, deployment], live)
    assert entry.path in [f["arm_path"] for f in found], "FN: non-default value not reported"


# -- enum casing, case-insensitive strings, durations, asset ids -----------------------------


def _with_value(path: str, value: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Baseline with `value` at `path` on the desired side; returns (endpoint, deployment, body)."""
    endpoint, deployment = base()
    body = pick(kind_of_path(path), endpoint, deployment)
    if path == "properties.compute":
        body["kind"] = "Kubernetes"
    set_path(body, path, value)
    return endpoint, deployment, body


def _live_body(live: list[dict[str, Any]], path: str) -> dict[str, Any]:
    return live[0] if kind_of_path(path) == "endpoint" else live[1]


@pytest.mark.parametrize("path", sorted(ML(tables.ENUMS)))
def test_enum_casing_is_not_drift_but_another_member_is(path: str) -> None:
    members = tables.ENUMS[path]
    endpoint, deployment, _ = _with_value(path, members[0])
    live = live_pair(endpoint, deployment)
    set_path(_live_body(live, path), path, members[0].swapcase())
    assert drift([endpoint, deployment], live) == [], "FP: enum casing reported"
    other = members[1] if len(members) > 1 else "Custom"
    set_path(_live_body(live, path), path, other)
    found = drift([endpoint, deployment], live)
    assert path.replace("*", "k") in [f["arm_path"] for f in found], "FN: other enum value missed"


CASE_VALUES = {
    "properties.instanceType": ("Standard_DS3_v2", "standard_ds3_v2", "Standard_DS4_v2"),
    "location": ("westeurope", "West Europe", "northeurope"),
}


@pytest.mark.parametrize("path", ML(tables.CASE_INSENSITIVE))
def test_case_insensitive_strings(path: str) -> None:
    designed, same, different = CASE_VALUES[path]
    endpoint, deployment = base()
    for body in (endpoint, deployment):
        set_path(body, path, designed)
    live = live_pair(endpoint, deployment)
    set_path(live[1], path, same)
    assert drift([endpoint, deployment], live) == []
    set_path(live[1], path, different)
    assert [f["arm_path"] for f in drift([endpoint, deployment], live)] == [path]


@pytest.mark.parametrize("path", ML(tables.DURATIONS))
def test_durations_compare_by_value(path: str) -> None:
    endpoint, deployment = base()
    set_path(deployment, path, "PT90S")
    live = live_pair(endpoint, deployment)
    set_path(live[1], path, "PT1M30S")
    assert drift([endpoint, deployment], live) == [], "FP: PT90S vs PT1M30S reported"
    set_path(live[1], path, "PT1M31S")
    found = drift([endpoint, deployment], live)
    assert path in [f["arm_path"] for f in found], "FN: a different duration missed"


@pytest.mark.parametrize("path", sorted(tables.ASSET_IDS))
def test_asset_ids_compare_across_forms(path: str) -> None:
    collection = tables.ASSET_IDS[path]
    if collection == "computes":
        designed = asset_id("computes", "k8s-compute", "1").rsplit("/versions", 1)[0]
        same, different = "k8s-compute", "other-compute"
    else:
        designed = asset_id(collection, "asset", "3")
        same, different = "azureml:asset:3", "azureml:asset:4"
    endpoint, deployment, _ = _with_value(path, designed)
    live = live_pair(endpoint, deployment)
    set_path(_live_body(live, path), path, same)
    assert drift([endpoint, deployment], live) == [], "FP: another form of the same id reported"
    set_path(
        _live_body(live, path), path, designed.upper().replace("/SUBSCRIPTIONS", "/subscriptions")
    )
    assert drift([endpoint, deployment], live) == [], "FP: id casing reported"
    set_path(_live_body(live, path), path, different)
    found = drift([endpoint, deployment], live)
    assert path.replace("*", "k") in [f["arm_path"] for f in found], "FN: another asset missed"


def test_curated_environment_short_and_registry_forms_are_equal() -> None:
    endpoint, deployment = base()
    deployment["properties"]["environmentId"] = "azureml:AzureML-sklearn-1.5-ubuntu22.04-py39-cpu:3"
    live = live_pair(endpoint, deployment)
    live[1]["properties"]["environmentId"] = (
        "azureml://registries/azureml/environments/AzureML-sklearn-1.5-ubuntu22.04-py39-cpu/versions/3"
    )
    assert drift([endpoint, deployment], live) == []
    live[1]["properties"]["environmentId"] = (
        "azureml://registries/azureml/environments/AzureML-sklearn-1.5-ubuntu22.04-py39-cpu/versions/4"
    )
    assert len(drift([endpoint, deployment], live)) == 1


# -- maps -----------------------------------------------------------------------------------

MAP_CASES: dict[str, tuple[str, Any, Any]] = {
    # path: (kind, designed map, a different value for one key)
    "tags": ("endpoint", {"cost-center": "4711"}, "9999"),
    "properties.traffic": ("endpoint", {"blue": 100}, 90),
    "properties.mirrorTraffic": ("endpoint", {"blue": 10}, 20),
    "properties.properties": ("endpoint", {"owner-team": "risk"}, "payments"),
    "properties.environmentVariables": ("deployment", {"WORKER_COUNT": "2"}, "4"),
    "properties.dataCollector.collections": (
        "deployment",
        {"request": {"dataCollectionMode": "Enabled"}},
        {"dataCollectionMode": "Disabled"},
    ),
    "identity.userAssignedIdentities": ("endpoint", {UAI: {}}, None),
}


@pytest.mark.parametrize("entry", ML(tables.MAPS), ids=lambda m: m.path)
def test_map_keys_and_values(entry: tables.MapPath) -> None:
    kind, designed, different = MAP_CASES[entry.path]
    endpoint, deployment = base()
    body = pick(kind, endpoint, deployment)
    set_path(body, entry.path, copy.deepcopy(designed))
    if entry.path == "identity.userAssignedIdentities":
        body["identity"]["type"] = "UserAssigned"
    live = live_pair(endpoint, deployment)
    live_body = live[0] if kind == "endpoint" else live[1]
    parts = entry.path.split(".")
    node = live_body
    for part in parts:
        node = node[part]
    key = next(iter(designed))
    # FP: the spellings the table says are equal.
    if entry.key_case in ("insensitive", "arm_id"):
        node[key.upper() if entry.key_case == "insensitive" else key.lower()] = node.pop(key)
    if entry.drop_zero:
        node["zero-share"] = 0
    if entry.presence:
        only = next(iter(node))
        node[only] = {"principalId": "00000000-0000-0000-0000-000000000009", "clientId": "x"}
    assert drift([endpoint, deployment], live) == [], "FP: equal map reported"
    # FN: an extra key in Azure is found.
    extra_key = UAI.replace("uai-scoring", "uai-extra") if entry.presence else "extra-key"
    node[extra_key] = {} if entry.presence else (designed[key] if different is not None else 1)
    found = drift([endpoint, deployment], live)
    assert [f["change"] for f in found] == ["added"], "FN: extra map key missed"
    del node[extra_key]
    if different is not None:
        only = next(k for k in node if k.lower() == key.lower())
        node[only] = different
        found = drift([endpoint, deployment], live)
        assert [f["change"] for f in found] == ["not_equal"], "FN: changed map value missed"
    if entry.key_case == "exact":
        node.clear()
        node[key.swapcase()] = designed[key]
        found = drift([endpoint, deployment], live)
        assert sorted(f["change"] for f in found) == ["added", "removed"], "FN: key case ignored"


# -- spec field, severity and category per ARM path -------------------------------------------


def _rule_value(rule: tables.FieldRule) -> tuple[str, Any, Any]:
    path = rule.path.replace(".**", ".cpu")
    if "Probe" in path or "requestSettings" in path:
        if path.endswith(("Threshold", "maxConcurrentRequestsPerInstance")):
            return path, 3, 4
        return path, "PT3S", "PT4S"
    enum = tables.ENUMS.get(rule.path)
    if enum is not None and len(enum) > 1:
        return path, enum[0], enum[1]
    if path.endswith(("capacity", "Instances", "Percentage")):
        return path, 2, 3
    if path.endswith("appInsightsEnabled"):
        return path, True, False
    if path.endswith("traffic.*") or path.endswith("mirrorTraffic.*"):
        return path, 40, 30
    if "userAssignedIdentities" in path:
        return path, {}, None
    return path, "designed-value", "live-value"


@pytest.mark.parametrize("rule", ML(tables.FIELD_RULES), ids=lambda r: f"{r.kind}:{r.path}")
def test_field_rule_names_the_spec_field_and_severity(rule: tables.FieldRule) -> None:
    if rule.path == "properties.traffic":
        pytest.skip("the traffic: sum leaf; test_policies checks its field and severity")
    path, designed, changed = _rule_value(rule)
    endpoint, deployment = base()
    body = pick(rule.kind, endpoint, deployment)
    if "userAssignedIdentities" in path:
        body["identity"] = {"type": "UserAssigned"}
        changed_path = path.replace("*", UAI)
        live = live_pair(endpoint, deployment)
        live_body = live[0] if rule.kind == "endpoint" else live[1]
        live_body["identity"] = {"type": "UserAssigned", "userAssignedIdentities": {UAI: {}}}
        found = drift([endpoint, deployment], live)
        assert len(found) == 1 and found[0]["change"] == "added"
        finding = found[0]
        assert finding["arm_path"].lower() == changed_path.lower()
    else:
        if rule.path == "kind" and rule.kind == "endpoint":
            body["properties"]["compute"] = "k8s"
        set_path(body, path, designed)
        live = live_pair(endpoint, deployment)
        live_body = live[0] if rule.kind == "endpoint" else live[1]
        set_path(live_body, path, changed)
        found = [
            f
            for f in drift([endpoint, deployment], live)
            if f["arm_path"] == path.replace("*", "k")
        ]
        assert len(found) == 1, f"expected exactly one finding at {path}"
        finding = found[0]
    expected_field = rule.field.replace("{key}", "k")
    if rule.kind == "deployment":
        expected_field = f"deployments.blue.{expected_field}"
    assert finding["field"] == expected_field
    assert finding["severity"] == rule.severity
    assert finding["category"] == rule.category


def test_version_is_recorded() -> None:
    endpoint, deployment = base()
    spec = make_spec(deployments=("blue",))
    result = analyse_desired(
        [(spec, State([endpoint, deployment]))], Live(live_pair(endpoint, deployment))
    )
    assert result["normalisation_version"] == tables.NORMALISATION_VERSION


# -- every entry has a case here, and every case here has an entry ---------------------------

EXPECTED_KEY_CASE = {
    "tags": "insensitive",
    "properties.traffic": "insensitive",
    "properties.mirrorTraffic": "insensitive",
    "properties.properties": "exact",
    "properties.environmentVariables": "exact",
    "properties.dataCollector.collections": "exact",
    "identity.userAssignedIdentities": "arm_id",
}


def test_cases_cover_exactly_the_table_entries() -> None:
    from tests.drift import test_companion_tables as companion

    assert set(SERVER_NOISE) == {path for _, path, _ in ML(tables.SERVER_OWNED)}
    assert set(MAP_CASES) == {m.path for m in ML(tables.MAPS)}
    assert set(CASE_VALUES) == set(ML(tables.CASE_INSENSITIVE))
    assert {m.path: m.key_case for m in ML(tables.MAPS)} == EXPECTED_KEY_CASE
    # The companion entries are exactly those test_companion_tables.py covers.
    assert {p for _, p, _ in COMPANION(tables.SERVER_OWNED)} == set(companion.SERVER_NOISE)
    assert {m.path for m in tables.MAPS if is_companion_path(m.path)} == set(companion.MAP_CASES)
    assert {p for p in tables.CASE_INSENSITIVE if is_companion_path(p)} == set(
        companion.CASE_VALUES
    )
    zero_dropping = {m.path for m in tables.MAPS if m.drop_zero}
    assert zero_dropping == {"properties.traffic", "properties.mirrorTraffic"}


def test_security_defaults_are_pinned() -> None:
    """Auth mode, network exposure and identity are compared even when the spec is silent."""
    pinned = {(d.kind, d.path): d.value for d in tables.SERVICE_DEFAULTS}
    assert pinned[("endpoint", "properties.authMode")] == "Key"
    assert pinned[("endpoint", "properties.publicNetworkAccess")] == "Enabled"
    assert pinned[("endpoint", "identity.type")] == "SystemAssigned"
    assert pinned[("deployment", "properties.egressPublicNetworkAccess")] == "Enabled"


# -- what the recordings show (fixtures/recorded-*/) ------------------------------------------


def _kubernetes(deployment: dict[str, Any]) -> None:
    deployment["properties"]["endpointComputeType"] = "Kubernetes"
    deployment["properties"]["scaleSettings"] = {"scaleType": "Default"}


def test_kind_is_service_metadata_but_the_compute_type_is_compared() -> None:
    endpoint, deployment = base()
    live = live_pair(endpoint, deployment)
    live[0]["kind"] = "K8S"
    live[1]["kind"] = "K8S"
    assert drift([endpoint, deployment], live) == [], "FP: kind reported"
    live[1]["properties"]["endpointComputeType"] = "Kubernetes"
    live[1]["properties"]["requestSettings"]["maxQueueWait"] = "PT0S"  # as a real body has it
    found = drift([endpoint, deployment], live)
    assert [(f["field"], f["severity"]) for f in found] == [("deployments.blue.type", "medium")]


@pytest.mark.parametrize("entry", tables.SERVICE_WRITTEN_KEYS, ids=lambda e: e.key)
def test_service_written_key_is_not_drift_unless_declared(entry: tables.ServiceWrittenKey) -> None:
    endpoint, deployment = base()
    live = live_pair(endpoint, deployment)
    live[1]["properties"]["environmentVariables"][entry.key] = "/var/azureml-app/x"
    assert drift([endpoint, deployment], live) == [], "FP: service-written key reported"
    # FN: declared, it is compared like any other key.
    deployment["properties"]["environmentVariables"][entry.key] = "/var/azureml-app/y"
    found = drift([endpoint, deployment], live)
    assert [(f["field"], f["change"]) for f in found] == [
        (f"deployments.blue.environment_variables.{entry.key}", "not_equal")
    ]
    # FN: a key of the same family that the service does not write is still found.
    del deployment["properties"]["environmentVariables"][entry.key]
    live[1]["properties"]["environmentVariables"]["AZUREML_" + entry.key + "_EXTRA"] = "1"
    assert [f["change"] for f in drift([endpoint, deployment], live)] == ["added"]


QUANTITY_CASES = {
    # unit: (designed, as the service spells it, one rounding step away)
    "memory": ("200Mi", "0.195Gi", "0.196Gi"),
    "cpu": ("300m", "0.3", "0.31"),
    "count": ("1", "1.0", "2"),
}


@pytest.mark.parametrize("entry", tables.QUANTITIES, ids=lambda q: q.path)
def test_quantities_compare_allowing_the_service_rounding(entry: tables.Quantity) -> None:
    designed, respelled, other = QUANTITY_CASES[entry.unit]
    endpoint, deployment = base()
    _kubernetes(deployment)
    set_path(deployment, entry.path, designed)
    live = live_pair(endpoint, deployment)
    set_path(live[1], entry.path, respelled)
    assert drift([endpoint, deployment], live) == [], "FP: respelled quantity reported"
    set_path(live[1], entry.path, other)
    found = drift([endpoint, deployment], live)
    assert [(f["arm_path"], f["severity"]) for f in found] == [(entry.path, "medium")]
    assert found[0]["expected"] == designed and found[0]["actual"] == other  # as written


@pytest.mark.parametrize("entry", tables.KEPT_WHEN_UNSET, ids=lambda k: k.path)
def test_kept_when_unset_is_not_drift_but_a_declared_value_is(entry: tables.KeptWhenUnset) -> None:
    endpoint, deployment = base()
    set_path(deployment, entry.when[0], entry.when[1])
    deployment["properties"]["scaleSettings"] = {"scaleType": "Default"}
    live = live_pair(endpoint, deployment)
    del_path(deployment, entry.path)
    set_path(live[1], entry.path, "kept-from-an-earlier-put")
    spec = make_spec(deployments=("blue",))
    result = analyse_desired([(spec, State([endpoint, deployment]))], Live(live))
    assert [f for f in result["findings"] if f["change"] != "not_comparable"] == []
    [shown] = [f for f in result["findings"] if f["change"] == "not_comparable"]
    assert shown["arm_path"] == entry.path and shown["actual"] == "kept-from-an-earlier-put"
    # FN: declared, a different live value is drift.
    set_path(deployment, entry.path, "declared")
    assert [f["arm_path"] for f in drift([endpoint, deployment], live)] == [entry.path]
    # FN: outside the condition (a managed deployment) an unset field is still judged.
    del_path(deployment, entry.path)
    deployment["properties"]["endpointComputeType"] = "Managed"
    live[1]["properties"]["endpointComputeType"] = "Managed"
    assert [f["change"] for f in drift([endpoint, deployment], live)] == ["added"]


@pytest.mark.parametrize("entry", tables.SHAPE_OMITTED, ids=lambda e: e.path)
def test_shape_omitted_field_is_not_removed_drift(entry: tables.ShapeOmitted) -> None:
    endpoint, deployment = base()
    live = live_pair(endpoint, deployment)
    del_path(live[1], entry.path)
    assert drift([endpoint, deployment], live) == [], "FP: a field the shape lacks reported"
    set_path(live[1], entry.path, "northeurope")
    assert [f["arm_path"] for f in drift([endpoint, deployment], live)] == [entry.path]


VERSIONED_VALUES = {
    "properties.privateNetworkConnection": (True, False),
    "properties.dataCollector": (
        {"collections": {"request": {"dataCollectionMode": "Enabled"}}},
        {"collections": {"request": {"dataCollectionMode": "Disabled"}}},
    ),
}


@pytest.mark.parametrize("entry", tables.API_VERSIONED, ids=lambda e: e.path)
def test_api_versioned_field_compared_only_where_both_sides_have_it(
    entry: tables.VersionedField,
) -> None:
    designed, different = VERSIONED_VALUES[entry.path]
    inside = entry.since or "2022-02-01-preview"
    outside = entry.until or "2022-02-01-preview"
    endpoint, deployment = base()
    deployment["apiVersion"] = inside
    set_path(deployment, entry.path, copy.deepcopy(designed))
    live = live_pair(endpoint, deployment)
    # FN: both sides have the concept: a different value is drift.
    set_path(live[1], entry.path, copy.deepcopy(different))
    assert drift([endpoint, deployment], live) != [], "FN: versioned field not compared"
    # FP: the design's api-version has no such field: the live value is not judged.
    deployment["apiVersion"] = outside
    del_path(deployment, entry.path)
    assert drift([endpoint, deployment], live) == [], "FP: field of another api-version"
    # The live body shows an api-version without the concept (its other versioned keys):
    # a designed value is not comparable, not drift.
    deployment["apiVersion"] = inside
    set_path(deployment, entry.path, copy.deepcopy(designed))
    del_path(live[1], entry.path)
    others = [e for e in tables.API_VERSIONED if e is not entry]
    for other in others:
        set_path(live[1], other.path, VERSIONED_VALUES[other.path][0])
    spec = make_spec(deployments=("blue",))
    result = analyse_desired([(spec, State([endpoint, deployment]))], Live(live))
    kinds = sorted({f["change"] for f in result["findings"]})
    assert kinds == ["not_comparable"]
    assert any(f["arm_path"] == entry.path for f in result["findings"])


@pytest.mark.parametrize("state", sorted(tables.UNSETTLED_STATES))
def test_unsettled_states_are_not_checked(state: str) -> None:
    endpoint, deployment = base()
    live = live_pair(endpoint, deployment)
    live[1]["properties"]["provisioningState"] = state
    live[1]["sku"]["capacity"] = 9
    spec = make_spec(deployments=("blue",))
    result = analyse_desired([(spec, State([endpoint, deployment]))], Live(live))
    assert result["status"] == "not_checked"
    [dep] = [r for r in result["resources"] if r["name"].endswith("/blue")]
    assert dep["status"] == "not_checked" and state in dep["reason"]
    assert [e["reason"] for e in result["errors"]] == [dep["reason"]]
    # FN: settled again, the same change is drift.
    live[1]["properties"]["provisioningState"] = tables.SETTLED_STATES[0]
    found = drift([endpoint, deployment], live)
    assert [f["arm_path"] for f in found] == ["sku.capacity"]


def test_every_entry_has_a_source_or_says_unverified() -> None:
    from iac_gen.drift.normalisation_doc import entries

    rows = entries()
    assert rows, "the tables have entries"
    for row in rows:
        assert row.source == tables.UNVERIFIED or row.source.startswith("https://"), row
    sourced = {r.table for r in rows if r.source != tables.UNVERIFIED}
    assert {"service_written_keys", "quantities", "kept_when_unset", "api_versioned"} <= sourced


def test_new_tables_are_covered() -> None:
    assert set(QUANTITY_CASES) == {q.unit for q in tables.QUANTITIES}
    assert set(VERSIONED_VALUES) == {e.path for e in tables.API_VERSIONED}
