"""`export --graph --shard K/N`: which subscriptions a shard reads, and bad `--shard` values.

The assignment (`iac_gen.shards.shard_of`) is a contract between CI jobs that may run on
different machines and iac-gen versions: a few values are pinned here, and its properties
(a partition, independent of the other subscriptions) are checked over random sets."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iac_gen.emulator import Emulator
from iac_gen.emulator.data import fleet
from iac_gen.shards import BadShard, Shard, in_shard, parse_shard, shard_of
from tests.conftest import run_main
from tests.export.conftest import FAST, TOKEN, run_export

SUBS = tuple(f"{n:08x}-0000-4000-8000-000000000000" for n in range(1, 9))
GUIDS = st.uuids().map(str)


def test_pinned_assignments_never_move() -> None:
    """Changing these moves every subscription of every tenant to another job (and makes
    `merge` of shards from two iac-gen versions overlap): a change here is a breaking one."""
    assert [shard_of(s, 4) for s in SUBS] == [2, 3, 2, 4, 2, 3, 1, 3]
    # ... which is the documented rule: SHA-256 of the lower-case id, first 8 bytes, mod N
    for sub in SUBS:
        digest = hashlib.sha256(sub.lower().encode()).digest()
        assert shard_of(sub.upper(), 5) == int.from_bytes(digest[:8], "big") % 5 + 1
    assert shard_of("8F6B6269-84F2-4D09-9E31-1127EFCD1E40", 7) == shard_of(
        "8f6b6269-84f2-4d09-9e31-1127efcd1e40", 7
    )


@given(st.lists(GUIDS, min_size=0, max_size=30, unique=True), st.integers(1, 20))
def test_shards_partition_any_set(subs: list[str], count: int) -> None:
    parts = [in_shard(subs, Shard(k, count)) for k in range(1, count + 1)]
    assert sorted(s for part in parts for s in part) == sorted(subs)  # each exactly once


@given(GUIDS, st.lists(GUIDS, max_size=20), st.integers(1, 20))
def test_a_subscription_keeps_its_shard_whatever_else_exists(
    sub: str, others: list[str], count: int
) -> None:
    alone = [k for k in range(1, count + 1) if in_shard([sub], Shard(k, count))]
    crowded = [k for k in range(1, count + 1) if sub in in_shard([*others, sub], Shard(k, count))]
    assert alone == crowded == [shard_of(sub, count)]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0/3", "K must be between 1 and N (3)"),
        ("4/3", "K must be between 1 and N (3)"),
        ("x/y", "is not K/N"),
        ("1/0", "N must be at least 1"),
        ("-1/3", "is not K/N"),
        ("1/3/5", "is not K/N"),
        ("", "is not K/N"),
        ("2/1001", "N must be at most 1000"),
    ],
)
def test_bad_shard_values_are_one_line_and_exit_2_before_any_request(
    value: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(BadShard):
        parse_shard(value)
    out = tmp_path / "live.json"
    with Emulator(fleet(subscriptions=SUBS[:1]), token=TOKEN) as emu:
        args = ["export", "--graph", "--subscription", SUBS[0], "--shard", value]
        code, stdout, err = run_main([*args, "-o", str(out), "--arm-endpoint", emu.url], capsys)
        requests = list(emu.records)
    assert code == 2, (stdout, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "error IAC334" in lines[0] and says in lines[0], err
    assert requests == [] and not out.exists()


def test_shard_needs_graph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["export", "--subscription", SUBS[0], "--resource-group", "g", "--workspace", "w"]
    code, _, err = run_main([*args, "--shard", "1/2", "-o", str(tmp_path / "x.json")], capsys)
    assert code == 2 and "IAC334 --shard needs --graph" in err


@pytest.mark.parametrize("scope", ["subscriptions", "management-group"])
def test_a_shard_reads_only_its_subscriptions(scope: str, tmp_path: Path) -> None:
    bodies = fleet(subscriptions=SUBS, endpoints=1, deployments_per_endpoint=1)
    wanted = ["--management-group", "mg-fleet"] if scope == "management-group" else []
    if not wanted:
        for sub in SUBS:
            wanted += ["--subscription", sub]
    seen: set[str] = set()
    with Emulator(bodies, token=TOKEN) as emu:
        for k in (1, 2, 3, 4):
            run = run_export(
                emu,
                tmp_path / f"s{k}.json",
                "--graph",
                *wanted,
                "--shard",
                f"{k}/4",
                *FAST,
                workspace_scope=False,
            )
            assert run.code == 0, run.stderr
            assert run.bundle is not None
            mine = {s for s in SUBS if shard_of(s, 4) == k}
            assert run.bundle["scope"]["shard"] == f"{k}/4"
            assert set(run.bundle["scope"]["subscriptions"]) == mine
            subs_read = {r["id"].split("/")[2] for r in run.bundle["resources"]}
            assert subs_read == mine
            seen |= subs_read
        emu.assert_only_allowed()
        gets = [r.path for r in emu.records if r.method == "GET"]
    assert seen == set(SUBS)
    assert all(p.split("/")[2] in SUBS for p in gets)
