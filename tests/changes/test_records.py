"""Change records from the documented shapes, and how drift picks the one a finding shows."""

from __future__ import annotations

from typing import Any

import pytest

from iac_gen.azure.changes import (
    graph_query,
    parse_time,
    record_from_event,
    record_from_row,
)
from iac_gen.drift.attribution import Attributor, attach, names_property
from iac_gen.emulator.data import activity_event, change_row

RID = (
    "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/"
    "workspaces/w/onlineEndpoints/e/deployments/blue"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-11-19T14:29:09.9210000Z", "2021-11-19T14:29:09"),  # the REST example's form
        ("2024-06-12T13:26:17.347+00:00", "2024-06-12T13:26:17"),  # the docs' form
        ("2024-06-12T15:26:17+02:00", "2024-06-12T13:26:17"),
        ("2024-06-12 13:26:17Z", "2024-06-12T13:26:17"),
    ],
)
def test_timestamps_in_the_forms_azure_writes(text: str, expected: str) -> None:
    when = parse_time(text)
    assert when is not None and when.strftime("%Y-%m-%dT%H:%M:%S") == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-40T00:00:00Z", None, 17])
def test_timestamps_that_are_not(text: Any) -> None:
    assert parse_time(text) is None


def test_a_resourcechanges_row_keeps_paths_never_values() -> None:
    row = change_row(
        RID,
        "2025-12-22T08:30:11Z",
        {"properties.environmentVariables.DB_PASSWORD": ("old-Pa55w0rd!", "new-Pa55w0rd!")},
        changed_by="alice@contoso.com",
        changed_by_type="User",
        client_type="Azure Portal",
    )
    record = record_from_row(row)
    assert record is not None
    assert record["properties"] == ["properties.environmentVariables.DB_PASSWORD"]
    assert "Pa55w0rd" not in repr(record)
    assert (record["changed_by"], record["client_type"]) == ("alice@contoso.com", "Azure Portal")


def test_a_row_without_actor_fields_is_kept_with_none() -> None:
    """The REST example's rows have no changedBy / clientType: still a record."""
    row = change_row(
        RID,
        "2025-12-22T08:30:11Z",
        {"sku.capacity": (1, 2)},
        changed_by=None,
        changed_by_type=None,
        client_type=None,
    )
    del row["properties"]["changeAttributes"]["changedBy"]
    record = record_from_row(row)
    assert record is not None and record["changed_by"] is None


def test_actor_text_that_looks_like_a_credential_is_withheld() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    row = change_row(
        RID,
        "2025-12-22T08:30:11Z",
        {"sku.capacity": (1, 2)},
        changed_by=jwt,
        changed_by_type="User",
        client_type="Azure Portal",
    )
    record = record_from_row(row)
    assert record is not None and record["changed_by"] == "<redacted>"


@pytest.mark.parametrize(
    ("status", "operation", "kept"),
    [
        ("Succeeded", None, True),
        ("Started", None, False),
        ("Failed", None, False),
        (
            "Succeeded",
            "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/delete",
            True,
        ),
        (
            "Succeeded",
            "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/getLogs/action",
            False,
        ),
    ],
)
def test_activity_log_keeps_succeeded_writes_and_deletes(
    status: str, operation: str | None, kept: bool
) -> None:
    event = activity_event(
        RID,
        "2025-12-28T09:15:02Z",
        caller="bob@contoso.com",
        method="PATCH",
        status=status,
        operation=operation,
    )
    record = record_from_event(event, RID)
    assert (record is not None) == kept


def test_activity_log_record_drops_claims_and_the_client_address() -> None:
    event = activity_event(RID, "2025-12-28T09:15:02Z", caller="bob@contoso.com", method="PATCH")
    event["claims"] = {"puid": "20030000801A118C", "ipaddr": "198.51.100.4", "name": "Bob"}
    record = record_from_event(event, RID)
    assert record is not None
    text = repr(record)
    for leaked in ("20030000801A118C", "198.51.100.4", "203.0.113.7", "Bob'"):
        assert leaked not in text
    assert record["http_method"] == "PATCH" and record["changed_by"] == "bob@contoso.com"


