"""A bundle's fast paths give what the plain ones give: the schema verdict and messages of
jsonschema over the whole bundle, and the digests of `json.dumps`' canonical text.

`readers.bundle._schema_errors` asks the compiled subset evaluator first and jsonschema only
when it finds a problem; `live.bundle.canonical_bytes` takes orjson's bytes.
Each is compared here with the reference on the sample bundle and on broken copies of it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from iac_gen.live.bundle import canonical_bytes, canonical_json
from iac_gen.live.readers import bundle as reader
from tests.live.live_samples import samples


def _bundle() -> dict[str, Any]:
    return copy.deepcopy(samples()["live-bundle/bundle.json"])


def _reference(data: Any) -> list[tuple[list[Any], str]]:
    errors = sorted(reader._validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [(list(e.absolute_path), e.message) for e in errors]


def _fast(data: Any) -> list[tuple[list[Any], str]]:
    return [(list(e.absolute_path), e.message) for e in reader._schema_errors(data)]


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "as exported": lambda data: None,
    "resource without id": _drop(("resources", 1, "id")),
    "resource id not an ARM id": _set(("resources", 0, "id"), "subscriptions/x"),
    "resource id a number": _set(("resources", 2, "id"), 7),
    "resource type empty": _set(("resources", 0, "type"), ""),
    "resource properties a list": _set(("resources", 0, "properties"), []),
    "resource properties null": _set(("resources", 0, "properties"), None),
    "resource a list": _set(("resources", 3), ["x"]),
    "resources an object": _set(("resources",), {"id": "/x"}),
    "read entry with an extra key": _set(("read", 0, "note"), "x"),
    "read entry without status": _drop(("read", 1, "status")),
    "read status unknown": _set(("read", 0, "status"), "skipped"),
    "read reason a number": _set(("read", 0, "reason"), 3),
    "read a string": _set(("read",), "all"),
    "no summary": _drop(("summary",)),
    "unknown member": _set(("extra",), 1),
    "errors entry broken": _set(("errors",), [{"id": 1}]),
    "empty arrays": lambda data: data.update(resources=[], read=[]),
}
VALID = ("as exported", "resource properties null", "empty arrays")


@pytest.mark.parametrize("name", list(EDITS))
def test_schema_errors_are_those_of_jsonschema_over_the_whole_bundle(name: str) -> None:
    data = _bundle()
    EDITS[name](data)
    assert _fast(data) == _reference(data)
    assert (_fast(data) == []) == (name in VALID)


def test_the_shipped_schema_is_within_the_subset() -> None:
    """The fast verdict is not silently partial: the subset evaluates every keyword."""
    from iac_gen.resources import load_schema
    from iac_gen.spec.schema_subset import unsupported_keywords

    assert unsupported_keywords(load_schema("bundle.schema.json")) == []


VALUES: dict[str, Any] = {
    "sample bundle": samples()["live-bundle/bundle.json"],
    "awkward text": {"é": "\u2028\U0001f600", "b": ['"\\/\x00\x1f', ""], "a": None},
    "numbers": [0, -0.0, 1.5, 1e-05, 2.5e-07, 1e300, 2**63 - 1, -(2**63), True, False],
    "big integer": {"n": 2**70},
    "nested empties": {"z": {}, "y": [], "x": [{}, [[]]]},
}


@pytest.mark.parametrize("name", list(VALUES))
def test_canonical_bytes_are_json_dumps_canonical_text(name: str) -> None:
    value = VALUES[name]
    assert canonical_bytes(value) == canonical_json(value).encode("utf-8")
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_bytes(value) == expected.encode("utf-8")
