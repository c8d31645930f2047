"""`iac-gen merge`: the shards of a fleet, merged, say exactly what one run over the union says.

End to end with the ARM emulator: `export --graph` over every subscription and `drift` once;
then `export --graph --shard K/N` and `drift` per shard, and `merge`. The two drift.json
files must be equal but for the fields that name the shards (`SHARD_FIELDS`). In-process,
the same over random subscription sets (hypothesis), and every refusal of merge.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from iac_gen.emulator import Emulator
from iac_gen.report.manifest import verify_manifest
from tests.export.conftest import TOKEN
from tests.merge.fleet import (
    deployed,
    drift,
    export,
    iac_gen,
    load,
    subscription,
    with_changes,
    write_specs,
)

SUBS = [subscription(i) for i in range(1, 7)]
# What legitimately differs between the merge and one run over the union: the union judged
# one bundle, the merge N bundles, each named with its shard. Everything else is equal.
SHARD_FIELDS = ("inputs",)


def _without(result: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in fields}


@pytest.fixture(scope="module")
def fleet_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Specs, the emulator's bodies, and one export + drift over the whole fleet."""
    tmp = tmp_path_factory.mktemp("fleet")
    paths = write_specs(tmp / "specs", SUBS)
    bodies = with_changes(deployed(paths), SUBS)
    with Emulator(bodies, token=TOKEN) as emu:
        run = export(emu, tmp / "union.json", SUBS)
        emu.assert_only_allowed()
    assert run.returncode == 0, run.stderr
    union = drift(tmp / "specs", tmp / "union.json", tmp / "union")
    assert union.returncode == 1, union.stdout + union.stderr  # drift, missing, unmanaged
    return {"tmp": tmp, "bodies": bodies, "union": load(tmp / "union" / "drift.json")}


@pytest.mark.parametrize("count", [3, 4])  # with 4, shard 1/4 holds none of the six
def test_merge_of_shards_equals_one_run_over_the_union(
    fleet_run: dict[str, Any], count: int
) -> None:
    tmp: Path = fleet_run["tmp"] / f"n{count}"
    specs = fleet_run["tmp"] / "specs"
    results = []
    with Emulator(fleet_run["bodies"], token=TOKEN) as emu:
        for k in range(1, count + 1):
            folder = tmp / f"shard-{k}"
            folder.mkdir(parents=True)
            run = export(emu, folder / "live.json", SUBS, "--shard", f"{k}/{count}")
            assert run.returncode == 0, run.stderr
            assert load(folder / "live.json")["scope"]["shard"] == f"{k}/{count}"
            judged = drift(specs, folder / "live.json", folder)
            assert judged.returncode in (0, 1), judged.stdout + judged.stderr
            results.append(folder / "drift.json")
        emu.assert_only_allowed()
    merged = iac_gen(["merge", *map(str, results), "--report", str(tmp / "merged")])
    assert merged.returncode == 1, merged.stdout + merged.stderr  # the union's gate
    assert f"merged {count} shards of {count}" in merged.stdout
    result = load(tmp / "merged" / "drift.json")
    union = fleet_run["union"]
    assert _without(result, SHARD_FIELDS) == _without(union, SHARD_FIELDS)
    assert result["summary"]["resources"]["missing"] == 1  # not vacuous: every kind is there
    assert result["summary"]["resources"]["unmanaged"] == 1
    assert result["summary"]["resources"]["modified"] >= 1
    # inputs: the same design, and each shard's bundle with its shard in place of the union's
    design = [i for i in union["inputs"] if i["role"] != "live"]
    assert [i for i in result["inputs"] if i["role"] != "live"] == design
    lives = [i for i in result["inputs"] if i["role"] == "live"]
    assert [i["shard"] for i in lives] == [f"{k}/{count}" for k in range(1, count + 1)]
    # the manifest chains every shard's result and manifest, and re-checks clean
    manifest = load(tmp / "merged" / "manifest.json")
    entries = manifest["shards"]["entries"]
    assert [e["shard"] for e in entries] == [f"{k}/{count}" for k in range(1, count + 1)]
    for entry, path in zip(entries, results, strict=True):
        assert entry["result"]["sha256"] == load_sha(path)
        assert entry["manifest"]["sha256"] == load_sha(path.parent / "manifest.json")
    assert entries[-1]["chain_sha256"] == manifest["shards"]["chain_sha256"]
    assert verify_manifest(tmp / "merged" / "manifest.json") == []
    # ... and notices a shard result changed afterwards
    shutil.copy(results[0], tmp / "kept.json")
    results[0].write_text(results[0].read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert any("sha256" in p for p in verify_manifest(tmp / "merged" / "manifest.json"))
    again = iac_gen(["merge", *map(str, results), "--report", str(tmp / "again")])
    assert again.returncode == 2 and "IAC515" in again.stderr, again.stderr
    assert not (tmp / "again").exists()
    shutil.copy(tmp / "kept.json", results[0])


def load_sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- in-process: random subscription sets ------------------------------------------------------


def _bundle(bodies: list[dict[str, Any]], subs: list[str], shard: str | None) -> dict[str, Any]:
    from iac_gen.live.bundle import build_bundle

    scope: dict[str, Any] = {"mode": "graph", "subscriptions": subs}
    if shard is not None:
        scope["shard"] = shard
    wanted = {s.lower() for s in subs}
    mine = [b for b in bodies if b["id"].split("/")[2].lower() in wanted]
    return build_bundle(
        resources=mine,
        read=[{"id": b["id"], "type": b["type"], "status": "read"} for b in mine],
        scope=scope,
        arm_endpoint="https://127.0.0.1:1",
        api_versions={"machinelearningservices": "2026-05-01"},
    )


def _judge(specs: list[Any], bundle: dict[str, Any], folder: Path) -> Path:
    from iac_gen.drift import analyse
    from iac_gen.output_files import dumps_json
    from iac_gen.report.redact import redact_result

    folder.mkdir(parents=True)
    live = folder / "live.json"
    live.write_text(dumps_json(bundle), encoding="utf-8")
    result = redact_result(analyse(specs, live))
    out = folder / "drift.json"
    out.write_text(dumps_json(result), encoding="utf-8")
    return out


@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # each example runs drift N + 1 times: no shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    picked=st.sets(st.integers(min_value=1, max_value=4000), min_size=1, max_size=7),
    count=st.integers(min_value=1, max_value=5),
)
def test_merge_equals_union_for_random_subscription_sets(
    tmp_path_factory: pytest.TempPathFactory, picked: set[int], count: int
) -> None:
    from iac_gen.report.merge import check_set, merge_results, read_shard
    from iac_gen.shards import Shard
    from iac_gen.spec.load import load_specs

    tmp = tmp_path_factory.mktemp("random")
    subs = [subscription(n) for n in sorted(picked)]
    paths = write_specs(tmp / "specs", subs)
    specs = load_specs(paths)
    bodies = with_changes(deployed(paths), subs)
    union = load(_judge(specs, _bundle(bodies, subs, None), tmp / "union"))
    shards = []
    for k in range(1, count + 1):
        mine = [s for s in subs if Shard(k, count).holds(s)]
        path = _judge(specs, _bundle(bodies, mine, f"{k}/{count}"), tmp / f"shard-{k}")
        shards.append(read_shard(path))
    merged = merge_results(check_set(list(reversed(shards))))  # given in any order
    assert _without(merged, (*SHARD_FIELDS, "generated_at")) == _without(
        union, (*SHARD_FIELDS, "generated_at")
    )
    assert merged["summary"] == union["summary"]