def test_the_query_names_the_ids_and_the_window() -> None:
    from datetime import UTC, datetime

    q = graph_query([RID], datetime(2025, 12, 18, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    assert q.startswith("resourcechanges")
    assert f"'{RID.lower()}'" in q
    assert "datetime(2025-12-18T00:00:00Z)" in q and "datetime(2026-01-01T00:00:00Z)" in q


@pytest.mark.parametrize(
    ("changed", "arm_path", "named"),
    [
        (["sku.capacity"], "sku.capacity", True),
        (["properties.traffic.blue"], "properties.traffic", True),
        (["properties.environmentVariables"], "properties.environmentVariables.X", True),
        (
            ["properties.profiles[0].capacity.maximum"],
            "properties.profiles.0.capacity.maximum",
            True,
        ),
        (["Properties.AuthMode"], "properties.authMode", True),
        (["properties.description"], "properties.authMode", False),
        (["sku.capacityX"], "sku.capacity", False),
        ([], "sku.capacity", False),
    ],
)
def test_property_paths(changed: list[str], arm_path: str, named: bool) -> None:
    assert names_property(changed, arm_path) is named


def _record(when: str, paths: list[str], who: str = "alice@contoso.com") -> dict[str, Any]:
    return {
        "resource_id": RID,
        "source": "resourcechanges",
        "timestamp": when,
        "changed_by": who,
        "changed_by_type": "User",
        "client_type": "Azure Portal",
        "operation": None,
        "change_type": "Update",
        "correlation_id": None,
        "http_method": None,
        "properties": paths,
    }


def _changes(
    records: list[dict[str, Any]], status: str = "read", reason: str = ""
) -> dict[str, Any]:
    return {
        "days": 14,
        "observed_at": "2026-01-01T00:00:00Z",
        "actors_redacted": False,
        "resources": [
            {"id": RID, "status": status, "source": "resourcechanges", "days": 14, "reason": reason}
        ],
        "records": records,
    }


def _finding(arm_path: str = "sku.capacity", change: str = "not_equal") -> dict[str, Any]:
    return {"resource_id": RID, "arm_path": arm_path, "change": change}


def test_the_change_of_the_property_wins_over_a_later_write() -> None:
    changes = _changes(
        [
            _record("2025-12-20T00:00:00Z", ["sku.capacity"], "alice@contoso.com"),
            _record("2025-12-30T00:00:00Z", ["properties.description"], "carol@contoso.com"),
        ]
    )
    found = Attributor(changes).attribution(_finding())
    assert (found["match"], found["changed_by"]) == ("property", "alice@contoso.com")


def test_the_latest_change_of_the_property_wins() -> None:
    changes = _changes(
        [
            _record("2025-12-20T00:00:00Z", ["sku.capacity"], "alice@contoso.com"),
            _record("2025-12-25T00:00:00Z", ["sku.capacity"], "dave@contoso.com"),
        ]
    )
    assert Attributor(changes).attribution(_finding())["changed_by"] == "dave@contoso.com"


def test_without_a_property_match_the_nearest_write_before_the_observation() -> None:
    changes = _changes(
        [
            _record("2025-12-20T00:00:00Z", ["tags.a"], "alice@contoso.com"),
            _record("2025-12-29T00:00:00Z", ["tags.b"], "carol@contoso.com"),
            _record("2026-01-02T00:00:00Z", ["sku.capacity"], "mallory@contoso.com"),  # after
        ]
    )
    found = Attributor(changes).attribution(_finding())
    assert (found["match"], found["changed_by"]) == ("nearest_write", "carol@contoso.com")
    assert "no record names this property" in found["text"]


def test_none_and_unknown() -> None:
    assert Attributor(_changes([])).attribution(_finding())["text"] == (
        "no change record in the last 14 days"
    )
    denied = _changes([], "unknown", "Resource Graph: access denied (HTTP 403)")
    found = Attributor(denied).attribution(_finding())
    assert found == {
        "status": "unknown",
        "reason": "Resource Graph: access denied (HTTP 403)",
        "text": "unknown (Resource Graph: access denied (HTTP 403))",
    }
    other = dict(_finding(), resource_id=RID + "x")
    assert Attributor(_changes([])).attribution(other)["status"] == "unknown"


def test_attach_skips_not_comparable_and_needs_a_history() -> None:
    findings = [_finding(), _finding(change="not_comparable")]
    attach(findings, None)
    assert all("attribution" not in f for f in findings)
    attach(findings, _changes([]))
    assert "attribution" in findings[0] and "attribution" not in findings[1]
