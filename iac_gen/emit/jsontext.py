"""Canonical JSON text, byte-for-byte what `output_files.dumps_json` writes, several times faster.

`json.dumps(indent=2)` falls back to the pure-Python encoder; compiling a thousand endpoints
spends a third of its time there. This writer produces the same text (sorted keys, two-space
indent, `": "` and `","` separators, UTF-8 characters kept, trailing newline) with one
recursive function and the C string encoder.
"""

from __future__ import annotations

import json
from typing import Any

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
    out: list[str] = []
    _write(data, "", out)
    out.append("\n")
    return "".join(out)
