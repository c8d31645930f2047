"""`compare` finds exactly the differences deepdiff finds over every differing leaf.

The fast path decides most leaves without deepdiff; this checks it against the earlier
definition (deepdiff over all leaves that `!=` separates) on generated flat maps whose
values mix the types normalised leaves have, including the ones only deepdiff settles
(`1` and `1.0`, tuples, a value of another type).
"""

from __future__ import annotations

import sys
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from iac_gen.drift.compare import Difference, compare

_ABSENT = object()


def _by_deepdiff(desired: dict[Any, Any], live: dict[Any, Any]) -> list[Difference]:
    """The definition: deepdiff over every leaf `!=` separates (as before the fast path)."""
    from deepdiff import DeepDiff

    if desired == live:
        return []
    keys = [
        k for k in desired.keys() | live.keys() if desired.get(k, _ABSENT) != live.get(k, _ABSENT)
    ]
    if not keys:
        return []
    left = {k: desired[k] for k in keys if k in desired}
    right = {k: live[k] for k in keys if k in live}
    diff = DeepDiff(left, right, view="tree", ignore_numeric_type_changes=True)
    paths: set[Any] = set()
    for levels in diff.values():
        for level in levels:
            where = level.path(output_format="list")
            if where:
                paths.add(where[0])
            else:
                paths.update(keys)
    out = []
    for path in sorted(paths):
        change = (
            "not_equal"
            if path in desired and path in live
            else "removed"
            if path in desired
            else "added"
        )
        out.append(Difference(path, change, desired.get(path), live.get(path)))
    return out


_SCALARS = st.one_of(
    st.sampled_from(["a", "A", "b", "", "1"]),
    st.integers(-2, 2),
    st.sampled_from([0.0, 1.0, 1.5, -0.0, float("nan")]),
    st.booleans(),
)
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3).map(tuple))
_PATHS = st.sampled_from(
    [("properties", "a"), ("properties", "b"), ("sku", "capacity"), ("tags", "x"), ("location",)]
)
_FLATS = st.dictionaries(_PATHS, _VALUES, max_size=5)


@settings(max_examples=400, deadline=None)
@given(_FLATS, _FLATS)
def test_fast_path_agrees_with_deepdiff(desired: dict[Any, Any], live: dict[Any, Any]) -> None:
    got = compare(dict(desired), dict(live))
    want = _by_deepdiff(dict(desired), dict(live))
    assert [(d.path, d.change) for d in got] == [(d.path, d.change) for d in want]
    assert [repr((d.expected, d.actual)) for d in got] == [
        repr((d.expected, d.actual)) for d in want
    ]


def test_plain_differences_need_no_deepdiff() -> None:
    sys.modules.pop("deepdiff", None)
    found = compare(
        {("a",): "x", ("b",): 1, ("c",): True},
        {("a",): "y", ("b",): 2, ("d",): 1.5},
    )
    assert [(d.path, d.change) for d in found] == [
        (("a",), "not_equal"),
        (("b",), "not_equal"),
        (("c",), "removed"),
        (("d",), "added"),
    ]
    assert "deepdiff" not in sys.modules


def test_mixed_types_go_through_deepdiff() -> None:
    found = compare({("a",): 1, ("b",): (1, "x")}, {("a",): "1", ("b",): (1.0, "x", 2)})
    assert [(d.path, d.change) for d in found] == [(("a",), "not_equal"), (("b",), "not_equal")]
    assert compare({("a",): (1, 2)}, {("a",): (1.0, 2)}) == []
