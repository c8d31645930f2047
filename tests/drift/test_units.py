"""Pipeline pieces on their own: durations, ids, matching, policies, waivers, the gate."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from iac_gen.coverage import entries as coverage_entries
from iac_gen.diagnostics import InputError, Location
from iac_gen.drift import analyse_desired
from iac_gen.drift.analysis import gate_exit_code
from iac_gen.drift.asset_ids import WorkspaceRef, canonical_asset_id, parse_ml_id
from iac_gen.drift.pipeline import STEPS
from iac_gen.drift.waivers import Waiver, WaiverBook, load_waivers
from iac_gen.durations import canonical_duration, format_duration, parse_duration
from iac_gen.spec.model import Policies

from .builders import (
    Live,
    State,
    Unresolved,
    as_live,
    desired_deployment,
    desired_endpoint,
    example,
    find,
    make_spec,
)

# -- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT90S", Decimal(90)),
        ("PT1M30S", Decimal(90)),
        ("PT0.5S", Decimal("0.5")),
        ("PT0,5S", Decimal("0.5")),
        ("P1DT1H1M1S", Decimal(90061)),
        ("P1W", Decimal(604800)),
        ("pt10s", Decimal(10)),
        ("-PT1S", Decimal(-1)),
        ("PT0S", Decimal(0)),
    ],
)
def test_parse_duration(text: str, seconds: Decimal) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["P", "PT", "P1Y", "P1M", "5s", "PT1.5", "", "PTS", "P1DT"])
def test_not_a_duration(text: str) -> None:
    assert parse_duration(text) is None
    assert canonical_duration(text) == text


def test_canonical_duration_spelling() -> None:
    assert canonical_duration("PT90S") == "PT1M30S"
    assert canonical_duration("PT3600S") == "PT1H"
    assert canonical_duration("PT1.50S") == "PT1.5S"
    assert format_duration(Decimal(0)) == "PT0S"
    assert format_duration(Decimal(86400)) == "P1D"
    assert canonical_duration(5) == 5


# -- ids ------------------------------------------------------------------------------------

WS = WorkspaceRef("sub-1", "rg-1", "ws-1")


def test_short_asset_form_becomes_the_workspace_arm_id() -> None:
    arm = (
        "/subscriptions/SUB-1/resourceGroups/RG-1/providers/Microsoft.MachineLearningServices/"
        "workspaces/WS-1/models/m/versions/2"
    )
    assert canonical_asset_id("azureml:m:2", "models", WS) == canonical_asset_id(arm, "models", WS)
    assert canonical_asset_id("azureml:m:3", "models", WS) != canonical_asset_id(arm, "models", WS)
    assert canonical_asset_id("azureml:" + arm, "models", WS) == canonical_asset_id(
        arm, "models", WS
    )


def test_registry_ids_are_kept_apart_from_workspace_ids() -> None:
    registry = "azureml://registries/shared/models/m/versions/2"
    assert canonical_asset_id(registry, "models", WS) == registry
    assert canonical_asset_id(registry, "models", WS) != canonical_asset_id(
        "azureml:m:2", "models", WS
    )


def test_parse_ml_id_is_case_insensitive() -> None:
    parsed = parse_ml_id(
        "/SUBSCRIPTIONS/s/RESOURCEGROUPS/r/PROVIDERS/MICROSOFT.MACHINELEARNINGSERVICES/"
        "WORKSPACES/W/ONLINEENDPOINTS/E/DEPLOYMENTS/D"
    )
    assert parsed is not None
    ws, key = parsed
    assert (ws.workspace, key and key.endpoint, key and key.deployment) == ("w", "e", "d")
    assert parse_ml_id("/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/x") is None


# -- pipeline -------------------------------------------------------------------------------


def test_steps_are_the_documented_order() -> None:
    assert [name for name, _ in STEPS] == [
        "read_live",
        "match",
        "normalise",
        "apply_policies",
        "bind_waivers",
        "compare",
        "classify",
        "attribute",
        "analysis",
    ]


def test_resources_match_case_insensitively() -> None:
    spec, desired, live = example()
    for body in live.resources:
        body["id"] = body["id"].upper().replace("/SUBSCRIPTIONS", "/subscriptions")
        body["type"] = body["type"].upper()
    result = analyse_desired([(spec, desired)], live)
    assert result["status"] == "in_sync"
    assert result["summary"]["resources"]["in_sync"] == 3


def test_findings_show_values_as_written_not_as_compared() -> None:
    # Comparison ignores case (instance type, enums); evidence must still show what the
    # spec and Azure actually say.
    spec, desired, live = example()
    blue = find(live, "/deployments/blue")
    designed_type = blue["properties"]["instanceType"]
    blue["properties"]["instanceType"] = "Standard_E4s_v3"
    find(live, "/onlineEndpoints/credit-scoring")["properties"]["authMode"] = "Key"
    result = analyse_desired([(spec, desired)], live)
    by_path = {f["arm_path"]: f for f in result["findings"]}
    instance = by_path["properties.instanceType"]
    assert (instance["expected"], instance["actual"]) == (designed_type, "Standard_E4s_v3")
    assert "Standard_E4s_v3" in instance["message"]
    auth = by_path["properties.authMode"]
    assert (auth["expected"], auth["actual"]) == ("AADToken", "Key")


def test_case_only_differences_stay_in_sync() -> None:
    spec, desired, live = example()
    blue = find(live, "/deployments/blue")
    blue["properties"]["instanceType"] = blue["properties"]["instanceType"].upper()
    assert analyse_desired([(spec, desired)], live)["status"] == "in_sync"


def test_live_resources_outside_the_designed_workspaces_are_out_of_scope() -> None:
    spec, desired, live = example()
    stranger = as_live(desired_endpoint("elsewhere"))
    stranger["id"] = stranger["id"].replace("mlw-risk-prod", "mlw-other")
    live.resources.append(stranger)
    result = analyse_desired([(spec, desired)], live)
    assert result["status"] == "in_sync"


def test_unmanaged_endpoint_in_a_designed_workspace_is_reported() -> None:
    spec, desired, live = example()
    live.resources.append(as_live(desired_endpoint("shadow-endpoint")))
    result = analyse_desired([(spec, desired)], live)
    found = [f for f in result["findings"] if f["change"] == "unmanaged_resource"]
    assert [(f["resource"], f["severity"]) for f in found] == [("shadow-endpoint", "medium")]


def test_unmanaged_deployment_without_traffic_is_medium_with_traffic_high() -> None:
    spec, desired, live = example()
    live.resources.append(as_live(desired_deployment(name="canary")))
    result = analyse_desired([(spec, desired)], live)
    (found,) = [f for f in result["findings"] if f["change"] == "unmanaged_resource"]
    assert (found["resource"], found["severity"]) == ("credit-scoring/canary", "medium")
    find(live, "/credit-scoring")["properties"]["traffic"] = {"blue": 90, "canary": 10}
    result = analyse_desired([(spec, desired)], live)
    (found,) = [f for f in result["findings"] if f["change"] == "unmanaged_resource"]
    assert found["severity"] == "high" and "10%" in found["message"]


def test_missing_endpoint_is_critical() -> None:
    spec, desired, live = example()
    live.resources = [b for b in live.resources if "/deployments/" in b["id"]]
    result = analyse_desired([(spec, desired)], live)
    (found,) = [f for f in result["findings"] if f["change"] == "missing_resource"]
    assert (found["resource"], found["severity"]) == ("credit-scoring", "critical")
    assert gate_exit_code(result) == 1


def test_not_checked_is_never_in_sync() -> None:
    spec, desired, live = example()
    live.not_checked.append({"id": find(live, "/green")["id"], "reason": "throttled (429)"})
    result = analyse_desired([(spec, desired)], live)
    assert result["status"] == "not_checked"
    assert gate_exit_code(result) == 3
    live.resources.remove(find(live, "/green"))
    result = analyse_desired([(spec, desired)], live)
    statuses = {r["name"]: r["status"] for r in result["resources"]}
    assert statuses["credit-scoring/green"] == "not_checked"
    assert result["findings"] == []  # unreadable is not "missing"


def test_unresolved_values_are_not_comparable_with_their_reason() -> None:
    spec, desired, live = example()
    blue = desired.resources[1]
    desired.unresolved.append(
        Unresolved(blue["id"], "properties.codeConfiguration.codeId", "local folder ./src")
    )
    find(live, "/blue")["properties"]["codeConfiguration"]["codeId"] = "/some/other/code/id"
    result = analyse_desired([(spec, desired)], live)
    assert result["status"] == "in_sync"
    (found,) = result["findings"]
    assert found["change"] == "not_comparable" and "local folder ./src" in found["message"]
    outcomes = [c for c in coverage_entries(result) if c["outcome"] == "not_comparable"]
    assert [c["reason"] for c in outcomes] == ["local folder ./src"]


def test_traffic_sum_policy_checks_set_and_total_only() -> None:
    spec = make_spec(policies=Policies(traffic="sum"))
    desired = State(
        [
            desired_endpoint(traffic={"blue": 70, "green": 30}),
            desired_deployment(name="blue"),
            desired_deployment(name="green"),
        ]
    )
    live = Live([as_live(b) for b in desired.resources])
    find(live, "/credit-scoring")["properties"]["traffic"] = {"blue": 10, "green": 90}
    assert analyse_desired([(spec, desired)], live)["status"] == "in_sync"
    find(live, "/credit-scoring")["properties"]["traffic"] = {"blue": 100}
    result = analyse_desired([(spec, desired)], live)
    (found,) = result["findings"]
    assert (found["field"], found["severity"], found["category"]) == ("traffic", "high", "routing")
    # The same shift under `exact` is drift on both deployments.
    exact = make_spec()
    find(live, "/credit-scoring")["properties"]["traffic"] = {"blue": 10, "green": 90}
    result = analyse_desired([(exact, desired)], live)
    assert sorted(f["field"] for f in result["findings"]) == ["traffic.blue", "traffic.green"]


@pytest.mark.parametrize(("count", "drifted"), [(1, True), (2, False), (5, False), (6, True)])
def test_autoscale_owns_the_count_within_its_range(count: int, drifted: bool) -> None:
    spec = make_spec(autoscale={"blue": (2, 5)})
    _, desired, live = example()
    find(live, "/blue")["sku"]["capacity"] = count
    result = analyse_desired([(spec, desired)], live)
    fields = [f["field"] for f in result["findings"]]
    assert fields == (["deployments.blue.instance_count"] if drifted else [])
    if drifted:
        assert result["findings"][0]["expected"] == "2..5"


def test_exact_instance_count_policy_ignores_autoscale() -> None:
    spec = make_spec(autoscale={"blue": (2, 5)}, policies=Policies(instance_count="exact"))
    _, desired, live = example()
    find(live, "/blue")["sku"]["capacity"] = 4
    result = analyse_desired([(spec, desired)], live)
    assert [f["expected"] for f in result["findings"]] == [3]


def test_finding_ids_are_stable_and_distinct() -> None:
    spec, desired, live = example()
    find(live, "/blue")["sku"]["capacity"] = 5
    first = analyse_desired([(spec, desired)], live)["findings"][0]["id"]
    find(live, "/blue")["sku"]["capacity"] = 6
    second = analyse_desired([(spec, desired)], live)["findings"][0]["id"]
    assert first == second and len(first) == 16
    find(live, "/green")["sku"]["capacity"] = 6
    ids = [f["id"] for f in analyse_desired([(spec, desired)], live)["findings"]]
    assert len(set(ids)) == 2


def test_fail_on_threshold() -> None:
    spec, desired, live = example()
    find(live, "/credit-scoring")["tags"]["cost-center"] = "1"
    result = analyse_desired([(spec, desired)], live)
    assert gate_exit_code(result, "info") == 1
    assert gate_exit_code(result, "low") == 0
    assert result["status"] == "drifted"


# -- waivers --------------------------------------------------------------------------------

VALID = """waivers:
  - id: W-1
    resource: credit-scoring/*
    field: deployments.*.instance_count
    reason: incident
    approver: sre@contoso.com
    ticket: CHG-1
    expires: 2026-12-31
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_waiver_silences_the_gate_but_keeps_the_finding(tmp_path: Path) -> None:
    spec, desired, live = example()
    find(live, "/blue")["sku"]["capacity"] = 5
    waivers = load_waivers(write(tmp_path, VALID))
    result = analyse_desired([(spec, desired)], live, waivers, now=datetime(2026, 6, 1))
    (found,) = result["findings"]
    assert found["waived"] and found["waiver"]["id"] == "W-1"
    assert result["status"] == "drifted" and gate_exit_code(result) == 0
    assert result["waivers"][0]["status"] == "active" and result["waivers"][0]["matched"] == 1
    assert [c["outcome"] for c in coverage_entries(result)].count("waived") == 1


def test_expired_waiver_no_longer_applies(tmp_path: Path) -> None:
    spec, desired, live = example()
    find(live, "/blue")["sku"]["capacity"] = 5
    waivers = load_waivers(write(tmp_path, VALID))
    result = analyse_desired([(spec, desired)], live, waivers, now=datetime(2027, 1, 1))
    assert not result["findings"][0]["waived"]
    assert result["waivers"][0]["status"] == "expired"
    assert gate_exit_code(result) == 1


def test_waiver_expires_after_its_last_day() -> None:
    waiver = Waiver("W", "*", "*", "r", "a", None, date(2026, 12, 31), Location("w.yaml"))
    assert WaiverBook((waiver,), date(2026, 12, 31)).report()[0]["status"] == "unused"
    assert not waiver.expired(date(2026, 12, 31)) and waiver.expired(date(2027, 1, 1))


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        (VALID.replace("    reason: incident\n", ""), "IAC421", 2),
        (VALID.replace("    expires: 2026-12-31\n", ""), "IAC421", 2),
        (VALID.replace("2026-12-31", "next year"), "IAC421", 8),
        (VALID.replace("2026-12-31", "2026-02-30"), "IAC421", 8),
        (
            VALID.replace("    ticket: CHG-1\n", "    ticket: CHG-1\n    ticket: CHG-2\n"),
            "IAC422",
            8,
        ),
        (VALID + VALID.replace("waivers:\n", ""), "IAC423", 9),
        ("waivers: [\n", "IAC420", 2),
        (VALID.replace("reason: incident", "reason: '   '"), "IAC421", 5),
        (VALID.replace("    approver: sre@contoso.com\n", ""), "IAC421", 2),
    ],
)
def test_invalid_waivers_are_input_errors_with_positions(
    tmp_path: Path, text: str, code: str, line: int
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_waivers(path)
    (diag,) = caught.value.diagnostics[:1]
    assert diag.code == code
    assert diag.location.file == str(path) and diag.location.line == line
    assert str(diag).startswith(f"{path}:{line}:")


def test_empty_waivers_file_is_empty(tmp_path: Path) -> None:
    assert load_waivers(write(tmp_path, "")).waivers == ()


def test_analyse_applies_the_environment_overlay(monkeypatch: pytest.MonkeyPatch) -> None:
    from iac_gen.desired import desired_state
    from iac_gen.drift import analyse
    from iac_gen.spec.load import load_specs
    from iac_gen.spec.overlay import resolve

    root = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    (spec,) = load_specs([Path("fixtures/example/spec.yaml")])
    dev = desired_state(resolve(spec, "dev"))
    live = Live([as_live(b) for b in dev.resources if "onlineEndpoints" in b["type"]])
    result = analyse([spec], live, env="dev")
    assert result["status"] == "in_sync" and result["environment"] == "dev"
    assert result["generated_at"] == "2026-09-21T14:13:20Z"
    assert [i["role"] for i in result["inputs"]] == ["spec"]
    prod = analyse([spec], live)
    assert "deployments.blue.instance_type" in {f["field"] for f in prod["findings"]}


def test_two_specs_declaring_one_endpoint_are_invalid() -> None:
    spec, desired, live = example()
    other = make_spec(source="other.yaml")
    with pytest.raises(InputError) as caught:
        analyse_desired([(spec, desired), (other, desired)], live)
    assert caught.value.diagnostics[0].code == "IAC430"


def test_unreadable_resources_elsewhere_do_not_block_the_verdict() -> None:
    spec, desired, live = example()
    elsewhere = find(live, "/blue")["id"].replace("mlw-risk-prod", "mlw-other")
    live.not_checked.append({"id": elsewhere, "reason": "403"})
    assert analyse_desired([(spec, desired)], live)["status"] == "in_sync"
    live.not_checked.append({"id": "not-an-arm-id", "reason": "page 3 failed"})
    result = analyse_desired([(spec, desired)], live)
    assert result["status"] == "not_checked"
    assert result["errors"] == [{"resource": "not-an-arm-id", "reason": "page 3 failed"}]


def test_compact_drift_json_is_the_sorted_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from iac_gen.report import json as drift_json_report

    spec, desired, live = example()
    find(live, "/blue")["sku"]["capacity"] = 5
    live.not_checked.append({"id": "unplaceable", "reason": "x"})
    result = analyse_desired([(spec, desired)], live)
    monkeypatch.setattr(drift_json_report, "COMPACT_ABOVE", 0)
    text = drift_json_report.render(result)
    plain = json.dumps(result, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert text == plain + "\n"
