"""A 10,000-endpoint drift page stays readable: measured in a real browser, not guessed.

The page height and the findings' offset are read from headless Chromium (Debian `chromium`,
driven through Playwright's CDP client). Without Chromium the browser test is skipped with
the reason printed; under CI=true a missing browser is a failure, so CI cannot pass it by
skipping (as tests/test_oracle_available.py does for azure-ai-ml).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from iac_gen.report import html as html_report
from iac_gen.report.registry import REPORTERS

from .samples import fleet, load

ENDPOINTS = 10_000
MAX_PAGE_HEIGHT = 30_000  # CSS px at a 1280 px wide viewport
FIRST_SCREEN = 900  # the viewport height: findings must start on it
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        reason = "Debian chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must measure the fleet page in a browser")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def fleet_html() -> str:
    return REPORTERS["html"].render(fleet(ENDPOINTS))


def test_fleet_page_caps_every_long_table_and_points_at_drift_json(fleet_html):
    rows = fleet_html.count('<tr class="finding')
    assert rows == html_report.MAX_ROWS
    assert f"{3 * ENDPOINTS - html_report.MAX_ROWS} more findings are listed in" in fleet_html
    resources = re.search(r'<section id="resources">.*?</section>', fleet_html, re.S)
    assert resources is not None
    assert resources.group(0).count("<tr><td>") <= html_report.MAX_ROWS
    assert f"{ENDPOINTS - html_report.MAX_ROWS} more resources" in fleet_html
    assert f"{ENDPOINTS - html_report.MAX_ROWS} more inputs" in fleet_html


def test_small_results_show_everything():
    text = REPORTERS["html"].render(load("drifted"))
    assert "more findings are listed in" not in text
    assert text.count('<tr class="finding') == len(
        [f for f in load("drifted")["findings"] if f["change"] != "not_comparable"]
    )


@pytest.mark.browser
def test_fleet_page_height_is_bounded_in_chromium(fleet_html, tmp_path):
    executable = _chromium()
    if os.environ.get("CI", "").lower() == "true":
        from playwright import sync_api
    else:
        sync_api = pytest.importorskip(
            "playwright.sync_api", reason="playwright (test extra) is not installed"
        )
    path = tmp_path / "drift.html"
    path.write_text(fleet_html, encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": FIRST_SCREEN})
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            height = page.evaluate("document.documentElement.scrollHeight")
            findings_y = page.evaluate(
                "document.querySelector('#findings').getBoundingClientRect().top + scrollY"
            )
            first_row_y = page.evaluate(
                "document.querySelector('#findings tbody tr').getBoundingClientRect().top + scrollY"
            )
        finally:
            browser.close()
    print(
        f"\n{ENDPOINTS} endpoints: page height {height} px, findings at y={findings_y:.0f} px, "
        f"first finding row at y={first_row_y:.0f} px, {len(fleet_html):,} characters"
    )
    assert height <= MAX_PAGE_HEIGHT
    assert findings_y < FIRST_SCREEN and first_row_y < FIRST_SCREEN


def test_findings_link_to_their_spec_line_and_the_header_to_the_ci_run():
    provenance = {
        "repository_uri": "https://github.com/contoso/ml-platform",
        "revision_id": "abc123",
    }
    ci = {"run_url": "https://github.com/contoso/ml-platform/actions/runs/42"}
    text = REPORTERS["html"].render(load("drifted"), provenance=provenance, ci=ci)
    assert (
        '<a href="https://github.com/contoso/ml-platform/blob/abc123/'
        'fixtures/example/spec.yaml#L12">fixtures/example/spec.yaml:12:12</a>'
    ) in text
    assert '<a class="run" href="https://github.com/contoso/ml-platform/actions/runs/42">' in text


def test_azure_repos_links_and_no_links_without_provenance_or_for_unsafe_paths():
    provenance = {
        "repository_uri": "https://dev.azure.com/contoso/ml/_git/platform",
        "revision_id": "abc123",
    }
    text = REPORTERS["html"].render(load("drifted"), provenance=provenance)
    assert (
        "https://dev.azure.com/contoso/ml/_git/platform?path=/fixtures/example/spec.yaml"
        "&amp;version=GCabc123&amp;line=12&amp;lineEnd=12&amp;lineStartColumn=1"
    ) in text
    plain = REPORTERS["html"].render(load("drifted"))
    assert "<a " not in plain
    result = load("drifted")
    for f in result["findings"]:
        if f.get("location"):
            f["location"]["file"] = "../elsewhere/spec.yaml"
    assert "<a " not in REPORTERS["html"].render(result, provenance=provenance)
    hostile = {"repository_uri": "javascript:alert(1)//", "revision_id": "abc123"}
    assert "<a " not in REPORTERS["html"].render(load("drifted"), provenance=hostile)
