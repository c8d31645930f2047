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
