"""Autoscale and diagnostic settings in a drift run: matching, resource outcomes, coverage.

The baseline is the bundled example (autoscale on blue, a diagnostic setting to Log
Analytics, metric alerts and a scorer role assignment) against an export bundle of it.
"""

from __future__ import annotations

from typing import Any

import pytest

from iac_gen.coverage import entries as coverage_entries
from iac_gen.drift import analyse_desired, tables
from tests.drift.builders import Live
from tests.drift.test_companion_tables import (
    AUTOSCALE,
    DIAGNOSTICS,
    body_of,
    desired,
    example_spec,
    live_of,
)
from tests.drift.test_fixtures import EPOCH


def run(want: list[dict[str, Any]], live: Live) -> dict[str, Any]:
    from iac_gen.desired import desired_state

    state = desired_state(example_spec())
    state.resources = want
    return analyse_desired([(example_spec(), state)], live)


def bundle(bodies: list[dict[str, Any]], not_checked: list[dict[str, Any]] | None = None) -> Live:
    return Live(bodies, not_checked or [], format="bundle")


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {r["name"]: r["status"] for r in result["resources"]}


def drift_findings(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (f["resource"], f["change"], f["severity"], f["category"])
        for f in result["findings"]
        if f["change"] != "not_comparable"
    ]


AS = "credit-scoring/blue/autoscale"
DS = "credit-scoring/diagnostics/send-to-log-analytics"


def test_export_bundle_in_sync_lists_the_companions() -> None:
    want = desired()
    result = run(want, bundle(live_of(want)))
    assert result["status"] == "in_sync"
    assert statuses(result)[AS] == "in_sync" and statuses(result)[DS] == "in_sync"
    types = {r["name"]: r["type"] for r in result["resources"]}
    assert types[AS] == "Microsoft.Insights/autoscalesettings"
    assert types[DS] == "Microsoft.Insights/diagnosticSettings"
    fields = {c["field"] for c in coverage_entries(result) if c["resource"] == AS}
    assert {"autoscale.blue.max_instances", "autoscale.blue.rules"} <= fields
    assert "autoscale.blue.schedules.weekend.max_instances" in fields


def test_live_input_without_companions_makes_them_not_comparable_not_missing() -> None:
    """Plain endpoint/deployment bodies (or `az ml ... show`) say nothing about Azure Monitor."""
    want = desired()
    ml_only = [b for b in live_of(want) if "onlineEndpoints" in b["type"]]
    result = run(want, Live(ml_only))  # an ARM body array: no companion types at all
    assert result["status"] == "in_sync"
    assert AS not in statuses(result) and DS not in statuses(result)
    reasons = {c["reason"] for c in coverage_entries(result) if c["resource"] in (AS, DS)}
    assert reasons == {tables.NOT_IN_LIVE_INPUT}
    assert result["summary"]["resources"]["missing"] == 0


def test_the_same_bodies_from_an_export_bundle_are_missing() -> None:
    want = desired()
    ml_only = [b for b in live_of(want) if "onlineEndpoints" in b["type"]]
    result = run(want, bundle(ml_only))
    assert statuses(result)[AS] == "missing" and statuses(result)[DS] == "missing"
    assert sorted(drift_findings(result)) == [
        (AS, "missing_resource", "medium", "capacity"),
        (DS, "missing_resource", "high", "security"),
    ]
    assert result["status"] == "drifted"


def test_one_companion_type_present_is_judged_the_other_is_not() -> None:
    """`az resource list` returns autoscale settings (group resources) but no diagnostic
    settings (extension resources): only the type present can be missing."""
    want = desired()
    live = [b for b in live_of(want) if b["type"].lower() != DIAGNOSTICS]
    result = run(want, Live(live))
    assert statuses(result)[AS] == "in_sync"
    assert DS not in statuses(result)
    assert result["status"] == "in_sync"


