"""Hostile values cannot break the Markdown tables or inject markup."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from iac_gen.report.markdown_text import md_cell, md_code, md_ticket
from iac_gen.report.registry import REPORTERS

from .samples import load, with_extra_finding

HOSTILE = [
    "a | b",
    "line1\nline2\r\nline3",
    "`tick` ``double`` ```",
    "<script>alert(1)</script>",
    '"quoted" & ${HOME} ${{ x }}',
    "*bold* _it_ [link](http://evil.example) ~~s~~ \\ backslash",
    "ünïcødé 信用スコア 🚀",
    "|",
    "`",
    "\\|",
]


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def _table_rows(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_value_stays_in_its_cell(value):
    result = with_extra_finding(
        load("drifted"),
        id="ffffffffffffffff",
        severity="critical",
        resource=value,
        field=value,
        expected=value,
        actual=value,
        message=value,
        waived=False,
        waiver=None,
    )
    result["waivers"][0]["reason"] = value
    result["waivers"][0]["ticket"] = value
    html = _html(REPORTERS["md"].render(result))
    tables = html.split("<table>")[1:]
    assert len(tables) >= 3  # findings, waivers, coverage, inputs
    for table in tables:
        rows = _table_rows(table.split("</table>")[0])
        widths = {len(r) for r in rows}
        assert len(widths) == 1, f"a row has a different number of cells: {rows}"
    assert "<script>" not in html
    assert 'evil.example"' not in html  # no link injected by a value


def test_hostile_text_is_shown_not_interpreted():
    html = _html(REPORTERS["md"].render(load("drifted")))
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_cell_escapes_render_back_to_the_original_text():
    for value in ["a | b", "*x* _y_", "<b>", "`c`", "[l](u)"]:
        row = f"| h |\n|---|\n| {md_cell(value)} |\n"
        cells = _table_rows(_html(row))[1]
        assert cells == [value.replace("<", "&lt;").replace(">", "&gt;")]


def test_code_spans_survive_backticks_and_pipes():
    for value in ["`x`", "a|b", "``y``", "plain"]:
        row = f"| h |\n|---|\n| {md_code(value)} |\n"
        cells = _table_rows(_html(row))[1]
        shown = re.sub(r"</?code>", "", cells[0])
        assert shown == value


def test_only_https_tickets_become_links():
    assert md_ticket("https://dev.azure.com/contoso/_workitems/edit/1") == (
        "<https://dev.azure.com/contoso/_workitems/edit/1>"
    )
    assert md_ticket("javascript:alert(1)") == "javascript:alert(1)"
    assert md_ticket("CHG-1 | x").startswith("CHG-1 \\|")


def test_verdict_comes_first_and_counts_findings():
    text = REPORTERS["md"].render(load("drifted"))
    first = next(line for line in text.splitlines() if line and not line.startswith("#"))
    assert first == (
        "**Drifted** - 10 findings (1 critical, 5 high, 2 medium, 1 low, 1 info) "
        "on credit-scoring, fraud-detect; 1 waived"
    )
    assert "**In sync** - no drift on credit-scoring" in REPORTERS["md"].render(load("in_sync"))
    assert "**Not checked** - live state incomplete for 2 resources" in REPORTERS["md"].render(
        load("not_checked")
    )


def test_waivers_show_status_approver_ticket_and_expiry():
    text = REPORTERS["md"].render(load("drifted"))
    assert "| expired | W\\-002 |" not in text  # ids are not over-escaped
    assert "| expired | W-002 |" in text
    assert "jane.doe@contoso.com | CHG-20931 | 2026-12-31 | 1 |" in text
    assert "| unused | W-003 |" in text


def test_long_results_are_capped_for_pr_comments():
    result = load("drifted")
    base = result["findings"][0]
    result["findings"] = [dict(base, id=f"{i:016x}", field=f"tags.t{i}") for i in range(450)]
    text = REPORTERS["md"].render(result)
    assert "250 more are listed in `drift.json`." in text
    assert len(text) < 65536


def test_unreadable_resources_are_named_even_when_given_as_arm_ids():
    from iac_gen.report.view import resource_name

    rid = (
        "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices"
        "/workspaces/w/onlineEndpoints/fraud-scoring/deployments/green"
    )
    assert resource_name(rid) == "fraud-scoring/green"
    assert resource_name(rid.rsplit("/deployments", 1)[0]) == "fraud-scoring"
    assert resource_name("credit-scoring/blue") == "credit-scoring/blue"
    result = load("not_checked")
    result["errors"][0]["resource"] = rid
    text = REPORTERS["md"].render(result)
    assert "- `fraud-scoring/green`: 403 AuthorizationFailed" in text
