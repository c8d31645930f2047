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
    monkeypatch.setattr(inputs, "_read_live_safely", lambda path, target: (_Odd(value), []))
    try:
        sent, problems = inputs._read_live_in_worker(Path("live.json"), {})
    finally:
        gc.enable()  # the worker body pauses the collector for its (short-lived) process
    assert problems == []
    if isinstance(value, Path):
        assert isinstance(sent, _Odd) and sent.value == value
    else:
        assert isinstance(sent, inputs._Marshalled)
        received = sent.unpack()
        assert type(received) is _Odd and received.value == value
