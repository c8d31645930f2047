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


def _exchange_behind_a_busy_slot(timeout: float, deadline_in: float | None) -> dict[str, bool]:
    """An attempt armed while the gate's one slot is busy for a second: whether the watchdog
    had ended it when the slot came, 0.1 s later and 0.9 s later."""
    dog = Watchdog()
    gate = ConcurrencyGate(1)
    gate.enter()  # the one slot is busy
    seen: dict[str, bool] = {}

    def exchange() -> None:
        now = time.monotonic()
        ends_at, why = now + timeout, "timeout"
        deadline = None if deadline_in is None else now + deadline_in
        if deadline is not None and deadline <= ends_at:
            ends_at, why = deadline, "deadline"
        attempt = dog.arm(ends_at, why, deadline)
        gate.enter(dog)
        seen["at the slot"] = attempt.fired
        time.sleep(0.1)
        seen["soon after"] = attempt.fired
        time.sleep(0.8)
        seen["later"] = attempt.fired
        dog.disarm(attempt)
        gate.leave()

    try:
        other = threading.Thread(target=exchange)
        other.start()
        time.sleep(1.0)
        gate.leave()
        other.join(10)
    finally:
        dog.stop()
    return seen


def test_the_wait_for_a_slot_holds_the_answer_timeout() -> None:
    # 0.5 s to answer, of which none passes while waiting: it ends 0.5 s after the slot
    seen = _exchange_behind_a_busy_slot(0.5, None)
    assert seen == {"at the slot": False, "soon after": False, "later": True}


def test_the_wait_for_a_slot_does_not_hold_the_deadline() -> None:
    seen = _exchange_behind_a_busy_slot(30.0, 0.5)
    assert seen == {"at the slot": True, "soon after": True, "later": True}
