"""`drift.json`: the drift result as canonical JSON, secrets redacted.

Fleet-sized results (more than 20,000 coverage entries) are written without indentation:
same content, a fraction of the size and time. This is the one writer of drift.json, for
`drift --report` and `report` alike.
"""

from __future__ import annotations

import json
from typing import Any

from iac_gen.output_files import dumps_json
from iac_gen.report.redact import redact_result

COMPACT_ABOVE = 20_000  # coverage entries; beyond this drift.json drops indentation
_COMPACT: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":")}


def compact_json(data: Any) -> str:
    """Canonical but unindented: sorted keys, UTF-8, trailing newline (orjson when it gives
    the same bytes, see `iac_gen.emit.jsontext`)."""
    from iac_gen.emit.jsontext import fast_json

    fast = fast_json(data, indent=False)
    if fast is not None:
        return fast
    return json.dumps(data, sort_keys=True, **_COMPACT) + "\n"


def render(result: dict[str, Any]) -> str:
    """Sorted keys, two-space indent (compact when huge), UTF-8, trailing newline."""
    clean = redact_result(result)
    coverage = clean.get("coverage") or []
    if len(coverage) <= COMPACT_ABOVE:
        return dumps_json(clean)
    if min(clean) == "coverage" and all(list(c) == sorted(c) for c in coverage):
        # Same bytes as `compact_json(clean)`: "coverage" sorts first and the engine builds
        # its entries with their keys in order, so they skip the per-dict sort.
        rest = {k: v for k, v in clean.items() if k != "coverage"}
        head = json.dumps(coverage, **_COMPACT)
        tail = json.dumps(rest, sort_keys=True, **_COMPACT)
        return '{"coverage":' + head + ("," + tail[1:] if len(tail) > 2 else "}") + "\n"
    return compact_json(clean)


def render_lint(lint_result: dict[str, Any]) -> str:
    return dumps_json(redact_result(lint_result))
