"""Judging by endpoint chunks, and in two processes, gives exactly the one-pass result.

`iac_gen.drift.parts` cuts the pairs into chunks of whole endpoints and, on a large fleet,
has a forked worker judge half of them. These tests run the same inputs three ways - one
chunk in one process, one endpoint per chunk, and two processes - and compare the results
whole: every fixture case (companions, waivers, local code, attribution, unsettled bodies)
and a generated fleet with drifted, missing, unmanaged and waived resources.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from iac_gen.drift import analyse, parts
from iac_gen.drift.waivers import load_waivers
from iac_gen.live import read_live
from iac_gen.spec.load import load_specs

from .test_bench_fleet import bench_module
from .test_fixtures import CASES, EPOCH, ROOT, run_case


def _one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parts, "CHUNK_PAIRS", 10**9)
    monkeypatch.setattr(parts, "SHARE_FROM_PAIRS", 10**9)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fixture_case_chunked_equals_one_pass(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    _one_pass(monkeypatch)
    whole, _cfg = run_case(case)
    monkeypatch.setattr(parts, "CHUNK_PAIRS", 1)  # every endpoint its own chunk
    chunked, _cfg = run_case(case)
    assert chunked == whole


def _fleet(root: Path) -> tuple[Path, Path, Path]:
    """30 generated endpoints: one drifted, one missing from Azure, one unmanaged, one whose
    live traffic moved, and waivers matching findings of two endpoints."""
    specs, live = bench_module().generate(root, 30, "native")
    bodies = json.loads(live.read_text(encoding="utf-8"))["value"]
    bodies = [b for b in bodies if "/onlineEndpoints/ep-00003" not in b["id"]]  # missing
    for body in bodies:
        if body["id"].endswith("/onlineEndpoints/ep-00011"):
            body["properties"]["traffic"] = {"blue": 50, "green": 50}
        if "/onlineEndpoints/ep-00017/" in body["id"]:
            body["sku"]["capacity"] = 9
    live.write_text(json.dumps({"value": bodies}), encoding="utf-8")
    (specs / "ep-00021.yaml").unlink()  # its live resources are unmanaged
    waivers = root / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - {id: W-1, resource: ep-00017/*, field: '*', reason: load test, "
        "approver: a@example.com, expires: 2099-01-01}\n"
        "  - {id: W-2, resource: ep-00000, field: auth_mode, reason: migration, "
        "approver: a@example.com, expires: 2099-01-01}\n"
        "  - {id: W-3, resource: ep-09999, field: '*', reason: unused, "
        "approver: a@example.com, expires: 2099-01-01}\n",
        encoding="utf-8",
    )
    return specs, live, waivers


def _judge(specs: Path, live: Path, waivers: Path) -> dict[str, Any]:
    return analyse(load_specs([specs]), read_live(live), load_waivers(waivers), live_path=live)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return _fleet(tmp_path_factory.mktemp("fleet"))


def _reference(fleet: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The fleet judged in one pass, one process (what every other way must equal)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    _one_pass(monkeypatch)
    return _judge(*fleet)


def _two_processes_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of five endpoints, shared whatever the size of this test process."""
    monkeypatch.setattr(parts, "CHUNK_PAIRS", 20)
    monkeypatch.setattr(parts, "SHARE_FROM_PAIRS", 0)
    monkeypatch.setattr(parts, "SHARE_UP_TO_RESIDENT_MIB", None)


def test_generated_fleet_is_a_real_mix(
    fleet: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fleet below exercises what chunks must join: each status, waived findings."""
    result = _reference(fleet, monkeypatch)
    counts = result["summary"]["resources"]
    assert counts["missing"] >= 1 and counts["unmanaged"] >= 1 and counts["modified"] >= 3
    assert result["summary"]["findings"]["waived"] >= 2
    assert {w["id"]: w["status"] for w in result["waivers"]} == {
        "W-1": "active",
        "W-2": "active",
        "W-3": "unused",
    }


def test_generated_fleet_chunked_equals_one_pass(
    fleet: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _reference(fleet, monkeypatch)
    monkeypatch.setattr(parts, "CHUNK_PAIRS", 4)  # one endpoint and its deployments
    assert _judge(*fleet) == whole


@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods(),
    reason="needs two cores and fork",
)
def test_generated_fleet_in_two_processes_equals_one_pass(
    fleet: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _reference(fleet, monkeypatch)
    shared: list[bool] = []
    judge = parts.judge_by_endpoint

    def spy(*args: Any, **kwargs: Any) -> bool:
        shared.append(judge(*args, **kwargs))
        return shared[-1]

    _two_processes_allowed(monkeypatch)
    monkeypatch.setattr(parts, "judge_by_endpoint", spy)
    assert _judge(*fleet) == whole
    assert shared == [True]  # the worker really judged half of the chunks


def test_a_failing_worker_falls_back_to_one_process(
    fleet: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the worker's trouble, the run is judged here, with the same result."""
    whole = _reference(fleet, monkeypatch)
    from iac_gen import parallel

    asked: list[int] = []
    _two_processes_allowed(monkeypatch)
    monkeypatch.setattr(parallel, "shared_map", lambda function, items: asked.append(1))
    assert _judge(*fleet) == whole
    assert asked == [1]


def test_a_large_process_judges_alone(
    fleet: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the resident bound no worker is started: its copy of the pages would cost more."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    from iac_gen import parallel

    started: list[int] = []
    _two_processes_allowed(monkeypatch)
    monkeypatch.setattr(parts, "SHARE_UP_TO_RESIDENT_MIB", parallel.resident_mib() / 2)
    monkeypatch.setattr(parallel, "shared_map", lambda f, items: started.append(1))
    _judge(*fleet)
    assert started == []
    monkeypatch.setattr(parts, "SHARE_UP_TO_RESIDENT_MIB", parallel.resident_mib() + 4096)
    _judge(*fleet)
    assert started == [1]


def test_resident_size_is_read() -> None:
    from iac_gen import parallel

    ballast = bytearray(64 << 20)  # 64 MiB, written: resident
    with_ballast = parallel.resident_mib()
    del ballast
    assert 8 < with_ballast < 1 << 20
    assert parallel.resident_mib() < with_ballast


def test_chunks_hold_whole_endpoints_in_order() -> None:
    from iac_gen.drift.asset_ids import ResourceKey
    from iac_gen.drift.match import Pair

    keys = [("ws", "a", ""), ("ws", "b", ""), ("ws", "a", "blue"), ("ws", "c", ""), ("x", "a", "")]
    pairs = [Pair(ResourceKey(*k), "endpoint", None, None) for k in keys]
    chunks = parts.chunks_by_endpoint(pairs, 2)
    assert [[p.key for p in chunk] for chunk in chunks] == [
        [ResourceKey("ws", "a", ""), ResourceKey("ws", "a", "blue")],
        [ResourceKey("ws", "b", ""), ResourceKey("ws", "c", "")],
        [ResourceKey("x", "a", "")],
    ]
    assert parts.chunks_by_endpoint([], 2) == []
