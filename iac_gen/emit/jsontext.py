"""Canonical JSON text, byte-for-byte what `json.dumps(sort_keys=True, ensure_ascii=False)`
writes (indented or compact), several times faster.

`json.dumps(indent=2)` falls back to the pure-Python encoder; compiling a thousand endpoints
spends a third of its time there. `orjson` writes the same text ten times faster, with two
known differences, both detected in its output so the Python writers take over:
- a float between 1e-9 and 1e-4 (Python `1e-05`, orjson `0.00001` or `1e-7`);
- what it refuses (an integer beyond 64 bits, a lone surrogate, a non-text key).
NaN and infinity (orjson `null`, Python `NaN`) never reach a writer: every input refuses them
(`yaml_source`, `strict_json`). At first use orjson is probed on floats of every magnitude and
on awkward strings; any other difference (an older or newer orjson) turns it off.

Without orjson, `canonical_json` produces the same text with one recursive function and the C
string encoder.
"""

from __future__ import annotations

import json
import re
from typing import Any

# orjson's forms of a float in [1e-9, 1e-4), as a whole value: `1.5e-7` (Python `1.5e-07`)
# or `0.0000...` (Python `1e-05`). Text that looks the same inside a string (rare: a value
# position and a value end are required) only sends the data to the slower writer. Each
# pattern starts with a literal, so `re` scans for it at C speed; the context is checked here.
_EXPONENT = re.compile(rb"e-[5-9](?=[,\n\]}]|$)")
_SMALL = re.compile(rb"0\.0000")
_DIGITS = frozenset(b"0123456789")
_VALUE_START = frozenset(b" \n:[,")


def _odd_float(out: bytes) -> bool:
    """Whether orjson's `out` may hold a float it writes differently from `json.dumps`."""
    for match in _EXPONENT.finditer(out):
        if match.start() > 0 and out[match.start() - 1] in _DIGITS:
            return True
    for match in _SMALL.finditer(out):
        at = match.start()
        if at > 0 and out[at - 1] == 0x2D:  # a minus sign
            at -= 1
        if at == 0 or out[at - 1] in _VALUE_START:
            return True
    return False


_FAST: Any = None  # orjson once probed; False when unusable


def _probe(orjson: Any) -> bool:
    """Whether this orjson writes what `json.dumps` writes, apart from `_odd_float`."""
    samples: list[Any] = [0.0, -0.0, 5e-324, 1.7976931348623157e308, 2**64 - 1, -(2**63)]
    for exp in range(-320, 309, 7):
        samples += [float(f"1.2345678901234567e{exp}"), float(f"-3e{exp}"), float(f"7.5e{exp}")]
    samples += ["", '\x00\x1f\x7f\b\f\n\r\t"\\/', "\u2028\u00e9\U0001f600", {"b": [{}, []], "a": 1}]
    option = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
    for value in samples:
        for opt, kw in (
            (option, {"indent": 2}),
            (orjson.OPT_SORT_KEYS, {"separators": (",", ":")}),
        ):
            fast = orjson.dumps(value, option=opt)
            slow = json.dumps(value, sort_keys=True, ensure_ascii=False, **kw).encode()
            if fast != slow and not _odd_float(fast):
                return False
    return True


def fast_json_bytes(data: Any, *, indent: bool) -> bytes | None:
    """`data` as canonical JSON (two-space indent or compact) with a trailing newline, as
    UTF-8 from orjson; None when orjson is missing or would not give the same bytes (see
    module). Bytes as orjson makes them: a fleet's drift.json is hashed and written without
    a text copy."""
    global _FAST
    if _FAST is None:
        try:
            import orjson
        except ImportError:
            _FAST = False
        else:
            _FAST = orjson if _probe(orjson) else False
    if _FAST is False:
        return None
    option = _FAST.OPT_SORT_KEYS | _FAST.OPT_APPEND_NEWLINE
    if indent:
        option |= _FAST.OPT_INDENT_2
    try:
        out: bytes = _FAST.dumps(data, option=option)
    except TypeError:  # orjson.JSONEncodeError: a big integer, a surrogate, a non-text key
        return None
    if _odd_float(out):
        return None
    return out


def fast_json(data: Any, *, indent: bool) -> str | None:
    """`fast_json_bytes` as text."""
    out = fast_json_bytes(data, indent=indent)
    return None if out is None else out.decode("utf-8")


_encode_str = json.encoder.encode_basestring  # C implementation when available (ensure_ascii=False)


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _write(value: Any, pad: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_encode_str(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        sep = "{\n" + inner
        for key in sorted(value):
            out.append(sep)
            out.append(_encode_str(key))
            out.append(": ")
            _write(value[key], inner, out)
            sep = ",\n" + inner
        out.append("\n" + pad + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        sep = "[\n" + inner
        for item in value:
            out.append(sep)
            _write(item, inner, out)
            sep = ",\n" + inner
        out.append("\n" + pad + "]")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def canonical_json(data: Any) -> str:
    """Sorted keys, two-space indent, UTF-8 kept, trailing newline (`json.dumps` text)."""
    fast = fast_json(data, indent=True)
    if fast is not None:
        return fast
    return python_canonical_json(data)


def python_canonical_json(data: Any) -> str:
    """The writer without orjson (also the reference the tests compare orjson with)."""
    out: list[str] = []
    _write(data, "", out)
    out.append("\n")
    return "".join(out)
