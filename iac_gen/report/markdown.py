"""`drift.md`: a short verdict-first report for a change ticket or a PR comment.

Long tables are capped (PR comments are limited to 65,536 characters); the full list is
always in `drift.json` and `drift.html`.
"""

from __future__ import annotations

from typing import Any

from iac_gen.report.templating import render_template
from iac_gen.report.view import build_view

MAX_ROWS = 200


def render(result: dict[str, Any]) -> str:
    view = build_view(result)
    return render_template("drift.md.j2", autoescape=False, v=view, max_rows=MAX_ROWS)
