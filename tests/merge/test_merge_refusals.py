"""`iac-gen merge` refuses anything but one complete, consistent set of shards: one line
with its code, exit 2, nothing written. Shard results are made in-process (drift over
hand-built bundles), then changed the way a mistake in a pipeline would change them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from iac_gen.output_files import dumps_json
from iac_gen.shards import Shard
from tests.conftest import run_main
from tests.merge.fleet import deployed, subscription, with_changes, write_specs
from tests.merge.test_merge import _bundle, _judge

SUBS = [subscription(i) for i in (1, 2, 6, 7)]  # two in each of 2 shards


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Shard results 1/2 and 2/2, an unsharded result, and the specs they judged."""
    from iac_gen.spec.load import load_specs

    tmp = tmp_path_factory.mktemp("shards")
    paths = write_specs(tmp / "specs", SUBS)
    specs = load_specs(paths)
    bodies = with_changes(deployed(paths), SUBS)
    out: dict[str, Any] = {"tmp": tmp, "specs": specs, "bodies": bodies}
    for k in (1, 2):
        mine = [s for s in SUBS if Shard(k, 2).holds(s)]
        out[k] = _judge(specs, _bundle(bodies, mine, f"{k}/2"), tmp / f"shard-{k}")
    out["whole"] = _judge(specs, _bundle(bodies, SUBS, None), tmp / "whole")
    return out


def _edited(path: Path, tmp: Path, name: str, edit: Any) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    out = tmp / name
    out.write_text(dumps_json(data), encoding="utf-8")
    return out


def _refused(args: list[str], tmp: Path, capsys: pytest.CaptureFixture[str], code: str) -> str:
    report = tmp / "merged-refused"
    exit_code, out, err = run_main(["merge", *args, "--report", str(report)], capsys)
    assert exit_code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and f"error {code} " in lines[0], err
    assert "Traceback" not in err
    assert not report.exists()  # nothing half-written
    return lines[0]


def test_the_pair_merges(made: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    report = made["tmp"] / "ok"
    code, out, err = run_main(
        ["merge", str(made[1]), str(made[2]), "--report", str(report)], capsys
    )
    assert code == 1, (out, err)  # the fleet has drift
    assert (report / "drift.json").is_file() and (report / "manifest.json").is_file()


def test_an_unsharded_result_is_not_a_shard(made, tmp_path, capsys) -> None:
    line = _refused([str(made[1]), str(made["whole"])], tmp_path, capsys, "IAC510")
    assert "names no shard" in line


def test_a_missing_shard(made, tmp_path, capsys) -> None:
    line = _refused([str(made[1])], tmp_path, capsys, "IAC511")
    assert "shard 2/2 missing" in line


def test_a_shard_twice(made, tmp_path, capsys) -> None:
    line = _refused([str(made[1]), str(made[1]), str(made[2])], tmp_path, capsys, "IAC511")
    assert "shard 1/2 given twice" in line


def test_shards_of_different_counts(made, tmp_path, capsys) -> None:
    def three(data: dict[str, Any]) -> None:
        for i in data["inputs"]:
            if i["role"] == "live":
                i["shard"] = "2/3"

    other = _edited(made[2], tmp_path, "other.json", three)
    line = _refused([str(made[1]), str(other)], tmp_path, capsys, "IAC511")
    assert "different N" in line


def test_shards_of_another_design(made, tmp_path, capsys) -> None:
    def changed(data: dict[str, Any]) -> None:
        spec = next(i for i in data["inputs"] if i["role"] == "spec")
        spec["sha256"] = "0" * 64

    other = _edited(made[2], tmp_path, "other.json", changed)
    line = _refused([str(made[1]), str(other)], tmp_path, capsys, "IAC512")
    assert "another sha256" in line

    def prod(data: dict[str, Any]) -> None:
        data["environment"] = "prod"

    other = _edited(made[2], tmp_path, "env.json", prod)
    assert "environment 'prod'" in _refused([str(made[1]), str(other)], tmp_path, capsys, "IAC512")


def test_shards_of_another_version(made, tmp_path, capsys) -> None:
    def older(data: dict[str, Any]) -> None:
        data["tool"]["version"] = "0.0.1"

    other = _edited(made[2], tmp_path, "old.json", older)
    line = _refused([str(made[1]), str(other)], tmp_path, capsys, "IAC513")
    assert "iac-gen 0.0.1" in line


def test_overlapping_shards(made, tmp_path, capsys) -> None:
    def relabelled(data: dict[str, Any]) -> None:  # shard 1's content claiming to be 2/2
        for i in data["inputs"]:
            if i["role"] == "live":
                i["shard"] = "2/2"

    other = _edited(made[1], tmp_path, "copy.json", relabelled)
    line = _refused([str(made[1]), str(other)], tmp_path, capsys, "IAC514")
    assert "overlap" in line


def test_a_result_its_manifest_does_not_vouch_for(made, tmp_path, capsys) -> None:
    folder = tmp_path / "shard-2"
    folder.mkdir()
    data = json.loads(made[2].read_text(encoding="utf-8"))
    (folder / "drift.json").write_text(dumps_json(data), encoding="utf-8")
    manifest = {"outputs": [{"path": "drift.json", "sha256": "f" * 64, "size": 1}]}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    line = _refused([str(made[1]), str(folder / "drift.json")], tmp_path, capsys, "IAC515")
    assert "changed after its drift run" in line


def test_unreadable_results_each_get_their_line(made, tmp_path, capsys) -> None:
    missing = tmp_path / "nope.json"
    junk = tmp_path / "junk.json"
    junk.write_text("{", encoding="utf-8")
    report = tmp_path / "r"
    code, _, err = run_main(["merge", str(missing), str(junk), "--report", str(report)], capsys)
    assert code == 2 and not report.exists()
    assert "IAC501" in err and len(err.strip().splitlines()) == 2 and "Traceback" not in err
