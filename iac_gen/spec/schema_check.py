"""Check a canonical document against `schemas/spec.schema.json`, with positions.

The schema is evaluated by `schema_subset` (jsonschema's import alone would double the start-up
time of `iac-gen validate`); a differential test keeps the two in agreement. Each schema error
becomes one diagnostic at the offending key, with a "did you mean" for unknown keys.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from iac_gen.diagnostics import Diagnostic, Location
from iac_gen.spec.document import spec_path

SCHEMA_NAME = "spec.schema.json"

Locate = Callable[[str], Location]

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "empty",
}


@cache
def _validator() -> Any:
    from iac_gen.resources import load_schema
    from iac_gen.spec.schema_subset import Validator

    return Validator(load_schema(SCHEMA_NAME))


def describe(value: Any) -> str:
    """A short, safe rendering of a user value for messages."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return "text " + repr(text)
    return repr(value)


def _types(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_WORDS.get(str(n), str(n)) for n in names)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _where(path: str) -> str:
    return path if path else "the top level"


def schema_diagnostics(data: Any, locate: Locate, prefix: str = "") -> list[Diagnostic]:
    """All schema problems of `data`; `prefix` is prepended to spec paths in messages.

    Long because it is the one table from schema keyword to diagnostic code and wording;
    one branch per keyword, read side by side."""
    diags: list[Diagnostic] = []
    validator = _validator()
    if validator.is_valid(data):
        return diags
    for err in validator.iter_errors(data):
        raw = tuple(err.absolute_path)
        path = spec_path(raw, data)
        shown = prefix + path if path else prefix.rstrip(".")
        kind = err.validator
        if kind == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set((err.schema.get("properties") or {}).keys())
            for key in err.instance:
                if key in allowed:
                    continue
                key_path = f"{path}.{key}" if path else key
                diags.append(
                    Diagnostic(
                        "IAC102",
                        f"unknown key '{key}' in {_where(shown)}{did_you_mean(key, allowed)}"
                        + ("" if allowed else "; no keys are allowed here"),
                        locate(key_path),
                    )
                )
            continue
        loc = locate(path)
        if kind == "type":
            want = _types(err.validator_value)
            msg = f"{_where(shown)} must be {want}, not {describe(err.instance)}"
            diags.append(Diagnostic("IAC103", msg, loc))
        elif kind == "required":
            missing = [k for k in err.validator_value if k not in (err.instance or {})]
            for key in missing:
                diags.append(Diagnostic("IAC104", f"{_where(shown)} needs '{key}'", loc))
        elif kind == "enum":
            allowed_values = ", ".join(str(v) for v in err.validator_value)
            msg = f"{_where(shown)} is {describe(err.instance)}; allowed: {allowed_values}"
            if isinstance(err.instance, str):
                msg += did_you_mean(err.instance, [str(v) for v in err.validator_value])
            diags.append(Diagnostic("IAC105", msg, loc))
        elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            bound = {
                "minimum": "at least",
                "maximum": "at most",
                "exclusiveMinimum": "more than",
                "exclusiveMaximum": "less than",
            }[kind]
            limit = err.validator_value
            msg = f"{_where(shown)} is {describe(err.instance)}; it must be {bound} {limit}"
            diags.append(Diagnostic("IAC106", msg, loc))
        elif kind in ("pattern", "minLength", "maxLength", "format"):
            msg = f"{_where(shown)} is {describe(err.instance)}, which is not in the expected form"
            description = err.schema.get("description")
            if description:
                msg += f" ({description.rstrip('.')})"
            diags.append(Diagnostic("IAC107", msg, loc))
        elif kind in ("not", "false"):
            what = f"'{err.instance}'" if isinstance(err.instance, str) else describe(err.instance)
            diags.append(Diagnostic("IAC102", f"{what} is not allowed in {_where(shown)}", loc))
        elif kind == "minItems":
            count = err.validator_value
            noun = "item" if count == 1 else "items"
            diags.append(
                Diagnostic("IAC108", f"{_where(shown)} needs at least {count} {noun}", loc)
            )
        elif kind == "uniqueItems":
            diags.append(Diagnostic("IAC108", f"{_where(shown)} lists the same item twice", loc))
        else:
            msg = f"{_where(shown)}: {_plain(err.message)}"
            diags.append(Diagnostic("IAC108", msg, loc))
    return diags


def _plain(message: str) -> str:
    return message if len(message) <= 160 else message[:157] + "..."
