"""`drift.md`: a short verdict-first report for a change ticket or a PR comment.

A GitHub PR comment takes at most 65,536 characters, so the page is built to fit: verdict
and gate first, the findings that fail the gate next, long tables folded in `<details>` and
capped; the cap is lowered until the page fits, and as a last resort the text is cut with a
pointer to `drift.json`, which always holds everything.
"""

from __future__ import annotations

from typing import Any

from iac_gen.report.templating import render_template
from iac_gen.report.view import ReportView, build_view

MAX_CHARS = 65_536
ROW_CAPS = (200, 100, 50, 20, 10, 5, 1)
TRUNCATED = "\n\n**Truncated to fit a PR comment; the full result is in `drift.json`.**\n"


def render(result: dict[str, Any], max_chars: int = MAX_CHARS) -> str:
    view = build_view(result)
    # The rows come failing first (`view.FindingRows`): two slices, no row made for either.
    failing_count = view.gate.failing
    others = view.findings[failing_count:]
    split = {
        "failing": view.findings[:failing_count],
        "others": others,
        "below": view.open_count - failing_count,
    }
    text = ""
    for cap in ROW_CAPS:
        text = _page(view, cap, split)
        if len(text) <= max_chars:
            return text
    return _cut(text, max_chars)


def _page(view: ReportView, max_rows: int, split: dict[str, Any]) -> str:
    return render_template("drift.md.j2", autoescape=False, v=view, max_rows=max_rows, **split)


def _cut(text: str, max_chars: int) -> str:
    """The head of `text` at a line end, open `<details>` closed, and the pointer."""
    room = max_chars - len(TRUNCATED) - len("\n</details>") * 8
    head = text[: max(room, 0)]
    head = head[: head.rfind("\n") + 1] if "\n" in head else head
    unclosed = head.count("<details") - head.count("</details>")
    return head + "\n</details>" * max(min(unclosed, 8), 0) + TRUNCATED
