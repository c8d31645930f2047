"""The compiled subset evaluator's verdict on saved results is jsonschema's.

`report` and `merge` accept a drift result the subset evaluator (`spec.schema_subset`) calls
valid without asking jsonschema (55 s against 1.4 s on a 10,000-endpoint result), and the
bundle reader does the same for export bundles. That is sound only if the subset never calls
valid what jsonschema refuses. Checked here on every golden drift result and on thousands of
copies with one value replaced, and on the types the compiled checks write inline.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from iac_gen.report import load
from iac_gen.resources import load_schema
from iac_gen.spec import schema_subset
from iac_gen.spec.schema_subset import Validator
from tests.spec.test_fast_paths import _replaced

ROOT = Path(__file__).resolve().parents[2]
RESULTS = sorted(ROOT.glob("fixtures/*/expected/drift.json"))
SCHEMA = load_schema("drift.schema.json")
REFERENCE = jsonschema.Draft202012Validator(SCHEMA)
SUBSET = Validator(SCHEMA)
REPLACEMENTS: tuple[Any, ...] = (None, "x", -1, 2.5, True, [], {"x": 1})


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value, containers included, the first two items of a list only."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            yield from _leaves(item, (*path, index))


def test_there_are_golden_results() -> None:
    assert len(RESULTS) >= 10


def test_the_shipped_schema_is_within_the_subset() -> None:
    assert schema_subset.unsupported_keywords(SCHEMA) == []


@pytest.mark.parametrize("path", RESULTS, ids=lambda p: p.parent.parent.name)
def test_golden_results_are_valid_to_both(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert REFERENCE.is_valid(data) and SUBSET.is_valid(data)
    assert load._schema_problems(data) == ([], [])


@pytest.mark.parametrize("path", RESULTS[:4], ids=lambda p: p.parent.parent.name)
def test_one_value_replaced_gets_jsonschemas_verdict(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    compared = refused = 0
    for where in list(_leaves(data))[1:]:
        for value in REPLACEMENTS:
            broken = _replaced(data, where, value)
            expected = REFERENCE.is_valid(broken)
            assert SUBSET.is_valid(broken) == expected, (where, value)
            assert bool(list(SUBSET.iter_errors(broken))) == (not expected), (where, value)
            compared += 1
            refused += not expected
    assert compared > 300 and refused > 100  # the edits reach the schema's rules


def test_status_ties_are_judged_like_jsonschema() -> None:
    """The top-level rules tying `status` to the content (if/then, contains, anyOf)."""
    data = json.loads(RESULTS[0].read_text(encoding="utf-8"))
    for status in ("in_sync", "drifted", "not_checked", "unknown"):
        for errors in ([], [{"resource": "x", "reason": "403"}]):
            edited = {**copy.deepcopy(data), "status": status, "errors": errors}
            assert SUBSET.is_valid(edited) == REFERENCE.is_valid(edited), (status, errors)


@pytest.mark.parametrize(
    "value", [None, True, False, 0, 1, -2, 2.5, 2.0, "", "x", [], [1], {}, {"a": 1}]
)
def test_inline_type_tests_answer_as_the_type_table(value: Any) -> None:
    for name, source in schema_subset._TYPE_SOURCE.items():
        inline = eval(source, {}, {"inst": value})  # the module's own source text
        assert inline == schema_subset._TYPES[name](value), (name, value)
    assert set(schema_subset._TYPE_SOURCE) == set(schema_subset._TYPES)


WAIVERS = ROOT / "fixtures" / "drift-waived" / "waivers.yaml"


def test_waiver_files_get_jsonschemas_verdict() -> None:
    """Waiver files are read through the same verdict (`drift.waivers._validate`)."""
    from iac_gen.spec.yaml_source import parse_yaml_text

    schema = load_schema("waivers.schema.json")
    reference = jsonschema.Draft202012Validator(schema)
    subset = schema_subset.verdict("waivers.schema.json")
    (document,) = parse_yaml_text(WAIVERS.read_text(encoding="utf-8"), str(WAIVERS))
    data = document.data
    assert reference.is_valid(data) and subset(data)
    refused = 0
    for where in list(_leaves(data))[1:]:
        for value in (*REPLACEMENTS, "next year", "2026-02-30", "2026-12-31"):
            broken = _replaced(data, where, value)
            assert subset(broken) == reference.is_valid(broken), (where, value)
            refused += not reference.is_valid(broken)
    assert refused > 20


def test_a_schema_beyond_the_subset_leaves_every_verdict_to_jsonschema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A shipped schema that grows a keyword the subset lacks must not be half-checked: its
    verdict refuses every input, so the reader asks jsonschema. A plain `if`, not an assert,
    so it holds under `python -O`; the result is still read, with jsonschema's verdict."""
    import iac_gen.resources

    widened = {**SCHEMA, "dependentRequired": {"summary": ["resources"]}}
    assert schema_subset.unsupported_keywords(widened) == ["#/dependentRequired"]
    monkeypatch.setattr(iac_gen.resources, "load_schema", lambda name: widened)
    schema_subset.verdict.cache_clear()
    try:
        refuse_all = schema_subset.verdict("drift.schema.json")
        data = json.loads(RESULTS[0].read_text(encoding="utf-8"))
        assert jsonschema.Draft202012Validator(widened).is_valid(data)
        assert refuse_all(data) is False and refuse_all({}) is False
        assert load._schema_problems(data) == ([], [])  # jsonschema found nothing
    finally:
        schema_subset.verdict.cache_clear()
