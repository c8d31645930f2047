"""Reading the live state in a worker process gives exactly the inputs of reading it in turn."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from iac_gen.drift import inputs

CASE = Path(__file__).resolve().parents[2] / "fixtures" / "drift-drifted"


def test_worker_and_in_turn_reading_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    specs_in_turn, live_in_turn = inputs.load_inputs([CASE / "spec.yaml"], CASE / "live.json", {})
    monkeypatch.setattr(inputs, "CONCURRENT_ABOVE_BYTES", 0)
    specs_beside, live_beside = inputs.load_inputs([CASE / "spec.yaml"], CASE / "live.json", {})
    assert specs_beside == specs_in_turn
    assert type(live_beside) is type(live_in_turn)
    assert vars(live_beside) == vars(live_in_turn)
    assert live_beside.resources  # the case has live resources to carry


class _Odd:
    def __init__(self, value: object) -> None:
        self.value = value


@pytest.mark.parametrize("value", [{"plain": [1, "x", None]}, Path("not-marshalable")])
def test_worker_sends_plain_states_as_marshal_data_and_others_as_they_are(
    monkeypatch: pytest.MonkeyPatch, value: object
) -> None:
    monkeypatch.setattr(
        inputs, "_read_live_safely", lambda path, target, share_strings=False: (_Odd(value), [])
    )
    try:
        sent, problems, _ = inputs._read_live_in_worker(Path("live.json"), {})
    finally:
        gc.enable()  # the worker body pauses the collector for its (short-lived) process
    assert problems == []
    if isinstance(value, Path):
        assert isinstance(sent, _Odd) and sent.value == value
    else:
        assert isinstance(sent, inputs._Marshalled)
        received = sent.unpack()
        assert type(received) is _Odd and received.value == value


def test_shared_strings_keep_the_data_and_make_repeated_values_one_object() -> None:
    import json

    from iac_gen import strict_json

    one = {"location": "westeurope", "tags": {"team": "ml"}, "zones": ["1", "2", "1"]}
    text = json.dumps([one, one, one, {"nested": {"a": "ml", "n": 7, "z": None}}])
    plain = strict_json.loads(text)
    shared = strict_json.loads(text, share_strings=True)
    assert shared == plain == json.loads(text)
    assert plain[0]["location"] is not plain[1]["location"]  # json makes each value anew
    assert shared[0]["location"] is shared[1]["location"] is shared[2]["location"]
    assert shared[0]["tags"]["team"] is shared[3]["nested"]["a"]
    with pytest.raises(strict_json.JsonProblem, match="duplicate key"):  # still strict
        strict_json.loads('{"a": "x", "a": "x"}', share_strings=True)


def test_the_worker_sends_repeated_values_once(tmp_path: Path) -> None:
    import json
    import marshal

    ws = (
        "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"
        "Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/ep"
    )
    bodies = [
        {
            "id": f"{ws}/deployments/d{i}",
            "name": f"d{i}",
            "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
            "properties": {"provisioningState": "Succeeded", "instanceType": "Standard_DS3_v2"},
        }
        for i in range(50)
    ]
    live = tmp_path / "live.json"
    live.write_text(json.dumps({"value": bodies}), "utf-8")
    try:
        sent, problems, _ = inputs._read_live_in_worker(live, {})
    finally:
        gc.enable()
    assert problems == [] and isinstance(sent, inputs._Marshalled)
    received = sent.unpack()
    unshared = marshal.dumps(vars(inputs._read_live_safely(live, {})[0]))
    assert len(sent.data) < len(unshared)
    first, last = received.resources[0], received.resources[-1]
    assert first["properties"]["instanceType"] is last["properties"]["instanceType"]
    assert received.resources == inputs._read_live_safely(live, {})[0].resources


def _settled_copy(tmp_path: Path, name: str = "live.json") -> Path:
    """The case's live file, last modified a minute ago: digests are remembered only for
    files settled before they are read (`provenance._SETTLED_NS`)."""
    import os
    import time

    live = tmp_path / name
    live.write_bytes((CASE / "live.json").read_bytes())
    old = time.time() - 60
    os.utime(live, (old, old))
    return live


def test_the_live_file_is_hashed_by_the_worker_and_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins
    import hashlib

    from iac_gen import provenance
    from iac_gen.drift import _run_inputs

    live = _settled_copy(tmp_path)
    monkeypatch.setattr(provenance, "_KNOWN", {})
    monkeypatch.setattr(inputs, "CONCURRENT_ABOVE_BYTES", 0)  # read in the worker
    specs, _ = inputs.load_inputs([CASE / "spec.yaml"], live, {})
    wanted = hashlib.sha256(live.read_bytes()).hexdigest()
    assert provenance._KNOWN[provenance._identity(live.stat())] == wanted  # sent back
    opened: list[str] = []
    real_open = builtins.open

    def watched(file: object, *args: object, **kwargs: object) -> object:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", watched)
    entries = _run_inputs(specs, live, None)
    assert {"role": "live", "path": str(live), "sha256": wanted} in entries
    assert str(live) not in opened  # found by its stat alone


def test_a_live_file_written_after_its_digest_was_taken_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from iac_gen import provenance
    from iac_gen.drift import input_entries

    live = _settled_copy(tmp_path)
    monkeypatch.setattr(provenance, "_KNOWN", {})
    inputs._read_live_safely(live, {})
    assert provenance._identity(live.stat()) in provenance._KNOWN  # read whole, settled
    live.write_bytes(live.read_bytes() + b"\n")  # a new mtime: another identity
    (entry,) = input_entries("live", [live])
    assert entry["sha256"] == hashlib.sha256(live.read_bytes()).hexdigest()
    unsettled = tmp_path / "fresh.json"
    unsettled.write_bytes((CASE / "live.json").read_bytes())
    inputs._read_live_safely(unsettled, {})  # written just now: never remembered (racy)
    assert provenance._identity(unsettled.stat()) not in provenance._KNOWN


_ORDER_LOG: list[Path] = []  # set by the test below, inherited by the forked worker
_READ_LIVE_IN_WORKER = inputs._read_live_in_worker


def _note(text: str) -> None:
    import os

    with open(_ORDER_LOG[0], "a", encoding="utf-8") as fh:
        fh.write(f"{text} {os.getpid()}\n")


def _noting_live_worker(path: Path, target: dict[str, str]) -> object:
    """The worker body, noting when it starts (module-level: the pool sends it by name)."""
    _note("live started")
    return _READ_LIVE_IN_WORKER(path, target)


def test_the_live_worker_starts_reading_once_the_spec_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker is forked at once but reads only when the spec files are read, so it runs
    beside the checks, not beside the two spec readers (`inputs._LiveStart`). Each side
    appends to one log as it happens; the fork inherits the patched functions."""
    import os
    import time

    from iac_gen.spec import load

    read_all = load._read_all

    def reading(candidates: list[object], stages: object = None) -> object:
        found = read_all(candidates, stages)  # type: ignore[arg-type]
        time.sleep(0.5)  # a slow reading: an open gate would let the worker note first
        _note("specs read")
        return found

    _ORDER_LOG[:] = [tmp_path / "order.log"]
    monkeypatch.setattr(load, "_read_all", reading)
    monkeypatch.setattr(inputs, "_read_live_in_worker", _noting_live_worker)
    monkeypatch.setattr(inputs, "CONCURRENT_ABOVE_BYTES", 0)
    specs, live = inputs.load_inputs([CASE / "spec.yaml"], CASE / "live.json", {})
    assert specs and live.resources
    events = _ORDER_LOG[0].read_text(encoding="utf-8").split("\n")[:-1]
    assert [e.split()[0] for e in events] == ["specs", "live"]
    assert events[0].split()[-1] == str(os.getpid()) != events[1].split()[-1]  # two processes


