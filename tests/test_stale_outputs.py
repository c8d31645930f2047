"""A rerun removes the outputs it no longer writes, inside the folders it owns, and only
files iac-gen itself names: old evidence formats beside a new drift.json, parameter files
of environments the spec no longer has. A user's other files stay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.output_files import write_tree

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "example"


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iac_gen", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"},
    )


def _drifted_live(tmp_path: Path) -> Path:
    """The example's live state as an ARM array, with the endpoint's auth mode changed."""
    resources = json.loads((EXAMPLE / "live.json").read_text(encoding="utf-8"))["resources"]
    text = json.dumps(resources)
    assert text.count('"AADToken"') == 1
    path = tmp_path / "drifted.json"
    path.write_text(text.replace('"AADToken"', '"Key"'), encoding="utf-8")
    return path


def test_drift_rerun_with_fewer_formats_removes_the_old_ones(tmp_path: Path):
    out = tmp_path / "out"
    spec, live = EXAMPLE / "spec.yaml", EXAMPLE / "live.json"
    first = _cli("drift", spec, "--live", live, "--env", "prod", "--report", out)
    assert first.returncode == 0, first.stderr
    assert {"drift.md", "drift.html", "drift.sarif", "drift.junit.xml"} <= {
        p.name for p in out.iterdir()
    }
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")  # not iac-gen's
    (out / "drift.txt").write_text("mine too\n", encoding="utf-8")  # a name iac-gen never writes
    drifted = _drifted_live(tmp_path)
    second = _cli(
        "drift", spec, "--live", drifted, "--env", "prod", "--report", out, "--format", "json"
    )
    assert second.returncode == 1, second.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "drift.json",
        "drift.txt",
        "manifest.json",
        "notes.txt",
    ]
    assert json.loads((out / "drift.json").read_text(encoding="utf-8"))["status"] == "drifted"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [Path(e["path"]).name for e in manifest["outputs"]] == ["drift.json"]


def _without_dev(tmp_path: Path) -> Path:
    text = (EXAMPLE / "spec.yaml").read_text(encoding="utf-8")
    start = text.index("\n  dev:\n") + 1
    end = text.index("  prod: {}")
    spec = tmp_path / "spec.yaml"
    spec.write_text(text[:start] + text[end:], encoding="utf-8")
    return spec


def test_compile_rerun_removes_parameter_files_of_a_removed_environment(tmp_path: Path):
    out = tmp_path / "out"
    first = _cli("compile", EXAMPLE / "spec.yaml", "-o", out)
    assert first.returncode == 0, first.stderr
    endpoint = out / "credit-scoring"
    assert (endpoint / "main.dev.parameters.json").exists()
    assert (endpoint / "main.dev.bicepparam").exists()
    (endpoint / "README.md").write_text("mine\n", encoding="utf-8")
    (endpoint / "main.dev.parameters.json.bak").write_text("mine\n", encoding="utf-8")
    (out / "main.dev.parameters.json").write_text("outside the endpoint\n", encoding="utf-8")
    second = _cli("compile", _without_dev(tmp_path), "-o", out)
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in endpoint.iterdir()) == [
        "README.md",
        "main.bicep",
        "main.bicepparam",
        "main.dev.parameters.json.bak",
        "main.json",
        "main.parameters.json",
        "main.prod.bicepparam",
        "main.prod.parameters.json",
        "resources.json",
    ]
    assert (out / "main.dev.parameters.json").exists()  # not in a folder compile writes into


def test_compile_of_one_template_kind_keeps_the_other_kinds_files(tmp_path: Path):
    """--target arm does not write Bicep, so Bicep files (of any environment) are not its."""
    out = tmp_path / "out"
    assert _cli("compile", EXAMPLE / "spec.yaml", "-o", out).returncode == 0
    done = _cli("compile", _without_dev(tmp_path), "-o", out, "--target", "arm")
    assert done.returncode == 0, done.stderr
    names = {p.name for p in (out / "credit-scoring").iterdir()}
    assert "main.dev.parameters.json" not in names
    assert {"main.bicep", "main.dev.bicepparam", "main.prod.bicepparam"} <= names


def test_stale_files_are_removed_in_the_same_commit_and_restored_on_failure(
    tmp_path: Path, monkeypatch
):
    import iac_gen.output_files as output_files

    out = tmp_path / "out"
    write_tree(out, {"a/keep.json": "1\n", "a/old.json": "old\n", "b/x.json": "b1\n"})
    real_replace = output_files.os.replace
    calls = {"n": 0}

    def failing_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:  # the second move of the commit fails
            raise OSError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(output_files.os, "replace", failing_replace)
    with pytest.raises(InputError) as caught:
        write_tree(out, {"a/keep.json": "2\n", "b/x.json": "b2\n"}, stale=lambda rel: "old" in rel)
    assert [d.code for d in caught.value.diagnostics] == ["IAC303"]
    monkeypatch.setattr(output_files.os, "replace", real_replace)
    # rolled back: the first file is old again and the stale file is back
    assert (out / "a" / "keep.json").read_text() == "1\n"
    assert (out / "a" / "old.json").read_text() == "old\n"
    assert (out / "b" / "x.json").read_text() == "b1\n"
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    write_tree(out, {"a/keep.json": "2\n"}, stale=lambda rel: "old" in rel)
    assert sorted(p.name for p in (out / "a").iterdir()) == ["keep.json"]
