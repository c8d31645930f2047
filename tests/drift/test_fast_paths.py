"""The drift engine's fast paths give what the plain versions they replace give.

Each fast path (sorting coverage without a key per row, ...) is compared here with the
straightforward code it stands in for, over generated input that reaches the corners: names
that differ only in case, reasons of None beside text, rows of one resource apart.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iac_gen.coverage import row, sort_key, sort_rows
from iac_gen.drift import classify
from iac_gen.drift import normalise as normalise_module
from iac_gen.drift.asset_ids import WorkspaceRef
from iac_gen.drift.classify import Outcomes, known_field, message, rule_for
from iac_gen.drift.compare import Difference, _deepdiff_paths, compare
from iac_gen.drift.kinds import KINDS, kind_of_any
from iac_gen.drift.match import Pair
from iac_gen.drift.normalise import as_written, canonical_value, join, normalise, rules_for
from iac_gen.drift.normalise_step import Side
from tests.drift.test_fixtures import CASES, EPOCH, ROOT, run_case

_RESOURCES = st.sampled_from(["ep", "EP", "Ep", "ep/blue", "ep/Blue", "a", "b/x", "B/x"])
_FIELDS = st.sampled_from(["name", "auth_mode", "deployments.blue.model", "tags.a"])
_PATHS = st.sampled_from(["", "properties.authMode", "tags.a", "sku.capacity"])
_OUTCOMES = st.sampled_from(["matched", "drifted", "waived", "not_comparable"])
_REASONS = st.sampled_from([None, None, "", "why", "other reason"])
_ROW = st.tuples(_RESOURCES, _FIELDS, _PATHS, _OUTCOMES, _REASONS).map(list)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ROW, max_size=40), st.booleans())
def test_sort_rows_is_sorted_by_sort_key(rows: list[list[Any]], grouped: bool) -> None:
    if grouped:  # as a drift run emits them: resource by resource
        rows = sorted(rows, key=lambda r: r[0])
    expected = sorted(rows, key=sort_key)
    # Row for row: rows whose keys tie ("" and None reasons) keep their input order too.
    assert sort_rows(rows) == expected


def test_sort_rows_leaves_its_input_alone() -> None:
    rows = [
        ["b", "f", "p", "matched", None],
        ["a", "f", "p", "matched", ""],
        ["a", "f", "p", "x", None],
    ]
    before = [list(r) for r in rows]
    assert sort_rows(rows) == sorted(before, key=sort_key)
    assert rows == before


# -- classify: coverage laid out once per resource shape --------------------------------------
class _ReferenceOutcomes(Outcomes):
    """`Outcomes` with `compared` as it was before resources of one shape shared their coverage
    layout: a rule look-up, a row and a sort per designed leaf of every resource."""

    def compared(
        self, label: str, pair: Pair, side: Side, dep: str, common: dict[str, Any]
    ) -> tuple[str, str | None, list[Any]]:
        if not side.differences and not side.notes and not side.not_comparable:
            names = sorted(
                (rule_for(pair.kind, path, dep).field, join(path)) for path in side.desired
            )
            return "in_sync", None, [[label, f, a, "matched", None] for f, a in names]
        differing = {d.path: d for d in side.differences}
        drifted = False

        @cache
        def written_bodies() -> tuple[Any, Any]:
            designed = pair.designed.body if pair.designed is not None else None
            return (
                KINDS[pair.kind].shape(designed) if designed is not None else None,
                KINDS[pair.kind].shape(pair.live) if pair.live is not None else None,
            )

        entries = []
        for path in (*side.desired, *(p for p in differing if p not in side.desired)):
            rule = rule_for(pair.kind, path, dep)
            diff = differing.get(path)
            if diff is None:
                entries.append(row(label, rule.field, join(path), "matched", side.notes.get(path)))
                continue
            if diff.change == "added" and not known_field(pair.kind, path):
                continue
            arm_path = join(path)
            severity, category = rule.severity, rule.category
            if diff.change == "added" and rule.added is not None:
                severity, category = rule.added
            designed_body, live_body = written_bodies()
            expected = as_written(designed_body, pair.kind, path, diff.expected, pair.ws)
            actual = as_written(live_body, pair.kind, path, diff.actual, pair.ws)
            finding = self.classifier.finding(
                **common,
                field=rule.field,
                arm_path=arm_path,
                change=diff.change,
                expected=expected,
                actual=actual,
                severity=severity,
                category=category,
                text=message(diff.change, arm_path, expected, actual),
            )
            self.findings.append(finding)
            drifted = True
            if path in side.desired:
                outcome = "waived" if finding["waived"] else "drifted"
                entries.append(row(label, rule.field, arm_path, outcome, side.notes.get(path)))
        entries += self._not_comparable(common, pair, side, dep, label)
        entries.sort(key=itemgetter(1, 2))
        return ("modified" if drifted else "in_sync"), None, entries


def _run_without_analysis(case: Path) -> Any:
    """The drift run of a golden case up to (not including) the analysis step."""
    from iac_gen.drift import pipeline

    captured: list[Any] = []
    steps = [(n, s) for n, s in pipeline.STEPS if n != "analysis"]
    with patch.object(pipeline, "STEPS", (*steps, ("analysis", captured.append))):
        run_case(case)
    return captured[0]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_compared_gives_the_reference_coverage_and_findings(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    fast = _run_without_analysis(case)
    with patch.object(classify, "Outcomes", _ReferenceOutcomes):
        reference = _run_without_analysis(case)
    assert fast.coverage == reference.coverage
    assert fast.findings == reference.findings
    assert fast.resources == reference.resources


# -- compare: differing leaves found from each side's own keys ---------------------------------
def _reference_differing(desired: dict[Any, Any], live: dict[Any, Any]) -> tuple[set[Any], bool]:
    """The differing leaves and whether deepdiff must judge them, as `compare` found them
    before: over the union of both sides' keys."""
    absent = object()
    paths, unsure = set(), False
    for key in desired.keys() | live.keys():
        left, right = desired.get(key, absent), live.get(key, absent)
        if left != right:
            paths.add(key)
            unsure = unsure or not (
                left is absent
                or right is absent
                or (type(left) is type(right) and type(left) in (str, int, bool))
            )
    return paths, unsure