def test_the_gate_opens_so_that_the_live_reading_ends_with_the_checks() -> None:
    """`_LiveStart`: a live file read sooner than the specs are checked waits for the end of
    the reading; one that would outlast the checks by `ahead` starts while `ahead / 2` of
    the reading is left; one longer than all the reading starts when the files are found."""
    import threading

    files = 10_000
    check = files * inputs.CHECK_SECONDS_PER_FILE
    reading = files * inputs.READ_SECONDS_PER_FILE

    def gate_for(live_seconds: float) -> tuple[threading.Event, inputs._LiveStart]:
        gate = threading.Event()
        start = inputs._LiveStart(gate, int(live_seconds / inputs.LIVE_SECONDS_PER_BYTE))
        start.listed(files)
        return gate, start

    gate, start = gate_for(check * 0.9)  # shorter than the checks
    start.reading(1)
    assert not gate.is_set() and start.open_at_left == 0
    start.read()
    assert gate.is_set()

    ahead = reading / 2
    gate, start = gate_for(check + ahead)  # outlasts the checks by half the reading
    assert start.open_at_left == pytest.approx(files / 4, abs=1)
    start.reading(files // 4 + 10)
    assert not gate.is_set()
    start.reading(files // 4 - 10)
    assert gate.is_set()

    gate, _ = gate_for(check + reading * 1.01)  # longer than all the reading: at once
    assert gate.is_set()


def test_the_reading_is_told_how_many_files_are_left(monkeypatch: pytest.MonkeyPatch) -> None:
    """`shared_map` tells its caller, batch by batch, how many items neither process has
    taken: the counts fall to zero."""
    from iac_gen.parallel import shared_map

    told: list[int] = []
    found = shared_map(abs, list(range(-640, 0)), told.append)
    assert found == list(range(640, 0, -1))
    assert told and told == sorted(told, reverse=True) and told[-1] == 0


def test_problems_of_both_inputs_come_back_together_when_read_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spec that fails to load and a broken live file read by the worker: both files'
    problems are reported at once, as they are when read in turn."""
    from iac_gen.diagnostics import InputError

    spec = tmp_path / "spec.yaml"
    spec.write_text("name: [unclosed\n", encoding="utf-8")
    live = tmp_path / "live.json"
    live.write_text('{"value": [1, 2', encoding="utf-8")
    monkeypatch.setattr(inputs, "CONCURRENT_ABOVE_BYTES", 0)
    with pytest.raises(InputError) as raised:
        inputs.load_inputs([spec], live, {})
    where = {d.location.file for d in raised.value.diagnostics if d.location is not None}
    assert str(spec) in where and str(live) in where


def test_a_failure_before_the_files_are_read_still_lets_the_worker_finish(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gate is opened whatever stops the loading, else the pool would wait for its
    worker forever; a watchdog thread turns that wait into a failure here."""
    import threading

    from iac_gen.diagnostics import Diagnostic, InputError, Location
    from iac_gen.spec import load

    def failing(paths: object) -> object:
        raise InputError([Diagnostic("IAC012", "no endpoint spec found", Location("x", 0, 0))])

    monkeypatch.setattr(load, "discover", failing)
    monkeypatch.setattr(inputs, "CONCURRENT_ABOVE_BYTES", 0)
    outcome: list[BaseException] = []

    def load_them() -> None:
        try:
            inputs.load_inputs([CASE / "spec.yaml"], CASE / "live.json", {})
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    worker = threading.Thread(target=load_them, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the live worker was left waiting at its gate"
    assert len(outcome) == 1 and isinstance(outcome[0], InputError)
    assert [d.code for d in outcome[0].diagnostics] == ["IAC012"]
