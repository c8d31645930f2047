"""The drift result and waivers schemas are valid JSON Schemas and say what the code does."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from iac_gen.drift import tables
from iac_gen.resources import load_schema
from iac_gen.severity import SEVERITIES


@pytest.mark.parametrize("name", ["drift.schema.json", "waivers.schema.json"])
def test_schema_is_valid(name: str) -> None:
    Draft202012Validator.check_schema(load_schema(name))


def test_drift_schema_enums_follow_the_tables() -> None:
    finding = load_schema("drift.schema.json")["properties"]["findings"]["items"]["properties"]
    assert finding["severity"]["enum"] == list(SEVERITIES)
    assert finding["category"]["enum"] == list(tables.CATEGORIES)


def test_waiver_schema_requires_owner_reason_and_expiry() -> None:
    waiver = load_schema("waivers.schema.json")["$defs"]["waiver"]
    assert {"id", "resource", "field", "reason", "approver", "expires"} <= set(waiver["required"])
