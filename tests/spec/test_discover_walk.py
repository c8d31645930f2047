"""Folder discovery lists what `os.walk` order gives, with no system call per plain file.

A fleet folder holds thousands of spec files: each used to cost a `stat` and an `lstat`
besides the folder listing. The listing (`os.scandir`) already says what a plain entry is.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from iac_gen.spec import discover

SUFFIXES = (".yml", ".yaml")


def _reference(folder: Path) -> list[tuple[Path, Path]]:
    """The walk as it was written with os.walk (the order and choices to keep)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and d not in discover.SKIPPED_FOLDERS
        )
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            path = Path(dirpath) / name
            try:
                regular = stat.S_ISREG(os.stat(path).st_mode)
            except OSError:
                regular = True
            if regular:
                found.append((path, path.resolve()))
    return found


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "specs"
    for rel in (
        "b.yaml",
        "A.YML",
        "a.yml",
        "notes.txt",
        ".hidden.yaml",
        "team/x.yaml",
        "team/sub/y.yml",
        "team/expected/golden.yaml",
        ".git/config.yaml",
        "node_modules/m.yaml",
        "z/last.yaml",
    ):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("name: x\n", encoding="utf-8")
    (root / "linked.yaml").symlink_to(root / "team" / "x.yaml")
    (root / "dangling.yaml").symlink_to(root / "missing.yaml")
    (root / "linked-folder").symlink_to(root / "team", target_is_directory=True)
    (root / "folder.yaml").mkdir()
    os.mkfifo(root / "pipe.yaml")
    return root


def _walked(folder: Path) -> list[tuple[Path, Path]]:
    """`discover._walk`'s (file, resolved file) pairs; the folder it gives is the resolved
    file's folder (the resolved file comes as text: it is only a key)."""
    found = discover._walk(folder)
    assert all(isinstance(resolved, str) for _, resolved, _ in found)
    assert all(parent == Path(resolved).parent for _, resolved, parent in found)
    return [(path, Path(resolved)) for path, resolved, _ in found]


def test_walk_gives_the_os_walk_result(tree: Path):
    assert _walked(tree) == _reference(tree)


def test_walk_through_a_linked_or_relative_folder_gives_the_os_walk_result(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Sub-folders are resolved from the given folder's resolved form: the same paths as
    resolving each, also when the given folder is a link or relative."""
    (tmp_path / "via").symlink_to(tree, target_is_directory=True)
    (tree / "team" / "sub" / "deeper").mkdir()
    (tree / "team" / "sub" / "deeper" / "d.yaml").write_text("name: d\n", encoding="utf-8")
    assert _walked(tmp_path / "via") == _reference(tmp_path / "via")
    monkeypatch.chdir(tmp_path)
    assert _walked(Path("via")) == _reference(Path("via"))
    assert _walked(Path("specs/team")) == _reference(Path("specs/team"))


def test_plain_files_cost_no_stat_of_their_own(tree: Path, monkeypatch: pytest.MonkeyPatch):
    calls: list[str] = []
    real_stat, real_lstat = os.stat, os.lstat

    def counted_stat(path, *args, **kwargs):
        calls.append(os.fspath(path))
        return real_stat(path, *args, **kwargs)

    def counted_lstat(path, *args, **kwargs):
        calls.append(os.fspath(path))
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counted_stat)
    monkeypatch.setattr(os, "lstat", counted_lstat)
    _walked(tree)
    plain = [c for c in calls if Path(c).name in ("a.yml", "A.YML", "b.yaml", "y.yml")]
    assert plain == []


def test_cliv2_folders_are_resolved_once_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Discovery resolves the given folder once, not each folder or file; grouping CLI v2
    files by folder takes the folders discovery found."""
    from iac_gen.spec.load import load_specs

    fixture = Path(__file__).resolve().parents[2] / "fixtures" / "cliv2-basic"
    for n in range(3):
        folder = tmp_path / f"ep{n}"
        folder.mkdir()
        for name in ("endpoint.yml", "blue.yml", "green.yml"):
            text = (fixture / name).read_text(encoding="utf-8")
            text = text.replace("fraud-detector", f"fraud-detector-{n}")
            (folder / name).write_text(text, encoding="utf-8")
        (folder / "src").mkdir()
        (folder / "src" / "score.py").write_text("", encoding="utf-8")
    resolved: list[str] = []
    real = os.path.realpath

    def counted(path, *args, **kwargs):
        resolved.append(os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os.path, "realpath", counted)
    target = {
        "subscription": "8f6b6269-84f2-4d09-9e31-1127efcd1e40",
        "resource_group": "rg-payments",
        "workspace": "mlw-payments",
        "location": "westeurope",
    }
    specs = load_specs([tmp_path], target)
    assert [s.endpoint.name for s in specs] == [f"fraud-detector-{n}" for n in range(3)]
    folders = [p for p in resolved if Path(p).parent == tmp_path]
    # the given folder is resolved once; discovery derives its sub-folders from it, and
    # grouping takes the folders discovery found
    assert folders == [], folders
    assert resolved.count(os.fspath(tmp_path)) == 1, resolved


@pytest.mark.parametrize(
    "case",
    [
        "cliv2-basic",
        "lint-cliv2-implied",
        "invalid-cliv2-two-endpoints",
        "invalid-cliv2-sidecar-alone",
    ],
)
def test_grouping_by_discovered_folders_equals_resolving_them(case: str):
    """`group` takes the folder discovery found; without it, it resolves each file's folder:
    both give the same documents."""
    from dataclasses import replace

    from iac_gen.spec import load
    from iac_gen.spec.cliv2 import group

    root = Path(__file__).resolve().parents[2] / "fixtures" / case
    candidates, _ = discover.discover([root])
    parsed = [p for p, _ in load._read_all(candidates) if p is not None and p.kind != "native"]
    assert parsed and all(p.folder is not None for p in parsed)
    found, found_diags = group(parsed)
    resolved, resolved_diags = group([replace(p, folder=None) for p in parsed])
    assert [(d.source, d.data, d.positions, d.files) for d in found] == [
        (d.source, d.data, d.positions, d.files) for d in resolved
    ]
    assert [str(d) for d in found_diags] == [str(d) for d in resolved_diags]
