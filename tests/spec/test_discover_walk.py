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


def test_walk_gives_the_os_walk_result(tree: Path):
    assert discover._walk(tree) == _reference(tree)


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
    discover._walk(tree)
    plain = [c for c in calls if Path(c).name in ("a.yml", "A.YML", "b.yaml", "y.yml")]
    assert plain == []


def test_cliv2_folders_are_resolved_once_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Grouping CLI v2 files by folder resolves each folder once, not each file."""
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
    assert len(folders) == 2 * 3, folders  # discovery and grouping: once per folder each
