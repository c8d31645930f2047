"""The fast canonical JSON writers produce exactly the bytes of `json.dumps`.

Three writers must agree: `json.dumps(sort_keys=True, ensure_ascii=False)` (the reference),
the Python writer used without orjson, and orjson where the fast path accepts its output
(indented and compact), on many inputs: non-ASCII text and lone surrogates, floats of every
magnitude, integers beyond 64 bits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iac_gen.emit import jsontext
from iac_gen.emit.jsontext import canonical_json, fast_json, python_canonical_json
from iac_gen.output_files import dumps_json
from iac_gen.report.json import compact_json

ROOT = Path(__file__).resolve().parents[2]

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_same_text_as_dumps_json(data: Any) -> None:
    assert canonical_json(data) == dumps_json(data)


def test_special_floats_and_refusals() -> None:
    assert canonical_json([float("inf"), -0.0, 1e100]) == dumps_json([float("inf"), -0.0, 1e100])
    with pytest.raises(TypeError):
        canonical_json({"x": object()})


TEXT = st.text(st.characters(blacklist_categories=()), max_size=12)  # surrogates included
NUMBERS = (
    st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=1e-12, max_value=1e-3)
    | st.sampled_from([1e-5, 1e-9, 1e-4, 0.1, 1e16, 1e15, 5e-324, -0.0, 2**63, 2**64])
)
WIDE = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT | st.sampled_from(["é", "日本", "\u2028", "\x7f"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=40,
)


def _reference(data: Any, indent: bool) -> str:
    if indent:
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


@settings(max_examples=500, deadline=None)
@given(WIDE)
def test_every_writer_gives_the_bytes_of_json_dumps(data: Any) -> None:
    indented = _reference(data, indent=True)
    assert python_canonical_json(data) == indented
    assert canonical_json(data) == indented
    assert dumps_json(data) == indented
    assert compact_json(data) == _reference(data, indent=False)
    for indent in (True, False):
        fast = fast_json(data, indent=indent)
        assert fast is None or fast == _reference(data, indent)


def test_orjson_writes_the_usual_evidence() -> None:
    """The fast path is taken for what drift.json and the templates hold (else no gain)."""
    pytest.importorskip("orjson")
    sample = json.loads((ROOT / "tests" / "report" / "data" / "drifted.json").read_text("utf-8"))
    assert jsontext._FAST is not False or fast_json({}, indent=True) is not None
    assert fast_json(sample, indent=True) == _reference(sample, indent=True)
    assert fast_json(sample, indent=False) == _reference(sample, indent=False)


@pytest.mark.parametrize("value", [1e-5, -6.668774716441606e-05, 7.2e-9, -3e-7, 2**64, "\ud800"])
def test_what_orjson_writes_differently_falls_back(value: Any) -> None:
    pytest.importorskip("orjson")
    assert fast_json({"v": value}, indent=True) is None
    assert canonical_json({"v": value}) == _reference({"v": value}, indent=True)
