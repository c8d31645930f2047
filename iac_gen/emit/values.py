"""Values on their way into a template: expressions, and the escaping of literals.

A spec value never becomes template syntax. Literals reach ARM JSON through `arm_data`
(a string that would read as an ARM expression, `[...]`, is written `[[...]`, object keys
included, and a key `copy` is written `[string('copy')]`) and Bicep
through `bicep_literal` (quotes, backslashes, `${` and control characters escaped). Only
`Expr` objects - built by this package from fixed text plus escaped literals - are written
as expressions.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Expr:
    """One expression, spelled for each language (ARM without its brackets)."""

    arm: str
    bicep: str


def param_ref(name: str) -> Expr:
    return Expr(f"parameters({arm_string(name)})", name)


def arm_string(text: str) -> str:
    """A string literal inside an ARM expression: single quotes, doubled to escape."""
    return "'" + text.replace("'", "''") + "'"


def arm_literal(text: str) -> str:
    """A literal JSON string value that ARM must not evaluate."""
    if text.startswith("[") and text.endswith("]"):
        return "[" + text
    return text


def arm_key(key: str) -> str:
    """A literal property name that ARM must neither evaluate nor treat as a loop.

    ARM evaluates expressions in property names as well as values, so a key is escaped
    like a value (`[x]` -> `[[x]`; Bicep compiles a key `'[abc]'` to `"[[abc]"`, Azure/bicep
    #575). A property named `copy` is read by the deployment engine as a copy loop at any
    depth; Bicep writes such a key as the expression `[string('copy')]` (Azure/bicep #7241),
    which evaluates to the same name. ARM property names are case-insensitive, so every
    spelling of `copy` is treated that way.
    """
    if key.lower() == "copy":
        return f"[string({arm_string(key)})]"
    return arm_literal(key)


def arm_unescape(text: str) -> str:
    """How ARM reads a string value back (the inverse of `arm_literal` for literals)."""
    return text[1:] if text.startswith("[[") and text.endswith("]") else text


def arm_data(value: Any) -> Any:
    """A Python structure -> JSON data for an ARM template (expressions bracketed)."""
    kind = type(value)  # the exact type first: text, arrays and objects skip the ABC check
    if kind is str or isinstance(value, str):
        return arm_literal(value)
    if kind is list or isinstance(value, (list, tuple)):
        return [arm_data(v) for v in value]
    if kind is dict or isinstance(value, Mapping):
        return {arm_key(str(k)): arm_data(v) for k, v in value.items()}
    if isinstance(value, Expr):
        return f"[{value.arm}]"
    if isinstance(value, float) and not isinstance(value, bool):
        _finite(value)
        # The template language has no fractional literals; Bicep compiles 0.5 to json('0.5').
        return int(value) if value.is_integer() else f"[json('{value!r}')]"
    if value is None or isinstance(value, (bool, int)):
        return value
    raise TypeError(f"cannot write {type(value).__name__} into an ARM template")


def arm_parameter_value(value: Any) -> Any:
    """A value for a parameters file: a top-level string as it is, strings inside objects
    and arrays (keys too) escaped as in a template.

    Resource Manager does not evaluate a string parameter value, but it does evaluate
    `[...]` strings nested in an object or array value: Azure/bicep #9173 (a nested
    `"[insert-string-here]"` fails deployment validation) and #18658 (a nested key and value
    `[subscription().id]` both deployed as the evaluated subscription id, confirmed on a live
    subscription in August 2026). Escaped with `[[`, the engine reads them back as written;
    keys are evaluated too, so they are written like template keys (`arm_key`, which also
    keeps a key named `copy` from reading as a copy loop).
    """
    if isinstance(value, str):
        return value
    return _nested_parameter_value(value)


def _nested_parameter_value(value: Any) -> Any:
    if isinstance(value, str):
        return arm_literal(value)
    if isinstance(value, Mapping):
        return {arm_key(str(k)): _nested_parameter_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nested_parameter_value(v) for v in value]
    return value


def _finite(value: float) -> None:
    """NaN and infinity have no JSON form, and `json('nan')` fails in ARM: validation refuses
    them (IAC015), so one here is a bug, never written."""
    if not math.isfinite(value):
        raise ValueError(f"cannot write the number {value!r} into a template")


def arm_json(value: Any) -> str:
    """Jinja filter: JSON text of `value` for an ARM template."""
    return json.dumps(arm_data(value), ensure_ascii=False, sort_keys=True)


# A backslash is written `\u{5C}` rather than `\\`, and the `$` of `${` as `\u{24}` rather
# than `\$`: all are valid Bicep, but `\\'` (a value ending in a backslash) and `\${` are
# mis-read by common regex-based Bicep lexers (pycep-parser among them).
_BICEP_ESCAPES = {"\\": "\\u{5C}", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")  # \Z: `$` allows a final newline


# Characters that need an escape; a `$` only when it starts `${`.
_BICEP_SPECIAL = re.compile(r"[\\'\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]|\$(?=\{)")


def _bicep_escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _BICEP_ESCAPES:
        return _BICEP_ESCAPES[ch]
    return f"\\u{{{ord(ch):X}}}"  # `$` of `${`, control characters, line separators


def bicep_string(text: str) -> str:
    """A Bicep single-quoted string literal with every special character escaped.

    Printable ASCII needs an escape only for a backslash, a quote or `${`: text that is
    printable ASCII and holds none of them (nearly all of a template) is returned quoted
    after those checks, without running the pattern."""
    if (
        text.isascii()
        and text.isprintable()
        and "\\" not in text
        and "'" not in text
        and "${" not in text
    ):
        return "'" + text + "'"
    return "'" + _BICEP_SPECIAL.sub(_bicep_escape, text) + "'"


_UNESCAPE = re.compile(r"\\(u\{([0-9A-Fa-f]+)\}|.)", re.DOTALL)
_SIMPLE = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}


def bicep_unescape(body: str) -> str:
    """The value of a Bicep string literal's body (text between the quotes)."""

    def one(m: re.Match[str]) -> str:
        if m.group(2) is not None:
            return chr(int(m.group(2), 16))
        return _SIMPLE[m.group(1)]

    return _UNESCAPE.sub(one, body)


