"""Every report states the gate and the exit code, and stays usable at fleet size."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from iac_gen.coverage import entries as coverage_entries
from iac_gen.drift.analysis import gate_exit_code
from iac_gen.report.gate import gate
from iac_gen.report.registry import REPORTERS

from .samples import DRIFT_SAMPLES, fleet, load

ROOT = Path(__file__).resolve().parents[2]
ENGINE_RESULTS = sorted(ROOT.glob("fixtures/drift-*/expected/drift.json"))


@pytest.mark.parametrize("name", ["md", "html", "junit", "sarif"])
@pytest.mark.parametrize("sample", DRIFT_SAMPLES)
def test_every_format_states_the_gate_and_exit_code(name, sample):
    result = load(sample)
    line = gate(result).line
    assert re.fullmatch(r"fail on \w+: (passed|failed|incomplete) \(exit [013]\)", line)
    assert line in REPORTERS[name].render(result)


@pytest.mark.parametrize(
    "result",
    [load(s) for s in DRIFT_SAMPLES]
    + [json.loads(p.read_text(encoding="utf-8")) for p in ENGINE_RESULTS],
)
def test_report_gate_agrees_with_the_drift_engine(result):
    assert gate(result).exit_code == int(gate_exit_code(result))


def _all_waived() -> dict:
    result = load("drifted")
    result["errors"] = []
    result["status"] = "drifted"
    for f in result["findings"]:
        f["waived"] = True
        f["waiver"] = {"id": "W-1", "reason": "accepted", "approver": None, "ticket": None}
    return result


def test_an_all_waived_run_is_not_shown_as_failed_drift():
    result = _all_waived()
    md = REPORTERS["md"].render(result)
    html = REPORTERS["html"].render(result)
    assert "**Drift waived**" in md and "**Drifted**" not in md
    assert "fail on medium: passed (exit 0)" in md
    assert '<header class="banner waived"' in html
    assert "banner drifted" not in html


def test_drift_below_the_gate_is_not_shown_as_failed():
    result = load("drifted")
    result["status"], result["errors"], result["fail_on"] = "drifted", [], "critical"
    for f in result["findings"]:
        f["severity"] = "low"
    html = REPORTERS["html"].render(result)
    assert '<header class="banner below_gate"' in html
    assert "fail on critical: passed (exit 0)" in html


def test_none_never_reaches_a_page():
    result = load("drifted")
    for w in result["waivers"]:
        w.update(approver=None, ticket=None, expires=None, reason=None)
    for r in result["resources"]:
        r["reason"] = None
    for i in result["inputs"]:
        i["sha256"] = None
    result["environment"] = None
    for name in ("md", "html"):
        text = REPORTERS[name].render(result)
        assert not re.search(r"\bNone\b", text), name


def test_drift_md_of_10000_endpoints_fits_a_pr_comment():
    result = fleet(10_000)
    text = REPORTERS["md"].render(result)
    assert len(text) <= 65_536  # a GitHub PR comment's limit
    head = text[:600]
    assert "**Drifted**" in head and "**Gate:** fail on high: failed (exit 1)" in head
    assert text.index("## Failing the gate (10000)") < text.index("<details")
    assert "more are listed in `drift.json`" in text
    assert text.count("<details") == text.count("</details>")


def test_drift_md_is_cut_with_a_pointer_when_rows_cannot_shrink_enough():
    from iac_gen.report import markdown

    text = markdown.render(fleet(50), max_chars=1_500)
    assert len(text) <= 1_500
    assert text.endswith("the full result is in `drift.json`.**\n")
    assert text.count("<details") == text.count("</details>")


def test_html_shows_summary_and_findings_before_charts_and_charts_only_differing_traffic():
    result = fleet(300)
    html = REPORTERS["html"].render(result)
    assert html.index('aria-label="Summary"') < html.index('id="findings"')
    assert html.index('id="findings"') < html.index('aria-label="Charts"')
    assert html.count('class="traffic-item"') == 3  # endpoints 0, 100 and 200 differ
    assert "297 more endpoint(s) route traffic as intended (not charted)." in html


def test_junit_missing_resource_is_one_failure():
    path = ROOT / "fixtures/drift-drifted/expected/drift.json"
    result = json.loads(path.read_text(encoding="utf-8"))
    missing = [f for f in result["findings"] if f["change"] == "missing_resource"]
    assert len(missing) == 1
    name = missing[0]["resource"]
    props = [
        c for c in coverage_entries(result) if c["resource"] == name and c["outcome"] == "drifted"
    ]
    assert len(props) > 1  # the engine covers every declared property
    root = ET.fromstring(REPORTERS["junit"].render(result))
    classname = "drift." + name.replace("/", ".")
    cases = [c for c in root.iter("testcase") if c.get("classname") == classname]
    assert sum(1 for c in cases if c.find("failure") is not None) == 1


def test_sarif_rules_all_carry_help_markdown():
    sarif = REPORTERS["sarif"]
    for log in (sarif.render(load("drifted")), sarif.render_lint(load("lint"))):
        rules = json.loads(log)["runs"][0]["tool"]["driver"]["rules"]
        assert rules
        for rule in rules:
            assert rule["help"]["markdown"].strip(), rule["id"]
            assert "helpUri" not in rule or rule["helpUri"].startswith("https://")
    lint_rules = json.loads(REPORTERS["sarif"].render_lint(load("lint")))["runs"][0]["tool"]
    for rule in lint_rules["driver"]["rules"]:
        assert f"docs/rules.md#{rule['id'].lower()}" in rule["help"]["markdown"]
