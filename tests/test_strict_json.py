"""The one strict JSON reader: what Python's json lets through must be refused with a reason."""

from __future__ import annotations

import json

import pytest

from iac_gen.spec.one_line import escape
from iac_gen.strict_json import JsonProblem, loads


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"authMode": "Key", "authMode": "AADToken"}', "duplicate key"),
        ("[NaN]", "NaN is not a JSON number"),
        ('{"t": Infinity}', "Infinity is not a JSON number"),
        ("[-Infinity]", "-Infinity is not a JSON number"),
        ("[1e400]", "out of range"),
        ("[" + "9" * 5000 + "]", "5000 digits"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('["47\\udc00"]', "lone UTF-16 surrogate"),
        ('{"\\ud800": 1}', "lone UTF-16 surrogate"),
    ],
)
def test_python_json_leniencies_are_refused(text: str, reason: str) -> None:
    with pytest.raises(JsonProblem) as exc:
        loads(text)
    assert reason in exc.value.message


def test_syntax_errors_keep_their_position() -> None:
    with pytest.raises(JsonProblem) as exc:
        loads('{\n  "a": ,\n}')
    assert (exc.value.line, exc.value.col) == (2, 8)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, -2, 2.5, "x", true, null], "b": {"c": "\\u00e9"}}',
        '["\\ud83d\\ude00"]',  # a surrogate pair is one valid character
        "[" + "9" * 40 + "]",
        "[1e308]",
    ],
)
def test_ordinary_json_reads_as_python_reads_it(text: str) -> None:
    assert loads(text) == json.loads(text)


def test_terminal_escape_covers_c1_controls_and_bidi_overrides() -> None:
    shown = escape("a\x1b[2J\x9b31m\u202eevil\u2067é")
    assert shown == "a\\x1b[2J\\x9b31m\\u202eevil\\u2067é"
