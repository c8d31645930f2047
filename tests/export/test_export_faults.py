"""Each injected fault maps to the expected bundle content and exit code."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from iac_gen.emulator import Emulator, Fault
from iac_gen.emulator.data import fleet
from tests.export.conftest import FAST, SUB, TOKEN, run_export

DEP = "ep-000/deployments/dep-001"


def test_missing_endpoint_is_reported_missing_not_an_error(
    emulator: Emulator, tmp_path: Path
) -> None:
    run = run_export(emulator, tmp_path / "live.json", "--endpoint", "ep-gone")
    assert run.code == 0, run.stderr
    entry = run.status_of("/onlineEndpoints/ep-gone")
    assert entry["status"] == "missing"
    assert run.bundle["summary"]["missing"] == 1
    assert run.bundle["errors"] == []


@pytest.mark.parametrize("status", [401, 403])
def test_denied_resource_is_not_checked_and_exit_3(
    emulator: Emulator, tmp_path: Path, status: int
) -> None:
    emulator.set_faults([Fault(path=f"{DEP}$", status=status)])
    run = run_export(emulator, tmp_path / "live.json", *FAST)
    assert run.code == 3
    entry = run.status_of(DEP)
    assert entry["status"] == "not_checked"
    assert entry["reason"].startswith(f"access denied (HTTP {status}")
    assert run.bundle["errors"] == [{"id": entry["id"], "reason": entry["reason"]}]
    assert not any(r["id"].endswith(DEP) for r in run.bundle["resources"])
    assert run.bundle["summary"]["read"] == 18


def test_truncated_body_is_not_checked(emulator: Emulator, tmp_path: Path) -> None:
    emulator.set_faults([Fault(path=f"{DEP}$", truncate=True)])
    run = run_export(emulator, tmp_path / "live.json", *FAST)
    assert run.code == 3
    entry = run.status_of(DEP)
    assert entry["status"] == "not_checked"
    assert "malformed response body" in entry["reason"]


def test_retries_exhausted_is_not_checked(emulator: Emulator, tmp_path: Path) -> None:
    emulator.set_faults([Fault(path=f"{DEP}$", status=503, retry_after="0")])
    run = run_export(emulator, tmp_path / "live.json", "--retries", "2", "--retry-backoff", "0.01")
    assert run.code == 3
    entry = run.status_of(DEP)
    assert entry["reason"] == "retries exhausted (last answer HTTP 503 ServiceUnavailable)"
    attempts = [r for r in emulator.records if r.path.endswith(DEP)]
    assert len(attempts) == 3  # first try + 2 retries


def test_throttled_once_then_read(emulator: Emulator, tmp_path: Path) -> None:
    emulator.set_faults([Fault(path=f"{DEP}$", status=429, retry_after="0.2", times=1)])
    started = time.monotonic()
    run = run_export(emulator, tmp_path / "live.json", *FAST)
    assert run.code == 0, run.stderr
    assert run.status_of(DEP)["status"] == "read"
    attempts = [r for r in emulator.records if r.path.endswith(DEP)]
    assert [a.status for a in attempts] == [429, 200]
    assert time.monotonic() - started >= 0.2  # Retry-After honoured


def test_connection_level_server_errors_are_retried(emulator: Emulator, tmp_path: Path) -> None:
    emulator.set_faults([Fault(path=f"{DEP}$", status=500, times=2)])
    run = run_export(emulator, tmp_path / "live.json", *FAST)
    assert run.code == 0, run.stderr
    statuses = [r.status for r in emulator.records if r.path.endswith(DEP)]
    assert statuses == [500, 500, 200]


def test_slow_reply_beyond_timeout_is_not_checked(emulator: Emulator, tmp_path: Path) -> None:
    # The timeout leaves every healthy request a second: on a loaded CI machine 0.3 s also
    # timed out replies the emulator was not told to delay.
    emulator.set_faults([Fault(path=f"{DEP}$", delay=3.0)])
    run = run_export(
        emulator,
        tmp_path / "live.json",
        "--timeout",
        "1.0",
        "--retries",
        "1",
        "--retry-backoff",
        "0.01",
    )
    assert run.code == 3
    entry = run.status_of(DEP)
    assert entry["status"] == "not_checked"
    assert entry["reason"].startswith("timed out after retries")
    assert run.bundle["summary"]["read"] == 18


def test_overall_deadline_marks_the_rest_not_checked(emulator: Emulator, tmp_path: Path) -> None:
    emulator.set_faults([Fault(path="/deployments/dep-00[0-9]$", delay=0.5)])
    run = run_export(
        emulator,
        tmp_path / "live.json",
        "--deadline",
        "1.2",
        "--concurrency",
        "1",
        "--retries",
        "0",
    )
    assert run.code == 3
    reasons = {e["reason"] for e in run.bundle["errors"]}
    assert any("deadline" in r or "timed out" in r for r in reasons), reasons
    assert run.bundle["summary"]["not_checked"] >= 3


def test_next_link_loop_stops_and_marks_collection_not_checked(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.set_faults([Fault(path="ep-000/deployments$", next_link_loop=True)])
    run = run_export(emulator, tmp_path / "live.json", *FAST)
    assert run.code == 3
    entry = run.status_of("ep-000/deployments")
    assert entry["status"] == "not_checked"
    assert entry["reason"] == "nextLink loop (same link twice)"
    listing = [r for r in emulator.records if r.path.endswith("ep-000/deployments")]
    assert len(listing) == 1  # the next link equals the page just read: never fetched again
    # what the first page listed was still read
    deps = [r for r in run.bundle["resources"] if "/ep-000/deployments/" in r["id"]]
    assert len(deps) == 2


def test_workspace_missing(tmp_path: Path) -> None:
    with Emulator(fleet(subscriptions=(SUB,), endpoints=1), token=TOKEN) as emu:
        run = run_export(emu, tmp_path / "live.json", "--workspace", "mlw-other", *FAST)
        emu.assert_only_allowed()
    assert run.code == 0
    assert run.status_of("/workspaces/mlw-other")["status"] == "missing"
    assert run.bundle["resources"] == []


def test_thousand_deployments_with_throttling_lose_nothing(tmp_path: Path) -> None:
    bodies = fleet(subscriptions=(SUB,), endpoints=10, deployments_per_endpoint=100)
    faults = [
        Fault(path="/deployments/dep-[0-9]+$", status=429, retry_after="0.01", rate=0.10),
        Fault(path="/deployments/dep-[0-9]+$", status=503, rate=0.05),
    ]
    with Emulator(bodies, token=TOKEN, faults=faults, seed=11) as emu:
        run = run_export(
            emu, tmp_path / "live.json", "--retries", "10", "--retry-backoff", "0.01", "--quiet"
        )
        emu.assert_only_allowed()
        statuses = [r.status for r in emu.records]
    assert run.code == 0, run.stderr
    deployments = [r for r in run.bundle["resources"] if r["type"].endswith("/deployments")]
    assert len(deployments) == 1000
    assert len({d["id"] for d in deployments}) == 1000
    assert run.bundle["summary"]["not_checked"] == 0
    assert statuses.count(429) > 50 and statuses.count(503) > 20  # the faults really fired
