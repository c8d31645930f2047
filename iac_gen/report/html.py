"""`drift.html`: one self-contained evidence page (inline CSS and SVG, no script, no fetches).

Rendered with Jinja2 autoescaping, so every value, SVG labels included, is text. A
Content-Security-Policy meta tag forbids scripts and any external request even if a
browser were to find one.
"""

from __future__ import annotations

from typing import Any

from iac_gen.report.templating import render_template
from iac_gen.report.view import build_view

CHART_WIDTH = 420.0


def render(result: dict[str, Any]) -> str:
    view = build_view(result, chart_width=CHART_WIDTH)
    return render_template("drift.html.j2", autoescape=True, v=view, chart_width=CHART_WIDTH)
