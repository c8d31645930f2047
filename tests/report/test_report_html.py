"""The HTML report is self-contained, autoescaped and readable in a real browser."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from iac_gen.report.registry import REPORTERS

from .samples import load, with_extra_finding

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PLANTED = (
    '<script>window.__pwned = 1; console.error("pwned")</script>'
    '<img src=x onerror="window.__pwned=2">'
)


def _hostile_result() -> dict:
    return with_extra_finding(
        load("drifted"),
        id="cccccccccccccccc",
        severity="critical",
        resource="credit-scoring",
        field="tags.owner",
        arm_path="tags.owner",
        expected="risk-team",
        actual=PLANTED,
        message="Owner tag changed",
        waived=False,
        waiver=None,
    )


def test_html_has_no_external_references_and_no_raw_markup_from_values():
    html = REPORTERS["html"].render(_hostile_result())
    assert "<script" not in html.lower()
    assert "&lt;script&gt;window.__pwned" in html
    assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    # no src/href to anything, no @import or url() in the CSS
    assert not re.search(r"""<[a-z][^>]*\s(src|href)\s*=""", html)
    assert "@import" not in html and "url(" not in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_svg_labels_are_escaped():
    result = load("drifted")
    result["traffic"][0]["live"] = {"<b>x</b>": 50, "blue": 50}
    html = REPORTERS["html"].render(result)
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt; 50%" in html


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console: list[str] = []
    requests: list[str] = []
    page.on(
        "console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))

    def record(route):
        requests.append(route.request.url)
        if route.request.url == path.as_uri():
            route.continue_()
        else:
            route.abort()

    page.route("**/*", record)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, console, requests


@pytest.mark.browser
def test_html_report_in_chromium(browser, tmp_path):
    path = tmp_path / "drift.html"
    path.write_text(REPORTERS["html"].render(_hostile_result()), encoding="utf-8")
    page, console, requests = _open(browser, path)

    assert console == []
    assert requests == [path.as_uri()]
    verdict = page.locator("#verdict")
    assert verdict.is_visible()
    assert "Drifted" in verdict.inner_text() and "11 findings (2 critical" in verdict.inner_text()
    rows = page.locator("#findings tbody tr")
    assert rows.count() == 12
    planted = page.locator("#f-cccccccccccccccc")
    assert planted.is_visible()
    assert PLANTED in planted.inner_text()  # shown as text...
    assert page.evaluate("window.__pwned") is None  # ...and never executed
    assert page.locator("#findings img").count() == 0
    assert page.locator("#waivers").is_visible() and page.locator("#inputs").is_visible()
    assert page.locator("svg").count() >= 3  # severity chart + one traffic chart per endpoint

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "drift-report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.emulate_media(media="print")
    assert page.locator("#verdict").is_visible()
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("sample", ["in_sync", "not_checked"])
def test_other_statuses_render_cleanly(browser, tmp_path, sample):
    path = tmp_path / f"{sample}.html"
    path.write_text(REPORTERS["html"].render(load(sample)), encoding="utf-8")
    page, console, requests = _open(browser, path)
    assert console == [] and requests == [path.as_uri()]
    label = {"in_sync": "In sync", "not_checked": "Not checked"}[sample]
    assert page.locator("#verdict .status-pill").inner_text() == label
    page.screenshot(path=str(ARTIFACTS / f"drift-report-{sample}.png"), full_page=True)
    page.close()
