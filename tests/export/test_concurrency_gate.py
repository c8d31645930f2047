"""`--concurrency` bounds the requests on the wire, whatever the number of worker threads, and
the wait for a slot is not counted against an answer's timeout (the export deadline is)."""

from __future__ import annotations

import threading
import time

import pytest

from iac_gen.azure.credentials import StaticTokenCredential
from iac_gen.azure.export import ExportOptions, export_live
from iac_gen.azure.http import ConcurrencyGate, Watchdog
from iac_gen.emulator import Emulator
from iac_gen.emulator.data import fleet
from tests.export.conftest import RG, SUB, TOKEN, WS

LATENCY = 0.1


def _most_in_flight(emu: Emulator) -> int:
    """Most answers whose server time overlapped: each request spent its last LATENCY
    seconds in the emulator's sleep before its answer was recorded (a little inside that
    window, so two exchanges that only touch do not count as overlapping)."""
    edges = []
    for rec in emu.records:
        edges.append((rec.at - LATENCY + 0.01, 1))
        edges.append((rec.at - 0.01, -1))
    most = now = 0
    for _, step in sorted(edges):
        now += step
        most = max(most, now)
    return most


def test_no_more_requests_in_flight_than_the_concurrency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bodies = fleet(subscriptions=(SUB,), endpoints=2, deployments_per_endpoint=6)
    with Emulator(bodies, latency=LATENCY, token=TOKEN) as emu:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(emu.ca_file))
        options = ExportOptions(
            subscriptions=(SUB,),
            resource_group=RG,
            workspace=WS,
            arm_endpoint=emu.url,
            concurrency=3,
        )
        bundle = export_live(options, credential=StaticTokenCredential(TOKEN))
        emu.assert_only_allowed()
        most = _most_in_flight(emu)
        seen = len(emu.records)
    assert bundle["summary"]["not_checked"] == 0
    assert seen > 20
    # the gate is used to the full, and never past it (6 worker threads for 3 slots)
    assert most == 3, most


def test_a_slot_is_taken_once_per_exchange_and_given_back() -> None:
    gate = ConcurrencyGate(1)
    assert gate.enter() == 0.0
    assert gate.enter() == 0.0  # connect, then request: one slot
    got: list[float] = []
    other = threading.Thread(target=lambda: got.append(gate.enter()) or gate.leave())
    other.start()
    time.sleep(0.2)
    assert not got  # the other exchange waits for the slot
    gate.leave()
    gate.leave()  # a second leave gives back nothing
    other.join(5)
    assert got and got[0] >= 0.15
    assert gate.enter() == 0.0
    gate.leave()


def test_the_wait_for_a_slot_moves_the_answer_timeout_not_the_deadline() -> None:
    dog = Watchdog()
    try:
        now = time.monotonic()
        attempt = dog.arm(now + 0.3, "timeout", None)
        dog.extend(0.5)  # waited half a second for a slot
        time.sleep(0.5)
        assert not attempt.fired
        time.sleep(0.6)
        assert attempt.fired and attempt.why == "timeout"
        dog.disarm(attempt)

        now = time.monotonic()
        attempt = dog.arm(now + 0.3, "timeout", now + 0.4)
        dog.extend(5.0)
        assert attempt.why == "deadline"
        time.sleep(0.7)
        assert attempt.fired
        dog.disarm(attempt)
    finally:
        dog.stop()
