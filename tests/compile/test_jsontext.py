"""The fast canonical JSON writer produces exactly the bytes of `output_files.dumps_json`."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iac_gen.emit.jsontext import canonical_json
from iac_gen.output_files import dumps_json

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
