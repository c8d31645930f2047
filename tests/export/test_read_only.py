"""Read-only guarantees beyond the happy path, and reproducible bundles."""

from __future__ import annotations

from pathlib import Path

from iac_gen.emulator import Emulator, Fault
from tests.export.conftest import FAST, run_export


def test_missing_provider_registration_never_triggers_a_register_post(
    emulator: Emulator, tmp_path: Path
) -> None:
    # azure-mgmt-core would answer this 409 by POSTing .../providers/<ns>/register (a write);
    # the exporter removes that policy, so the resource is simply not_checked.
    emulator.set_faults(
        [
            Fault(
                path="ep-000/deployments$",
                status=409,
                error_code="MissingSubscriptionRegistration",
                message="The subscription is not registered to use namespace "
                "'Microsoft.MachineLearningServices'.",
            )
        ]
    )
    run = run_export(emulator, tmp_path / "live.json", *FAST)
    assert run.code == 3
    assert {r.method for r in emulator.records} == {"GET"}
    assert not any("register" in r.path.lower() for r in emulator.records)
    reasons = {e["reason"] for e in run.bundle["errors"]}
    assert reasons == {"unexpected answer (HTTP 409 MissingSubscriptionRegistration)"}


def test_same_live_state_same_bytes(emulator: Emulator, tmp_path: Path) -> None:
    first = run_export(emulator, tmp_path / "a.json", "--concurrency", "8")
    second = run_export(emulator, tmp_path / "b.json", "--concurrency", "3")
    assert first.code == second.code == 0
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.path.read_bytes().endswith(b"}\n")
