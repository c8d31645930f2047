"""Raw control characters from waiver reasons and live values never reach drift.md or
drift.html: they are shown escaped (`\\x1b`), while markup escaping stays as it was."""

from __future__ import annotations

import re

import pytest

from iac_gen.report.registry import REPORTERS

from .samples import load, with_extra_finding

# ESC sequences (title, clear screen, colour), BEL, NUL, a C1 CSI, bidi override and isolate
HOSTILE = "a\x1b]0;owned\x07\x1b[2J\x1b[31m\x00\x9b2J\u202eevil\u2066x\x7f"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_result() -> dict:
    result = with_extra_finding(
        load("drifted"),
        id="eeeeeeeeeeeeeeee",
        severity="critical",
        resource=f"credit-scoring/{HOSTILE}",
        field=f"tags.{HOSTILE}",
        expected=HOSTILE,
        actual=f"<b>{HOSTILE}</b>",
        message=HOSTILE,
        waived=False,
        waiver=None,
    )
    result["waivers"][0]["reason"] = f"reason {HOSTILE}"
    result["waivers"][0]["approver"] = HOSTILE
    result["errors"] = [{"resource": HOSTILE, "reason": f"403 {HOSTILE}"}]
    for finding in result["findings"]:
        if finding.get("waiver"):
            finding["waiver"]["reason"] = f"waived because {HOSTILE}"
    return result


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_control_characters_are_escaped_visibly(fmt: str) -> None:
    text = REPORTERS[fmt].render(hostile_result())
    assert RAW.findall(text) == []
    assert "\\x1b]0;owned\\x07" in text or "\\\\x1b]0;owned\\\\x07" in text
    assert "\\u202e" in text or "\\\\u202e" in text
    assert "\\x00" in text or "\\\\x00" in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markup_escaping_is_unchanged(fmt: str) -> None:
    plain = REPORTERS[fmt].render(load("drifted"))
    hostile = REPORTERS[fmt].render(hostile_result())
    if fmt == "html":
        assert "<b>" not in hostile and "&lt;b&gt;" in hostile
        assert "&lt;script&gt;" in plain and "<script>alert" not in plain
    else:  # values in Markdown sit in code spans (inert) or are entity-escaped text
        assert "`<b>a\\x1b" in hostile
        assert "reason a\\x1b" in hostile or "reason a\\\\x1b" in hostile


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_text_without_controls_renders_as_before(fmt: str, golden) -> None:
    from .samples import EXPECTED

    name = {"md": "drift.md", "html": "drift.html"}[fmt]
    golden.check(EXPECTED / "drifted" / name, REPORTERS[fmt].render(load("drifted")))
