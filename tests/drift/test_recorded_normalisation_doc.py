"""docs/normalisation.md is generated from the tables and must not go stale."""

from __future__ import annotations

from iac_gen.drift import tables
from iac_gen.drift.normalisation_doc import entries, render
from tests.conftest import ROOT

DOC = ROOT / "docs" / "normalisation.md"


def test_normalisation_doc_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/normalisation.md is stale: run `make docs`"
    )


def test_doc_lists_every_entry_with_its_source() -> None:
    text = render()
    rows = entries()
    count = (
        len(tables.SERVER_OWNED)
        + len(tables.SYSTEM_PROPERTY_KEYS)
        + len(tables.SERVICE_WRITTEN_KEYS)
        + len(tables.SERVICE_DEFAULTS)
        + len(tables.KEPT_WHEN_UNSET)
        + len(tables.SHAPE_OMITTED)
        + len(tables.API_VERSIONED)
        + len(tables.UNSETTLED_STATES)
        + len(tables.ENUMS)
        + len(tables.CASE_INSENSITIVE)
        + len(tables.DURATIONS)
        + len(tables.NUMBER_STRINGS)
        + len(tables.QUANTITIES)
        + len(tables.ASSET_IDS)
        + len(tables.MAPS)
        + len(tables.LIST_KEYS)
    )
    assert len(rows) == count
    table_lines = [
        line for line in text.splitlines() if line.startswith("| ") and "---" not in line
    ]
    assert len(table_lines) - text.count("| Kind | Entry |") == count
    assert text.count("**unverified**") == sum(1 for r in rows if r.source == tables.UNVERIFIED)
    assert "AZUREML_MODEL_DIR" in text and "0.195Gi" in text
