"""`drift.json`: the drift result as canonical JSON, secrets redacted.

Fleet-sized results (more than 20,000 coverage rows) are written without indentation:
same content, a fraction of the size and time. This is the one writer of drift.json, for
`drift --report` and `report` alike.
"""

from __future__ import annotations

import json
from typing import Any

from iac_gen.coverage import rows_of
from iac_gen.output_files import dumps_json
from iac_gen.report.redact import redact_result

COMPACT_ABOVE = 20_000  # coverage rows; beyond this drift.json drops indentation
_COMPACT: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}


def compact_json(data: Any) -> str:
    """Canonical but unindented: sorted keys, UTF-8, trailing newline (orjson when it gives
    the same bytes, see `iac_gen.emit.jsontext`)."""
    from iac_gen.emit.jsontext import fast_json

    fast = fast_json(data, indent=False)
    if fast is not None:
        return fast
    return json.dumps(data, sort_keys=True, **_COMPACT) + "\n"


def render_bytes(result: dict[str, Any]) -> bytes:
    """`render` as UTF-8, straight from orjson when it is used: the evidence writer hashes
    and writes these bytes, and a fleet's drift.json (100+ MB) never exists as text too."""
    from iac_gen.emit.jsontext import fast_json_bytes

    clean = redact_result(result)
    indent = len(rows_of(clean)) <= COMPACT_ABOVE
    fast = fast_json_bytes(clean, indent=indent)
    if fast is not None:
        return fast
    return (dumps_json(clean) if indent else compact_json(clean)).encode("utf-8")


def render(result: dict[str, Any]) -> str:
    """Sorted keys, two-space indent (compact when huge), UTF-8, trailing newline."""
    return render_bytes(result).decode("utf-8")


def render_lint(lint_result: dict[str, Any]) -> str:
    return dumps_json(redact_result(lint_result))