# Words Bicep's lexer reads as literals or keywords: a property named one of them is quoted
# (pycep, like Bicep's own parser, reads `null: 'x'` as a literal, not a name).
_BICEP_WORDS = frozenset({"true", "false", "null"})


def bicep_key(key: str) -> str:
    return key if IDENTIFIER.match(key) and key not in _BICEP_WORDS else bicep_string(key)


def bicep_literal(value: Any, indent: int = 0) -> str:
    """Jinja filter: Bicep text for `value` (objects and arrays one entry per line)."""
    kind = type(value)  # the exact type first: text, arrays and objects skip the ladder
    if kind is str or isinstance(value, str):
        return bicep_string(value)
    pad = "  " * indent
    if kind is list or isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        lines = [f"{pad}  {bicep_literal(v, indent + 1)}" for v in value]
        return "[\n" + "\n".join(lines) + f"\n{pad}]"
    if kind is dict or isinstance(value, Mapping):
        if not value:
            return "{}"
        lines = [
            f"{pad}  {bicep_key(str(k))}: {bicep_literal(v, indent + 1)}" for k, v in value.items()
        ]
        return "{\n" + "\n".join(lines) + f"\n{pad}}}"
    if isinstance(value, Expr):
        return value.bicep
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        _finite(value)
        if value.is_integer():
            return str(int(value))
        return f"json({bicep_string(repr(value))})"
    raise TypeError(f"cannot write {type(value).__name__} into a Bicep file")


def bicep_identifier(name: str) -> str:
    """Jinja filter: a symbol or parameter name, refused unless it is a plain identifier."""
    if not IDENTIFIER.match(name):
        raise ValueError(f"not a Bicep identifier: {name!r}")
    return name
