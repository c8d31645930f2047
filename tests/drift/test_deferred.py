"""Desired states built where they are judged give the result of states built first.

`iac_gen.drift.deferred` keys a spec's endpoint and deployments from their ids and builds
the bodies when the endpoint is judged. Checked here: the keys are those the built state
gives, every drift fixture judges the same either way, and a state that fails to build in
judging order still reports the error a run in spec order reports.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iac_gen.desired import desired_state
from iac_gen.diagnostics import Diagnostic, InputError, Location
from iac_gen.drift import analyse, deferred
from iac_gen.drift.match import Pair, designed_resources
from iac_gen.live import read_live
from iac_gen.spec.load import load_specs

from .test_bench_fleet import bench_module
from .test_fixtures import CASES, EPOCH, ROOT, run_case


def _all_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deferred, "deferrable", lambda spec: False)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fixture_case_judges_the_same_with_states_built_first(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    later, _cfg = run_case(case)
    _all_built(monkeypatch)
    first, _cfg = run_case(case)
    assert later == first


def _specs() -> list[Any]:
    specs = []
    for case in CASES:
        target = None
        case_json = case / "case.json"
        if case_json.is_file():
            target = json.loads(case_json.read_text(encoding="utf-8")).get("target")
        for path in sorted(case.glob("*.y*ml")):
            try:
                specs.extend(load_specs([path], target))
            except InputError:
                continue  # a sidecar, waivers or a CLI v2 part on its own
    return specs


def test_keys_are_those_of_the_built_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    specs = [spec for spec in _specs() if deferred.deferrable(spec)]
    assert len(specs) >= 5
    for spec in specs:
        state = desired_state(spec)
        built = designed_resources(spec, state.resources, state.unresolved)
        keyed = deferred.DeferredState(spec).designed()
        assert [(d.key, d.kind, d.ws) for d in keyed] == [(d.key, d.kind, d.ws) for d in built]
        pairs = deferred.built_pairs([Pair(d.key, d.kind, d, None) for d in keyed])
        assert [(p.designed.body, list(p.designed.unresolved)) for p in pairs] == [
            (d.body, list(d.unresolved)) for d in built
        ]


def test_a_state_failing_in_judging_order_reports_the_first_in_spec_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Endpoints are judged in key order, which need not be spec order: the error raised is
    still that of the first failing spec, as a run building every state first reports."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    specs_dir, live = bench_module().generate(tmp_path, 6, "native")
    specs = load_specs([specs_dir])
    failing = {specs[4].endpoint.name, specs[1].endpoint.name}
    real = deferred.desired_state
    calls: list[str] = []

    def build(spec):  # fails for two specs, whenever it is asked
        calls.append(spec.endpoint.name)
        if spec.endpoint.name in failing:
            raise InputError(
                [Diagnostic("IAC320", f"cannot build {spec.endpoint.name}", Location("x"))]
            )
        return real(spec)

    monkeypatch.setattr(deferred, "desired_state", build)
    monkeypatch.setattr("iac_gen.desired.desired_state", build)
    specs = list(reversed(specs))  # judged in key order, the opposite of this spec order
    with pytest.raises(InputError) as raised:
        analyse(specs, read_live(live), live_path=live)
    assert [str(d.message) for d in raised.value.diagnostics] == ["cannot build ep-00004"]
    assert "ep-00001" in calls  # judging order met ep-00001 first, and was set aside


def test_building_keeps_every_other_field_of_the_pair_and_designed_resource(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`built_pairs` makes the pair and designed resource field by field: a field added to
    either class and not carried over would be lost silently."""
    import dataclasses

    from iac_gen.drift.match import Designed, ResourceKey

    spec = _specs()[0]
    later = deferred.DeferredState(spec).designed()[0]
    needed = ("key", "kind", "ws", "body", "spec")  # what building the body reads
    others = {f.name: f"value of {f.name}" for f in dataclasses.fields(Designed)}
    designed = dataclasses.replace(later, **{k: v for k, v in others.items() if k not in needed})
    fields = {f.name: f"value of {f.name}" for f in dataclasses.fields(Pair)}
    fields.update(key=designed.key, kind=designed.kind, designed=designed, live={"id": "x"})
    pair = Pair(**fields)
    body, notes = {"id": "built"}, [("properties.y", "from building")]
    monkeypatch.setattr(deferred._Later, "built", lambda self: (body, notes))
    (built,) = deferred.built_pairs([pair])
    for f in dataclasses.fields(Pair):
        if f.name != "designed":
            assert getattr(built, f.name) == getattr(pair, f.name), f.name
    assert built.designed is not None and isinstance(built.designed, Designed)
    for f in dataclasses.fields(Designed):
        expected = {"body": body, "unresolved": notes}.get(f.name, getattr(designed, f.name))
        assert getattr(built.designed, f.name) == expected, f.name
    assert isinstance(designed.key, ResourceKey)
