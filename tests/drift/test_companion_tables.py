"""Every normalisation table entry of the Azure Monitor companions, tested both ways.

The baseline is the bundled example (autoscale with rules and a weekend schedule, a
diagnostic setting to Log Analytics) served as Azure returns it. False positive (FP): a
spelling or server-filled value that means "no change" is not reported. False negative (FN):
a real change at or beside the same path is.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from iac_gen.desired import desired_state
from iac_gen.drift import analyse_desired, tables
from iac_gen.emulator.data import served
from iac_gen.spec.load import load_specs
from iac_gen.spec.model import Spec
from tests.drift.builders import as_live
from tests.drift.companion_cases import COMPANION

ROOT = Path(__file__).resolve().parents[2]
AUTOSCALE = tables.AUTOSCALE_TYPE
DIAGNOSTICS = tables.DIAGNOSTICS_TYPE
LAW = (
    "/subscriptions/8f6b6269-84f2-4d09-9e31-1127efcd1e40/resourceGroups/rg-observability/"
    "providers/Microsoft.OperationalInsights/workspaces/law-mlops-prod"
)


@dataclass
class Bundle:
    """A live state read from an export bundle (which always reads both companion types)."""

    resources: list[dict[str, Any]]
    not_checked: list[dict[str, Any]]
    format: str = "bundle"


@cache
def example_spec() -> Spec:
    (spec,) = load_specs([ROOT / "fixtures" / "example" / "spec.yaml"])
    return spec


def desired() -> list[dict[str, Any]]:
    return copy.deepcopy(desired_state(example_spec()).resources)


def live_of(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for body in bodies:
        rtype = body["type"].lower()
        if "onlineendpoints" in rtype:
            out.append(as_live(body))
        elif rtype in (AUTOSCALE, DIAGNOSTICS):
            out.append(served(json.loads(json.dumps(body))))  # no shared rule lists
    return out


def body_of(bodies: list[dict[str, Any]], rtype: str) -> dict[str, Any]:
    return next(b for b in bodies if b["type"].lower() == rtype)


def drift(want: list[dict[str, Any]], live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    state = desired_state(example_spec())
    state.resources = want
    result = analyse_desired([(example_spec(), state)], Bundle(live, []))
    return [f for f in result["findings"] if f["change"] != "not_comparable"]


def where(body: dict[str, Any], pattern: str) -> tuple[Any, str]:
    """(container, last key) of `pattern` in a raw body; `*` is the first list item / map key."""
    parts = pattern.split(".")
    node: Any = body
    for part in parts[:-1]:
        if part == "*":
            node = node[0] if isinstance(node, list) else node[next(iter(node))]
        elif isinstance(node, list):
            node = node[int(part)]
        else:
            if not isinstance(node.get(part), dict | list):
                node[part] = {}
            node = node[part]
    return node, parts[-1]


def put(body: dict[str, Any], pattern: str, value: Any) -> None:
    node, last = where(body, pattern)
    node[last] = value


def rtype_of(path: str, kind: str = "") -> str:
    if kind == "autoscale" or path.startswith("properties.profiles"):
        return AUTOSCALE
    if path in ("properties.enabled", "properties.predictiveAutoscalePolicy.scaleMode"):
        return AUTOSCALE
    return DIAGNOSTICS


def arm_path(found: list[dict[str, Any]]) -> list[str]:
    return [f["arm_path"] for f in found]


def test_baseline_is_in_sync() -> None:
    want = desired()
    assert drift(want, live_of(want)) == []


# -- server-owned -------------------------------------------------------------------------

SERVER_NOISE: dict[str, Any] = {
    "properties.name": "renamed-in-portal",
    "properties.targetResourceUri": None,  # upper-cased below: matched on, any casing
    "properties.targetResourceLocation": "West Europe",
    "scope": "/subscriptions/x/resourceGroups/y",
    "properties.logs.*.retentionPolicy": {"enabled": True, "days": 30},
    "properties.profiles.*.rules.*.metricTrigger.metricResourceLocation": "northeurope",
}


@pytest.mark.parametrize("entry", COMPANION(tables.SERVER_OWNED), ids=lambda e: f"{e[0]}:{e[1]}")
def test_server_owned_is_not_drift_but_neighbours_are(entry: tuple[str, str, str]) -> None:
    kind, path, _ = entry
    want = desired()
    live = live_of(want)
    body = body_of(live, rtype_of(path, kind))
    noise = SERVER_NOISE[path]
    if noise is None:
        noise = body["properties"]["targetResourceUri"].upper()
    put(body, path, noise)
    assert drift(want, live) == [], "FP: server-owned value reported"
    if kind == "autoscale":
        body["properties"]["profiles"][0]["capacity"]["maximum"] = "12"
        expected = "autoscale.blue.max_instances"
    else:
        body["properties"]["logs"][0]["enabled"] = False
        expected = "monitoring.log_analytics_workspace"
    assert [f["field"] for f in drift(want, live)] == [expected], "FN: neighbour missed"


# -- service defaults ---------------------------------------------------------------------

DEFAULT_OTHER = {
    "properties.enabled": False,
    "properties.logAnalyticsDestinationType": "Dedicated",
    "properties.predictiveAutoscalePolicy.scaleMode": "ForecastOnly",
}


@pytest.mark.parametrize(
    "entry", COMPANION(tables.SERVICE_DEFAULTS), ids=lambda d: f"{d.kind}:{d.path}"
)
def test_service_default_both_ways(entry: tables.Default) -> None:
    want = desired()
    body_of(want, rtype_of(entry.path, entry.kind))["properties"].pop(
        entry.path.split(".")[-1], None
    )
    live = live_of(want)
    body = body_of(live, rtype_of(entry.path, entry.kind))
    put(body, entry.path, entry.value)
    assert drift(want, live) == [], "FP: explicit default reported"
    put(body, entry.path, None)
    assert drift(want, live) == [], "FP: null (the default) reported"
    put(body, entry.path, DEFAULT_OTHER[entry.path])
    assert entry.path in arm_path(drift(want, live)), "FN: non-default value missed"


# -- enums, case-insensitive strings, durations, numbers as strings --------------------------


def _rule_path(path: str) -> str:
    return path.replace("*", "default", 1).replace("*", "0", 1)


@pytest.mark.parametrize("path", sorted(COMPANION(tables.ENUMS)))
def test_enum_casing_is_not_drift_but_another_member_is(path: str) -> None:
    members = tables.ENUMS[path]
    want = desired()
    put(body_of(want, rtype_of(path)), path, members[0])
    live = live_of(want)
    body = body_of(live, rtype_of(path))
    put(body, path, members[0].swapcase())
    assert drift(want, live) == [], "FP: enum casing reported"
    put(body, path, members[1])
    assert _rule_path(path) in arm_path(drift(want, live)), "FN: another member missed"


CASE_VALUES: dict[str, tuple[str, str]] = {
    # path: (a spelling of the designed value in other casing, a different value)
    tables.CASE_INSENSITIVE[2]: ("cpuutilizationpercentage", "CpuMemoryUtilizationPercentage"),
    tables.CASE_INSENSITIVE[3]: (
        "MICROSOFT.MACHINELEARNINGSERVICES/WORKSPACES/ONLINEENDPOINTS/DEPLOYMENTS",
        "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    ),
    tables.CASE_INSENSITIVE[4]: ("", "/subscriptions/x/resourcegroups/y"),  # "" = upper-case it
    "properties.workspaceId": ("", LAW.replace("law-mlops-prod", "law-other")),
    "properties.storageAccountId": ("", "/subscriptions/x/storageaccounts/other"),
    "properties.eventHubAuthorizationRuleId": ("", "/subscriptions/x/authorizationrules/other"),
    "properties.marketplacePartnerId": ("", "/subscriptions/x/partners/other"),
}


@pytest.mark.parametrize("path", COMPANION(tables.CASE_INSENSITIVE))
def test_case_insensitive_strings(path: str) -> None:
    same, different = CASE_VALUES[path]
    want = desired()
    designed_body = body_of(want, rtype_of(path))
    container, last = where(designed_body, path)
    if container.get(last) is None:  # a destination the example does not use: design one
        container[last] = "/subscriptions/x/resourceGroups/y/providers/Some.Type/things/mine"
    live = live_of(want)
    body = body_of(live, rtype_of(path))
    put(body, path, same or container[last].upper())
    assert drift(want, live) == [], "FP: casing reported"
    put(body, path, different)
    assert _rule_path(path) in arm_path(drift(want, live)), "FN: different value missed"


@pytest.mark.parametrize("path", COMPANION(tables.DURATIONS))
def test_durations_compare_by_value(path: str) -> None:
    want = desired()
    put(body_of(want, AUTOSCALE), path, "PT90S")
    live = live_of(want)
    body = body_of(live, AUTOSCALE)
    put(body, path, "PT1M30S")
    assert drift(want, live) == [], "FP: PT90S vs PT1M30S reported"
    put(body, path, "PT1M31S")
    assert _rule_path(path) in arm_path(drift(want, live)), "FN: other duration missed"


@pytest.mark.parametrize("path", tables.NUMBER_STRINGS)
def test_numbers_spelled_as_strings(path: str) -> None:
    want = desired()
    put(body_of(want, AUTOSCALE), path, "3")
    live = live_of(want)
    body = body_of(live, AUTOSCALE)
    put(body, path, 3)
    assert drift(want, live) == [], "FP: 3 vs '3' reported"
    put(body, path, "4")
    assert _rule_path(path) in arm_path(drift(want, live)), "FN: other number missed"


# -- lists compared as maps ----------------------------------------------------------------


def _profiles(live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return body_of(live, AUTOSCALE)["properties"]["profiles"]


def _logs(live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return body_of(live, DIAGNOSTICS)["properties"]["logs"]


def case_profiles(want: list[dict[str, Any]], live: list[dict[str, Any]]) -> None:
    _profiles(live).reverse()
    assert drift(want, live) == [], "FP: profile order reported"
    extra = copy.deepcopy(_profiles(live)[0])
    extra["name"] = "holiday"
    _profiles(live).append(extra)
    found = drift(want, live)
    assert found and {f["change"] for f in found} == {"added"}, "FN: extra profile missed"
    assert all(f["arm_path"].startswith("properties.profiles.holiday.") for f in found)


def case_rules(want: list[dict[str, Any]], live: list[dict[str, Any]]) -> None:
    default = next(p for p in _profiles(live) if p["name"] == "default")
    default["rules"][0]["metricTrigger"]["metricResourceLocation"] = "westeurope"
    assert drift(want, live) == [], "FP: server-echoed rule field reported"
    default["rules"].pop()
    found = drift(want, live)
    assert found and {f["change"] for f in found} == {"removed"}, "FN: removed rule missed"
    assert {f["field"] for f in found} == {"autoscale.blue.rules"}
    assert all(f["arm_path"].startswith("properties.profiles.default.rules.2.") for f in found)


def case_logs(want: list[dict[str, Any]], live: list[dict[str, Any]]) -> None:
    logs = _logs(live)
    for entry in logs:
        entry["category"] = entry["category"].upper()
    logs.reverse()
    assert drift(want, live) == [], "FP: log category casing or order reported"
    logs[:] = [{"categoryGroup": "allLogs", "enabled": True, "retentionPolicy": None}]
    assert drift(want, live) == [], "FP: allLogs instead of every category reported"
    logs[:] = [{"categoryGroup": "audit", "enabled": True}]
    found = drift(want, live)
    assert sorted((f["change"], f["severity"]) for f in found) == [
        ("added", "low"),
        ("removed", "high"),
        ("removed", "high"),
        ("removed", "high"),
    ], "FN: another category group stood in for the designed categories"


MAP_CASES = {
    "properties.profiles": case_profiles,
    "properties.profiles.*.rules": case_rules,
    "properties.logs": case_logs,
}


@pytest.mark.parametrize("entry", COMPANION(tables.MAPS), ids=lambda m: m.path)
def test_list_maps(entry: tables.MapPath) -> None:
    want = desired()
    MAP_CASES[entry.path](want, live_of(want))


def test_list_keys_name_the_maps() -> None:
    assert {k.path for k in tables.LIST_KEYS} == set(MAP_CASES)


@pytest.mark.parametrize("group", sorted(tables.LOG_CATEGORY_GROUPS))
def test_category_group_covers_its_categories_only(group: str) -> None:
    want = desired()
    live = live_of(want)
    _logs(live)[:] = [{"categoryGroup": group, "enabled": True}]
    assert drift(want, live) == []
    _logs(live).append({"category": "AmlOnlineEndpointTrafficLog", "enabled": False})
    assert drift(want, live) == [], "an enabled group keeps a category on"
    _logs(live)[0]["enabled"] = False
    found = drift(want, live)
    assert len(found) == len(tables.LOG_CATEGORY_GROUPS[group]), "FN: disabled group missed"


# -- spec field, severity and category ------------------------------------------------------


def _field_case(rule: tables.FieldRule) -> tuple[str, str, Any, Any]:
    """(raw pattern to set, ARM path of the finding, designed value, live value)."""
    path = rule.path
    if path.endswith(".**"):
        concrete = path[:-3] + ".*.metricTrigger.threshold"
        return concrete, _rule_path(concrete), 70, 75
    values: dict[str, tuple[Any, Any]] = {
        "properties.enabled": (True, False),
        "tags.*": ("4711", "9999"),
        "location": ("westeurope", "northeurope"),
        "properties.logs.*.enabled": (True, False),
        "properties.logAnalyticsDestinationType": ("Dedicated", "AzureDiagnostics"),
        "properties.profiles.*.recurrence.frequency": ("Week", "Day"),
        "properties.profiles.*.recurrence.schedule.days": (["Saturday"], ["Sunday"]),
        "properties.profiles.*.recurrence.schedule.hours": ([0], [6]),
        "properties.profiles.*.recurrence.schedule.minutes": ([0], [30]),
    }
    designed, changed = values.get(path, ("designed-value", "live-value"))
    if ".capacity." in path:
        designed, changed = "3", "5"
    concrete = path.replace("*", "weekend") if "recurrence" in path else path
    return concrete, _rule_path(concrete), designed, changed


@pytest.mark.parametrize("rule", COMPANION(tables.FIELD_RULES), ids=lambda r: f"{r.kind}:{r.path}")
def test_field_rule_names_the_spec_field_and_severity(rule: tables.FieldRule) -> None:
    pattern, finding_path, designed, changed = _field_case(rule)
    rtype = AUTOSCALE if rule.kind == "autoscale" else DIAGNOSTICS
    want = desired()
    profiles = body_of(want, AUTOSCALE)["properties"]["profiles"]
    weekend = next(p for p in profiles if p["name"] == "weekend")
    if "recurrence" in pattern:
        pattern = pattern.replace("profiles.weekend", f"profiles.{profiles.index(weekend)}")
    if rule.path == "tags.*":
        pattern = "tags.cost-center"
        finding_path = "tags.cost-center"
    put(body_of(want, rtype), pattern.replace(".default.", ".0.", 1), designed)
    live = live_of(want)
    body = body_of(live, rtype)
    put(body, pattern.replace(".default.", ".0.", 1), changed)
    if rule.path.startswith("properties.logs"):
        finding_path = "properties.logs." + body["properties"]["logs"][0]["category"].lower()
        finding_path += ".enabled"
    found = [f for f in drift(want, live) if f["arm_path"] == finding_path]
    assert len(found) == 1, f"expected one finding at {finding_path}"
    expected = rule.field.replace("{key}", "cost-center").replace("{dep}", "blue")
    profile = "schedules.weekend." if "recurrence" in pattern else ""
    expected = expected.replace("{profile}", profile)
    expected = expected.replace("{edge}", "start")
    assert found[0]["field"] == expected
    assert (found[0]["severity"], found[0]["category"]) == (rule.severity, rule.category)


def test_an_extra_log_category_is_low_but_losing_one_is_high() -> None:
    rule = next(r for r in tables.FIELD_RULES if r.path == "properties.logs.*.enabled")
    assert rule.added == ("low", "configuration")
    want = desired()
    live = live_of(want)
    _logs(live).append({"category": "AmlOnlineEndpointNewLog", "enabled": True})
    found = drift(want, live)
    assert [(f["change"], f["severity"]) for f in found] == [("added", "low")]
    _logs(live).pop()
    _logs(live).pop()
    found = drift(want, live)
    assert [(f["change"], f["severity"], f["category"]) for f in found] == [
        ("removed", "high", "security")
    ]


def test_version_is_a_minor_bump_for_the_companions() -> None:
    major, minor, _ = tables.NORMALISATION_VERSION.split(".")
    assert (int(major), int(minor)) >= (1, 1)


@pytest.mark.parametrize("leaf", sorted(tables.RULE_DEFAULTS))
def test_rule_default_both_ways(leaf: str) -> None:
    want = desired()
    live = live_of(want)
    section, _, name = leaf.partition(".")
    rule = _profiles(live)[0]["rules"][0][section]
    rule[name] = tables.RULE_DEFAULTS[leaf]
    assert drift(want, live) == [], "FP: explicit default reported"
    rule.pop(name)
    assert drift(want, live) == [], "FP: absent default reported"
    rule[name] = not tables.RULE_DEFAULTS[leaf]
    assert [f["arm_path"].rsplit(".", 2)[-2:] for f in drift(want, live)] == [leaf.split(".")], (
        "FN: non-default value missed"
    )
