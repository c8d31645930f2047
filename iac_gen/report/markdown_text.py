"""Escaping for Markdown, so hostile values cannot break a table or inject markup.

Renderers differ (GitHub sanitises HTML, others may not), so values are made inert
everywhere: HTML-significant characters become entities, Markdown punctuation is
backslash-escaped, `|` cannot end a cell and line breaks become `<br>`. Control characters
(ESC, BEL, NUL, C1, bidi overrides) are shown escaped first (`visible`).
"""

from __future__ import annotations

import re
from typing import Any

_MD_PUNCT = re.compile(r"([\\`*_\[\]|~])")
_MAX_CELL = 160


_KEPT = re.compile(r"(\r\n|\n|\r|\t)")


def visible(value: Any) -> str:
    """Text with its control characters (C0, C1, DEL), line separators and bidi overrides
    shown escaped (`\\x1b`, `\\u202e`), so `cat drift.md` cannot drive a terminal and NUL
    cannot make the file binary. Tabs and line breaks stay: each format handles them."""
    from iac_gen.spec.one_line import escape

    parts = _KEPT.split(str(value))
    return "".join(part if i % 2 else escape(part) for i, part in enumerate(parts))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def md_cell(value: Any, limit: int = _MAX_CELL) -> str:
    """Inert text for a table cell or a list item; `None` (no value) is an empty cell."""
    if value is None:
        return ""
    text = _shorten(visible(value), limit) if limit else visible(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_PUNCT.sub(r"\\\1", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "<br>")


_PLAIN_URL = re.compile(r"^https://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+$")


def md_ticket(value: Any) -> str:
    """A ticket reference: an `https://` URL becomes an autolink, anything else inert text."""
    text = visible(value or "")
    if _PLAIN_URL.match(text) and "(" not in text and ")" not in text:
        return f"<{text}>"
    return md_cell(text)


def md_code(value: Any, limit: int = _MAX_CELL) -> str:
    """Inline code that survives backticks, pipes and newlines in a table cell."""
    if value is None:
        return ""
    text = _shorten(visible(value), limit) if limit else visible(value)
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    if not text:
        return ""
    # GFM tables split on `|` even inside code spans unless escaped; `\|` is honoured there.
    text = text.replace("|", "\\|")
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
