"""Keep every diagnostic on one line, whatever text the user's file contains.

Messages quote user text (keys, names, values); a key holding a newline must not split a
`file:line:col: error CODE message` line in two. Control and line-separator characters are
shown escaped instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from iac_gen.diagnostics import Diagnostic, Location

_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F]}
_ESCAPES.update(
    {
        ord("\n"): "\\n",
        ord("\r"): "\\r",
        ord("\t"): "\\t",
        0x85: "\\x85",
        0x2028: "\\u2028",
        0x2029: "\\u2029",
    }
)
# C1 controls (U+009B is a CSI some terminals obey) and bidi overrides/isolates, which reorder
# what a reader sees on screen: shown escaped like C0 controls.
_ESCAPES.update({code: f"\\x{code:02x}" for code in range(0x80, 0xA0)})
_ESCAPES.update(
    {code: f"\\u{code:04x}" for code in [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F)]}
)
_ESCAPES.update({code: f"\\u{code:04x}" for code in range(0x2066, 0x206A)})


def escape(text: str) -> str:
    """`text` safe for one terminal line: controls, line separators and bidi marks escaped."""
    return text.translate(_ESCAPES)


def one_line(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics with control characters in messages and file names escaped."""
    out: list[Diagnostic] = []
    for d in diags:
        loc = d.location
        out.append(
            Diagnostic(
                d.code,
                escape(d.message),
                Location(escape(loc.file), loc.line, loc.col),
                d.severity,
            )
        )
    return out
