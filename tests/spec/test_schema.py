"""The shipped spec schema: valid 2020-12, documented, and evaluated like jsonschema does."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iac_gen.resources import load_schema
from iac_gen.spec.schema_subset import Validator, unsupported_keywords
from iac_gen.spec.yaml_source import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = load_schema("spec.schema.json")


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    r"""jsonschema's `pattern` uses Python's `re.search`, where `$` also matches before a final
    newline; JSON Schema means ECMA-262, where it does not. The shipped patterns end in `$`
    only, so `\Z` in its place gives the ECMA meaning."""
    if isinstance(instance, str) and not re.search(pattern.replace("$", r"\Z"), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def reference_validator() -> Any:
    """jsonschema with the spec's two stricter rules: 2.0 is not an integer, and `$` in a
    pattern is the end of the text (ECMA-262), not also the place before a final newline."""
    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda _c, v: isinstance(v, int) and not isinstance(v, bool)
    )
    validators = {**base.VALIDATORS, "pattern": _ecma_pattern}
    return jsonschema.validators.extend(base, validators, type_checker=checker)(SCHEMA)


REFERENCE = reference_validator()
SUBSET = Validator(SCHEMA)


def error_keys(errors: Any) -> set[tuple[tuple[Any, ...], str]]:
    return {(tuple(e.absolute_path), e.validator) for e in errors}


def assert_agree(doc: Any) -> None:
    assert error_keys(SUBSET.iter_errors(doc)) == error_keys(REFERENCE.iter_errors(doc))


def test_schema_is_valid_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_uses_only_keywords_the_evaluator_knows() -> None:
    assert unsupported_keywords(SCHEMA) == []


def _walk_properties(schema: Any, path: str = "") -> list[str]:
    missing: list[str] = []
    if isinstance(schema, dict):
        for name, sub in (schema.get("properties") or {}).items():
            if isinstance(sub, dict) and not sub.get("description"):
                missing.append(f"{path}.{name}")
            missing += _walk_properties(sub, f"{path}.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                missing += _walk_properties(schema[key], f"{path}[]")
        for name, sub in (schema.get("$defs") or {}).items():
            missing += _walk_properties(sub, f"$defs.{name}")
    return missing


def test_every_property_is_described_for_editors() -> None:
    assert _walk_properties(SCHEMA) == []


def test_closed_objects_everywhere() -> None:
    """Every object with declared properties refuses unknown keys (except overlays)."""

    def walk(schema: Any, path: str) -> list[str]:
        out: list[str] = []
        if isinstance(schema, dict):
            if "properties" in schema and "additionalProperties" not in schema:
                out.append(path)
            for group in ("properties", "$defs"):
                for name, sub in (schema.get(group) or {}).items():
                    out += walk(sub, f"{path}/{group}/{name}")
            for key in ("items", "additionalProperties"):
                out += walk(schema.get(key), f"{path}/{key}")
        return out

    assert walk(SCHEMA, "#") == ["#/$defs/overlay"]


FIXTURE_FILES = sorted(
    p
    for p in (ROOT / "fixtures").rglob("*.y*ml")
    if "expected" not in p.parts and p.suffix in (".yml", ".yaml")
)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_agrees_with_jsonschema_on_fixtures(path: Path) -> None:
    try:
        docs = parse_yaml(path)
    except Exception:  # unreadable fixtures are about the loader, not the schema
        return
    for doc in docs:
        assert_agree(doc.data)


EXAMPLE = parse_yaml(ROOT / "fixtures" / "example" / "spec.yaml")[0].data

JSONISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**6), max_value=10**6),
        st.floats(allow_nan=False),
        st.sampled_from(["", "key", "aad_token", "enabled", "12:00", "2026-05-01", "Monday"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(EXAMPLE)[1:]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), JSONISH, st.booleans()), max_size=4))
def test_agrees_with_jsonschema_on_mutated_example(changes: list[Any]) -> None:
    doc = copy.deepcopy(EXAMPLE)
    for path, value, add_key in changes:
        parent: Any = doc
        try:
            for part in path[:-1]:
                parent = parent[part]
            if add_key and isinstance(parent, dict):
                parent[f"{path[-1]}x"] = value
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    assert_agree(doc)


@pytest.mark.parametrize("value", ["2026-05-01", "2026-05-01\n", "2026-05-01-preview\n"])
def test_patterns_end_at_the_end_of_the_text(value: str) -> None:
    """`$` is ECMA-262's end of text in both evaluators: a final newline does not match."""
    doc = {"name": "x", "target": {"api_version": value}, "deployments": []}
    assert_agree(doc)
    bad = {tuple(e.absolute_path) for e in SUBSET.iter_errors(doc) if e.validator == "pattern"}
    assert bad == ({("target", "api_version")} if value.endswith("\n") else set())
