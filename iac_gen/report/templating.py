"""The Jinja2 environments for report templates (`templates/report/`).

HTML is autoescaped (every value, SVG text included); Markdown is not, and every value in
it goes through the `md` filter instead. Both use StrictUndefined so a typo fails loudly,
and both show control characters of any value escaped (`_finalize`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from iac_gen.severity import SEVERITIES


def _finalize(value: Any) -> Any:
    """Every `{{ value }}` of both formats: text with control characters shown escaped
    (before HTML autoescaping, which it does not replace). Markup stays markup. `None` is
    printed as nothing: a missing approver or ticket must not read "None" on the page."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    from markupsafe import Markup

    from iac_gen.report.markdown_text import visible

    shown = visible(value)
    return Markup(shown) if isinstance(value, Markup) else shown


@cache
def environment(autoescape: bool) -> Any:
    import jinja2

    from iac_gen.report.markdown_text import md_cell, md_code, md_ticket
    from iac_gen.report.view import format_pct
    from iac_gen.resources import templates_dir

    env = jinja2.Environment(
        finalize=_finalize,
        loader=jinja2.FileSystemLoader(str(templates_dir() / "report")),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_cell
    env.filters["mdcode"] = md_code
    env.filters["mdticket"] = md_ticket
    env.filters["pct"] = format_pct
    env.globals["SEVERITIES"] = SEVERITIES
    return env


def render_template(name: str, autoescape: bool, **context: Any) -> str:
    text: str = environment(autoescape).get_template(name).render(**context)
    return text
