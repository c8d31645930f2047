"""The drift engine's fast paths give what the plain versions they replace give.

Each fast path (sorting coverage without a key per row, ...) is compared here with the
straightforward code it stands in for, over generated input that reaches the corners: names
that differ only in case, reasons of None beside text, rows of one resource apart.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from iac_gen.coverage import sort_key, sort_rows

_RESOURCES = st.sampled_from(["ep", "EP", "Ep", "ep/blue", "ep/Blue", "a", "b/x", "B/x"])
_FIELDS = st.sampled_from(["name", "auth_mode", "deployments.blue.model", "tags.a"])
_PATHS = st.sampled_from(["", "properties.authMode", "tags.a", "sku.capacity"])
_OUTCOMES = st.sampled_from(["matched", "drifted", "waived", "not_comparable"])
_REASONS = st.sampled_from([None, None, "", "why", "other reason"])
_ROW = st.tuples(_RESOURCES, _FIELDS, _PATHS, _OUTCOMES, _REASONS).map(list)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ROW, max_size=40), st.booleans())
def test_sort_rows_is_sorted_by_sort_key(rows: list[list[Any]], grouped: bool) -> None:
    if grouped:  # as a drift run emits them: resource by resource
        rows = sorted(rows, key=lambda r: r[0])
    expected = sorted(rows, key=sort_key)
    # Row for row: rows whose keys tie ("" and None reasons) keep their input order too.
    assert sort_rows(rows) == expected


def test_sort_rows_leaves_its_input_alone() -> None:
    rows = [
        ["b", "f", "p", "matched", None],
        ["a", "f", "p", "matched", ""],
        ["a", "f", "p", "x", None],
    ]
    before = [list(r) for r in rows]
    assert sort_rows(rows) == sorted(before, key=sort_key)
    assert rows == before