def test_alerts_and_role_assignments_are_listed_never_judged() -> None:
    want = desired()
    result = run(want, bundle(live_of(want)))
    listed = [
        c
        for c in coverage_entries(result)
        if c["resource"].split("/")[1:2] in (["alerts"], ["roleAssignments"])
    ]
    alerts = [b for b in want if b["type"].lower() == tables.ALERT_TYPE]
    roles = [b for b in want if b["type"].lower() == tables.ROLE_ASSIGNMENT_TYPE]
    assert len(listed) == len(alerts) + len(roles) > 0
    assert {c["outcome"] for c in listed} == {"not_comparable"}
    assert {c["reason"] for c in listed} == {"not exported by iac-gen export"}
    assert {c["field"] for c in listed} == {"monitoring.alerts", "access.scorers"}
    assert result["status"] == "in_sync"  # neither drifted nor not_checked


def test_autoscale_is_matched_by_target_not_name() -> None:
    want = desired()
    live = live_of(want)
    setting = body_of(live, AUTOSCALE)
    setting["name"] = "made-in-the-portal"
    setting["id"] = setting["id"].rsplit("/", 1)[0] + "/made-in-the-portal"
    setting["properties"]["targetResourceUri"] = setting["properties"]["targetResourceUri"].upper()
    result = run(want, bundle(live))
    assert statuses(result)[AS] == "in_sync"
    assert drift_findings(result) == []


def test_unmanaged_autoscale_on_a_declared_deployment() -> None:
    want = desired()
    live = live_of(want)
    green = dict(body_of(live, AUTOSCALE))
    target = green["properties"]["targetResourceUri"].rsplit("/", 1)[0] + "/green"
    green["properties"] = {**green["properties"], "targetResourceUri": target}
    green["id"] = green["id"].rsplit("/", 1)[0] + "/green-autoscale"
    green["name"] = "green-autoscale"
    live.append(green)
    result = run(want, bundle(live))
    assert statuses(result)["credit-scoring/green/autoscale"] == "unmanaged"
    finding = next(f for f in result["findings"] if f["change"] == "unmanaged_resource")
    assert (finding["severity"], finding["category"]) == tables.UNMANAGED_AUTOSCALE
    assert finding["field"] == "autoscale.green"
    assert result["status"] == "drifted"


def test_autoscale_of_another_workspace_is_out_of_scope() -> None:
    want = desired()
    live = live_of(want)
    other = dict(body_of(live, AUTOSCALE))
    target = other["properties"]["targetResourceUri"].replace("mlw-risk-prod", "mlw-other")
    other["properties"] = {**other["properties"], "targetResourceUri": target}
    other["id"] = other["id"] + "-other"
    live.append(other)
    result = run(want, bundle(live))
    assert result["status"] == "in_sync"


def test_diagnostic_setting_matched_by_destination_under_another_name() -> None:
    want = desired()
    live = live_of(want)
    setting = body_of(live, DIAGNOSTICS)
    setting["id"] = setting["id"].rsplit("/", 1)[0] + "/to-law"
    setting["name"] = "to-law"
    setting["properties"]["workspaceId"] = setting["properties"]["workspaceId"].lower()
    result = run(want, bundle(live))
    assert statuses(result)[DS] == "in_sync"
    assert drift_findings(result) == []


def test_disabled_log_category_is_high_security() -> None:
    want = desired()
    live = live_of(want)
    body_of(live, DIAGNOSTICS)["properties"]["logs"][0]["enabled"] = False
    result = run(want, bundle(live))
    assert statuses(result)[DS] == "modified"
    assert drift_findings(result) == [(DS, "not_equal", "high", "security")]


def test_diagnostic_setting_sending_elsewhere_is_unmanaged() -> None:
    want = desired()
    live = live_of(want)
    extra = dict(body_of(live, DIAGNOSTICS))
    extra["id"] = extra["id"].rsplit("/", 1)[0] + "/to-eventhub"
    extra["name"] = "to-eventhub"
    extra["properties"] = {
        **extra["properties"],
        "workspaceId": None,
        "eventHubAuthorizationRuleId": "/subscriptions/x/resourceGroups/y/providers/"
        "Microsoft.EventHub/namespaces/ns/authorizationrules/send",
    }
    live.append(extra)
    result = run(want, bundle(live))
    assert statuses(result)["credit-scoring/diagnostics/to-eventhub"] == "unmanaged"
    finding = next(f for f in result["findings"] if f["change"] == "unmanaged_resource")
    assert (finding["severity"], finding["category"]) == tables.UNMANAGED_DIAGNOSTICS
    assert "Microsoft.EventHub" in finding["message"]


