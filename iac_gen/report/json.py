"""`drift.json`: the drift result as canonical JSON, secrets redacted."""

from __future__ import annotations

from typing import Any

from iac_gen.output_files import dumps_json
from iac_gen.report.redact import redact_result


def render(result: dict[str, Any]) -> str:
    """Sorted keys, two-space indent, UTF-8, trailing newline."""
    return dumps_json(redact_result(result))


def render_lint(lint_result: dict[str, Any]) -> str:
    return dumps_json(redact_result(lint_result))