_LEAF = st.one_of(
    st.text(max_size=2),
    st.integers(-2, 2),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=False),
    st.tuples(st.integers(0, 1)),
)
_FLAT = st.dictionaries(st.sampled_from([("a",), ("b",), ("a", "x"), ("c", "y", "z")]), _LEAF)


@settings(max_examples=400, deadline=None)
@given(_FLAT, _FLAT)
def test_compare_finds_the_reference_differences(
    desired: dict[Any, Any], live: dict[Any, Any]
) -> None:
    paths, unsure = _reference_differing(desired, live)
    if desired == live:
        paths = set()
    elif unsure:
        paths = _deepdiff_paths(desired, live, sorted(paths))
    expected = [
        Difference(
            path,
            "not_equal"
            if path in desired and path in live
            else ("removed" if path in desired else "added"),
            desired.get(path),
            live.get(path),
        )
        for path in sorted(paths)
    ]
    got = compare(desired, live)
    assert [(d.path, d.change) for d in got] == [(d.path, d.change) for d in expected]
    # NaN is not equal to itself: compare the values by identity (both are the maps' own).
    assert all(
        g.expected is e.expected and g.actual is e.actual
        for g, e in zip(got, expected, strict=True)
    )


# -- normalise: one node per pattern, the pattern as the path where no map is above ----------
def _reference_walk(
    rules: Any, obj: Any, path: tuple[str, ...], node: Any, ws: Any, out: dict[Any, Any]
) -> None:
    """The walk in its plainest form: every path built, every leaf through `canonical_value`
    (no memo, no shared paths, no shortcuts by type)."""
    as_map = node.as_map
    children = node.children
    for raw_key, value in obj.items():
        if value is None:
            continue
        if as_map is not None:
            key = normalise_module._canonical_key(str(raw_key), as_map.key_case)
            child = node.star or rules.child(node, key)
            if node.system_keys and key.lower() in normalise_module._SYSTEM_KEYS:
                continue
            if as_map.presence:
                out[(*path, key)] = key
                continue
            if as_map.drop_zero and value == 0:
                continue
        else:
            key = raw_key if type(raw_key) is str else str(raw_key)
            child = children.get(key) or rules.child(node, key)
        if child.dropped:
            continue
        if isinstance(value, Mapping):
            if value:
                _reference_walk(rules, value, (*path, key), child, ws, out)
            continue
        if isinstance(value, list) and not value:
            continue
        out[(*path, key)] = canonical_value(rules, child.pattern, value, ws)


