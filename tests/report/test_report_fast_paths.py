"""The shortcuts the reports take on a large fleet give what the plain code gave.

Each reference below is the code it replaced (a fleet report walks 30,000 findings and a
million coverage rows, so the reports count distinct values, rank severities by look-up and
build only the traffic charts they draw); hypothesis compares the two on awkward input.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from iac_gen.coverage import OUTCOME, RESOURCE, rows_of
from iac_gen.report import sarif, view
from iac_gen.report.gate import is_failing
from iac_gen.severity import SEVERITIES, rank, worst

SEVERITY = st.one_of(
    st.sampled_from([*SEVERITIES, "High", "INFO", "bogus", ""]),
    st.none(),
    st.integers(-2, 9),
)
RESOURCE_REF = st.one_of(
    st.sampled_from(
        [
            "credit/blue",
            "credit",
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices"
            "/workspaces/w/onlineEndpoints/credit/deployments/blue",
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices"
            "/workspaces/w/onlineEndpoints/Fraud",
            "",
        ]
    ),
    st.none(),
    st.text(max_size=8),
)
FINDING = st.fixed_dictionaries(
    {
        "id": st.text(max_size=4),
        "severity": SEVERITY,
        "resource": RESOURCE_REF,
        "field": st.sampled_from(["", "a", "b.c"]),
        "change": st.sampled_from(["not_equal", "not_comparable", "added", "", None]),
        "waived": st.one_of(st.booleans(), st.none(), st.just(1)),
        "expected": st.one_of(st.none(), st.integers(), st.text(max_size=3)),
    }
)
OUTCOME_VALUE = st.one_of(
    st.sampled_from([*view.OUTCOMES, "other", ""]), st.none(), st.integers(0, 2), st.booleans()
)
ROW = st.tuples(RESOURCE_REF, st.just("f"), st.just("p"), OUTCOME_VALUE, st.none())
SPLIT = st.dictionaries(st.sampled_from(["blue", "green", "red"]), st.integers(0, 120), max_size=3)
TRAFFIC = st.fixed_dictionaries(
    {
        "endpoint": st.sampled_from(["a", "b", "c", ""]),
        "intended": SPLIT,
        "live": SPLIT,
        "intended_mirror": SPLIT,
        "live_mirror": SPLIT,
    }
)


def _result(findings: list, rows: list, traffic: list | None = None) -> dict[str, Any]:
    return {"findings": findings, "coverage": {"rows": rows}, "traffic": traffic or []}


@settings(max_examples=300, deadline=None)
@given(FINDING, st.sampled_from(SEVERITIES))
def test_a_finding_row_fails_the_gate_as_is_failing_says(f: dict, fail_on: str) -> None:
    assert view._finding_row(f, fail_on).failing is is_failing(f, fail_on)
    assert view.severity_rank(f["severity"]) == rank(f["severity"])


def _old_outcomes(result: Mapping[str, Any]) -> dict[str, int]:
    counted = Counter(str(r[OUTCOME]) for r in rows_of(result))
    return {o: counted.get(o, 0) for o in view.OUTCOMES}


def _old_endpoints(result: Mapping[str, Any]) -> list[str]:
    names: set[str] = set()
    for r in result.get("resources") or []:
        names.add(str(r.get("endpoint") or view.endpoint_of(r.get("name"))))
    for f in result.get("findings") or []:
        names.add(view.endpoint_of(f.get("resource")))
    for label in {r[RESOURCE] for r in rows_of(result)}:
        names.add(view.endpoint_of(label))
    for t in result.get("traffic") or []:
        names.add(str(t.get("endpoint") or ""))
    return sorted(n for n in names if n)


@settings(max_examples=300, deadline=None)
@given(st.lists(FINDING, max_size=8), st.lists(ROW, min_size=1, max_size=12))
def test_outcomes_and_endpoints_count_what_the_plain_walk_counted(findings, rows) -> None:
    result = _result(findings, rows)
    assert view._outcomes(result) == _old_outcomes(result)
    assert view._endpoints(result) == _old_endpoints(result)


def test_an_outcome_that_cannot_be_a_key_is_counted_as_text() -> None:
    rows = [("a", "f", "p", ["matched"], None), ("a", "f", "p", "matched", None)]
    assert view._outcomes(_result([], rows)) == _old_outcomes(_result([], rows))


def _old_traffic(result: Mapping[str, Any], width: float) -> list[view.TrafficChart]:
    """Every endpoint's chart drawn (`view._chart`, unchanged), marked whether its two sides
    differ: the view then kept the differing ones. What changed is only which are drawn."""
    charts = []
    for entry in sorted(result.get("traffic") or [], key=lambda t: str(t.get("endpoint"))):
        sides = {
            "Intended": (entry.get("intended") or {}, entry.get("intended_mirror") or {}),
            "Live": (entry.get("live") or {}, entry.get("live_mirror") or {}),
        }
        chart = view._chart(str(entry.get("endpoint") or ""), sides, width)
        charts.append(dataclasses.replace(chart, differs=sides["Intended"] != sides["Live"]))
    return charts


@settings(max_examples=300, deadline=None)
@given(st.lists(TRAFFIC, max_size=6))
def test_only_the_drawn_traffic_charts_are_built_and_the_rest_counted(traffic) -> None:
    result = _result([], [], traffic)
    old = _old_traffic(result, 420.0)
    charts, same = view._traffic(result, 420.0)
    assert charts == [c for c in old if c.differs]
    assert same == sum(1 for c in old if not c.differs)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([*SEVERITIES, "bogus", ""]), st.none()), min_size=1))
def test_a_sarif_rule_is_as_severe_as_its_worst_finding(severities) -> None:
    findings = [{"severity": s, "category": "configuration", "field": "f"} for s in severities]
    expected = worst([str(s) for s in severities])
    rule = sarif._drift_rule("DRIFT-CONFIGURATION-F", findings)
    assert rule["fullDescription"]["text"].endswith(f" is {expected} severity.")


@settings(max_examples=300, deadline=None)
@given(st.lists(FINDING, max_size=12), st.sampled_from(SEVERITIES))
def test_the_rows_made_when_read_are_the_rows_sorted_up_front(findings, fail_on) -> None:
    """`view.FindingRows` (rows made when read, findings sorted by what the rows would
    show) against making every row and sorting the rows, as the view did; and the counts
    and the failing prefix the Markdown page slices."""
    from iac_gen.report.redact import redact_result

    clean = redact_result({**_result(findings, []), "fail_on": fail_on, "status": "drifted"})
    fail_rank = rank(fail_on)
    last = len(SEVERITIES)
    eager = [
        view._row(f, fail_rank) for f in clean["findings"] if f.get("change") != "not_comparable"
    ]
    eager.sort(
        key=lambda r: (
            not r.failing,
            r.waived,
            view._RANK.get(r.severity, last),
            r.resource,
            r.field,
            r.id,
        )
    )
    made = view.build_view(clean)
    assert (
        list(made.findings) == eager and made.findings == eager and len(made.findings) == len(eager)
    )
    assert list(made.findings[1:3]) == eager[1:3]
    if eager:
        assert made.findings[-1] == eager[-1]
    assert made.open_count == sum(not r.waived for r in eager)
    assert made.waived_count == sum(r.waived for r in eager)
    assert made.open_by_severity == {
        s: sum(1 for r in eager if not r.waived and r.severity == s) for s in SEVERITIES
    }
    assert made.attributed == any(r.attribution for r in eager)
    failing = [r for r in eager if r.failing]
    assert made.gate.failing == len(failing)
    assert list(made.findings[: made.gate.failing]) == failing
