"""JUnit XML parses with junitparser and its counts equal the drift result's."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from iac_gen.coverage import entries as coverage_entries
from iac_gen.report import junit
from iac_gen.report.view import resource_name
from iac_gen.severity import SEVERITIES

from .samples import DRIFT_SAMPLES, load, with_extra_finding

ROOT = Path(__file__).resolve().parents[2]
ENGINE_RESULTS = sorted(ROOT.glob("fixtures/*/expected/drift.json"))


def _parse(text: str, tmp_path) -> JUnitXml:
    path = tmp_path / "drift.junit.xml"
    path.write_text(text, encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def _expected_counts(result: dict) -> dict[str, int]:
    # A missing resource is one failure: its properties without a finding of their own
    # are not separate test cases.
    whole = {
        f["resource"]
        for f in result["findings"]
        if f["change"] in ("missing_resource", "unmanaged_resource")
    }
    keyed = {(f["resource"], f["field"]) for f in result["findings"]}
    coverage = [
        c
        for c in coverage_entries(result)
        if c["resource"] not in whole or (c["resource"], c["field"]) in keyed
    ]
    outcomes = Counter(c["outcome"] for c in coverage)
    covered = {(c["resource"], c["field"]) for c in coverage_entries(result)}
    uncovered = [f for f in result["findings"] if (f["resource"], f["field"]) not in covered]
    unreadable = {resource_name(e["resource"]) for e in result["errors"]}
    unreadable |= {r["name"] for r in result["resources"] if r["status"] == "not_checked"}
    errors = len(unreadable)
    return {
        "tests": len(coverage) + len(uncovered) + errors,
        "failures": outcomes["drifted"] + sum(1 for f in uncovered if not f["waived"]),
        "skipped": outcomes["waived"]
        + outcomes["not_comparable"]
        + sum(1 for f in uncovered if f["waived"]),
        "errors": errors,
    }


@pytest.mark.parametrize("sample", DRIFT_SAMPLES)
def test_counts_match_the_result(sample, tmp_path):
    result = load(sample)
    xml = _parse(junit.render(result), tmp_path)
    expected = _expected_counts(result)
    assert (xml.tests, xml.failures, xml.skipped, xml.errors) == (
        expected["tests"],
        expected["failures"],
        expected["skipped"],
        expected["errors"],
    )
    endpoints = sorted(
        {c["resource"].split("/")[0] for c in coverage_entries(result)}
        | {f["resource"].split("/")[0] for f in result["findings"]}
    )
    assert sorted(s.name for s in xml) == endpoints
    for suite in xml:
        cases = list(suite)
        assert suite.tests == len(cases)
        assert suite.failures == sum(1 for c in cases for r in c.result if isinstance(r, Failure))
        assert suite.hostname == "unknown" and suite.timestamp == "2026-11-21T09:30:00"


def test_cases_carry_expected_actual_and_reasons(tmp_path):
    xml = _parse(junit.render(load("drifted")), tmp_path)
    cases = {(c.classname, c.name.split(" [")[0]): c for suite in xml for c in suite}
    auth = cases[("drift.credit-scoring", "auth_mode")]
    (failure,) = auth.result
    assert isinstance(failure, Failure)
    assert failure.type == "DRIFT-SECURITY-AUTH-MODE"
    assert failure.message.startswith("high: ")
    assert "expected: AADToken" in failure.text and "actual: Key" in failure.text
    assert auth._elem.get("file") == "fixtures/example/spec.yaml"
    assert auth._elem.get("line") == "12"
    (skip,) = cases[("drift.credit-scoring.blue", "deployments.blue.instance_count")].result
    assert isinstance(skip, Skipped) and skip.message.startswith("waived: Capacity reduced")
    assert "W-001" in skip.message and "CHG-20931" in skip.message
    (nc,) = cases[("drift.credit-scoring.blue", "deployments.blue.code_configuration.code")].result
    assert isinstance(nc, Skipped) and nc.message.startswith("not comparable: local code folder")
    (missing,) = cases[("drift.fraud-detect.v1", "deployments.v1")].result
    assert isinstance(missing, Failure) and missing.type == "DRIFT-RESOURCE-MISSING"
    assert cases[("drift.credit-scoring", "public_network_access")].is_passed


def test_unreadable_resources_are_errors(tmp_path):
    xml = _parse(junit.render(load("not_checked")), tmp_path)
    errors = [r for s in xml for c in s for r in c.result if isinstance(r, Error)]
    assert [e.type for e in errors] == ["not_checked", "not_checked"]
    assert "403 AuthorizationFailed" in errors[0].message


def test_hostile_and_control_characters_stay_well_formed(tmp_path):
    nasty = 'x" <y> & ]]> \x00\x07\x1b[31m \ud800 🚀 ${z}'
    result = with_extra_finding(
        load("drifted"),
        id="dddddddddddddddd",
        resource=nasty,
        field=nasty,
        actual=nasty,
        message=nasty,
    )
    text = junit.render(result)
    root = ET.fromstring(text.encode("utf-8", "surrogatepass"))
    names = [c.get("name") for c in root.iter("testcase")]
    assert any(n and n.startswith('x" <y> & ]]>') and "🚀 ${z}" in n for n in names)


def test_lint_junit_counts(tmp_path):
    lint = load("lint")
    xml = _parse(junit.render_lint(lint), tmp_path)
    files = sorted({f["file"] for f in lint["findings"]})
    assert sorted(s.name for s in xml) == files
    gate = SEVERITIES.index(lint["fail_on"])
    unsuppressed = [f for f in lint["findings"] if not f["suppressed"]]
    at_or_above = [f for f in unsuppressed if SEVERITIES.index(f["severity"]) <= gate]
    assert 0 < len(at_or_above) < len(unsuppressed)  # the sample has both kinds
    assert xml.failures == len(at_or_above)
    assert xml.skipped == sum(1 for f in lint["findings"] if f["suppressed"])
    # each file: one case per finding plus one passing case per rule with no finding there
    for suite in xml:
        hits = {f["rule"] for f in lint["findings"] if f["file"] == suite.name}
        mine = [f for f in lint["findings"] if f["file"] == suite.name]
        assert suite.tests == len(mine) + len(lint["rules"]) - len(hits)


@pytest.mark.parametrize("path", ENGINE_RESULTS, ids=lambda p: p.parent.parent.name)
def test_results_of_the_drift_engine(path, tmp_path):
    """Every drift fixture's expected result renders to consistent JUnit."""
    result = json.loads(path.read_text(encoding="utf-8"))
    xml = _parse(junit.render(result), tmp_path)
    expected = _expected_counts(result)
    assert (xml.tests, xml.failures, xml.skipped, xml.errors) == (
        expected["tests"],
        expected["failures"],
        expected["skipped"],
        expected["errors"],
    )
    names = [(c.classname, c.name) for suite in xml for c in suite]
    assert len(names) == len(set(names)), "test case names must be unique"


def test_fleet_junit_is_one_case_per_resource_and_bounded_in_size():
    from .samples import fleet

    result = fleet(10_000)
    assert len(coverage_entries(result)) > junit.MAX_PROPERTY_CASES  # the fleet mode is chosen
    text = junit.render(result, hostname="agent")
    root = ET.fromstring(text)
    cases = list(root.iter("testcase"))
    assert len(cases) == 10_000  # one per endpoint, not one per property
    assert root.get("tests") == "10000" and root.get("failures") == "10000"
    first = cases[0]
    assert first.get("name") == "endpoint-00000 (3 properties checked)"
    failure = first.find("failure")
    assert failure is not None
    assert failure.get("message") == "2 findings (worst high), 1 waived"
    assert "auth_mode" in (failure.text or "") and "tags.owner" in (failure.text or "")
    assert len(text) < 6_000_000  # one case per property: 19.9 MB
    suites = list(root.iter("testsuite"))
    assert [s.get("name") for s in suites] == ["fleet (10000 endpoints)"]
    suite = suites[0]
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["cases"].startswith("one per resource")


def test_small_results_keep_one_case_per_property():
    from .samples import fleet

    root = ET.fromstring(junit.render(fleet(3)))
    assert len(list(root.iter("testcase"))) == 9