def _reference_normalise(body: Any, kind: str, ws: Any) -> dict[Any, Any]:
    rules = rules_for(kind)
    normalise(body, kind, ws)  # builds the root node
    out: dict[Any, Any] = {}
    _reference_walk(rules, body, (), rules.root, ws, out)
    for pattern, value, when in rules.defaults:
        if pattern in out or (when is not None and out.get(when[0]) != when[1]):
            continue
        out[pattern] = value
    return out


def _bodies() -> list[dict[str, Any]]:
    """Every live body of the golden drift cases, and the same with keys respelled."""
    found = []
    for case in CASES:
        data = json.loads((case / "live.json").read_text(encoding="utf-8"))
        found += [b for b in data.get("value", []) if isinstance(b, dict)]
    return found


def _respelled(value: Any, draw: Any) -> Any:
    """`value` with some keys upper-cased, some values dropped or nulled, some made numbers."""
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            choice = draw(st.integers(0, 9))
            if choice == 0:
                continue
            out[key.upper() if choice == 1 else key] = (
                None if choice == 2 else _respelled(item, draw)
            )
        return out
    if isinstance(value, str) and draw(st.integers(0, 5)) == 0:
        return draw(
            st.sampled_from(
                [value.lower(), value.upper(), " " + value, "azureml:m:1", 0, 1.5, True, []]
            )
        )
    return value


def _kind_and_shape(body: dict[str, Any], kind: str | None) -> tuple[str, dict[str, Any]]:
    kind = kind or "deployment"
    if KINDS[kind].not_exported is not None:
        kind = "deployment"
    return kind, dict(KINDS[kind].shape(body))  # autoscale profiles, diagnostic logs as maps


@pytest.mark.parametrize("ws", [None, WorkspaceRef("sub", "rg", "ws")])
def test_normalise_gives_the_reference_leaves_for_every_golden_body(ws: Any) -> None:
    for body in _bodies():
        kind, shaped = _kind_and_shape(body, kind_of_any(body))
        got = normalise(shaped, kind, ws)
        assert list(got.items()) == list(_reference_normalise(shaped, kind, ws).items())


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_normalise_gives_the_reference_leaves(data: Any) -> None:
    original = data.draw(st.sampled_from(_bodies()))
    kind, body = _kind_and_shape(_respelled(original, data.draw), kind_of_any(original))
    ws = data.draw(st.sampled_from([None, WorkspaceRef("sub", "rg", "ws")]))
    got = normalise(body, kind, ws)
    assert list(got.items()) == list(_reference_normalise(body, kind, ws).items())


def test_remembered_asset_ids_are_expanded_per_workspace() -> None:
    body = {"properties": {"model": "azureml:m:1", "environmentId": "azureml:e:2"}}
    for ws in (None, WorkspaceRef("s1", "rg", "ws"), WorkspaceRef("s2", "rg", "ws"), None):
        got = normalise(body, "deployment", ws)
        assert list(got.items()) == list(_reference_normalise(body, "deployment", ws).items())