def test_failed_diagnostics_listing_is_not_checked_not_missing() -> None:
    want = desired()
    live = [b for b in live_of(want) if b["type"].lower() != DIAGNOSTICS]
    endpoint_id = next(b["id"] for b in want if b["type"].endswith("onlineEndpoints"))
    unread = [
        {
            "id": f"{endpoint_id}/providers/Microsoft.Insights/diagnosticSettings",
            "reason": "403 AuthorizationFailed",
        }
    ]
    result = run(want, bundle(live, unread))
    assert statuses(result)[DS] == "not_checked"
    assert result["status"] == "not_checked"
    assert not [f for f in result["findings"] if f["change"] == "missing_resource"]


def test_unreadable_deployment_makes_its_autoscale_not_checked() -> None:
    want = desired()
    blue = next(b for b in want if b["id"].endswith("/deployments/blue"))
    live = [b for b in live_of(want) if b["id"] != blue["id"] and b["type"].lower() != AUTOSCALE]
    result = run(want, bundle(live, [{"id": blue["id"], "reason": "timed out"}]))
    assert statuses(result)[AS] == "not_checked"
    assert statuses(result)["credit-scoring/blue"] == "not_checked"


def test_waiver_covers_an_autoscale_finding() -> None:
    from datetime import date

    from iac_gen.desired import desired_state
    from iac_gen.diagnostics import Location
    from iac_gen.drift.waivers import Waiver, WaiverSet

    want = desired()
    live = live_of(want)
    body_of(live, AUTOSCALE)["properties"]["profiles"][0]["capacity"]["maximum"] = "20"
    waiver = Waiver(
        id="W-9",
        resource="credit-scoring/blue/autoscale",
        field="autoscale.blue.*",
        reason="Black Friday",
        approver="sre@contoso.com",
        ticket=None,
        expires=date(2099, 1, 1),
        location=Location("waivers.yaml", 1, 1),
    )
    state = desired_state(example_spec())
    state.resources = want
    result = analyse_desired([(example_spec(), state)], bundle(live), WaiverSet(None, (waiver,)))
    (finding,) = [f for f in result["findings"] if f["change"] != "not_comparable"]
    assert finding["waived"] and finding["field"] == "autoscale.blue.max_instances"
    assert finding["waiver"]["id"] == "W-9"


def test_analysis_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same design and live state in another order, same clock: the same result (without a
    fixed clock two runs can straddle a second and differ in `generated_at` only)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    want = desired()
    live = live_of(want)
    body_of(live, AUTOSCALE)["properties"]["enabled"] = False
    body_of(live, DIAGNOSTICS)["properties"]["logs"].pop()
    first = run(want, bundle(live))
    second = run(want, bundle(list(reversed(live))))
    assert first == second


def test_az_ml_show_output_cannot_say_companions_are_missing() -> None:
    """The CLI v2 reader (`az ml online-endpoint show` + `online-deployment show`)."""
    from pathlib import Path

    from iac_gen.drift import analyse
    from iac_gen.live import read_live

    root = Path(__file__).resolve().parents[2]
    live = read_live(root / "fixtures" / "live-cli" / "endpoint-and-deployments.json")
    assert live.format == "azure-ml-cli"
    result = analyse([example_spec()], live)
    assert AS not in statuses(result) and DS not in statuses(result)
    assert not [f for f in result["findings"] if f["resource"] in (AS, DS)]
    reasons = {c["reason"] for c in coverage_entries(result) if c["resource"] in (AS, DS)}
    assert reasons == {tables.NOT_IN_LIVE_INPUT}
