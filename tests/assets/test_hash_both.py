"""`_hash_both` (one listing for both hashes of a folder) gives exactly what the two hash
functions give on their own, for every shape of local path, cached or not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iac_gen.assets import content_hash as content_module
from iac_gen.desired import local_assets as module


def _tree(root: Path) -> dict[str, Path]:
    plain = root / "plain"
    (plain / "sub").mkdir(parents=True)
    (plain / "score.py").write_text("def init():\n    pass\n", encoding="utf-8")
    (plain / "sub" / "Util.py").write_text("X = 1\n", encoding="utf-8")
    (plain / "sub" / "b.txt").write_bytes(b"\x00\x01" * 100)
    ignored = root / "ignored"
    ignored.mkdir()
    (ignored / ".amlignore").write_text("*.log\n", encoding="utf-8")
    (ignored / "run.py").write_text("print(1)\n", encoding="utf-8")
    (ignored / "debug.log").write_text("noise\n", encoding="utf-8")
    linked_file = root / "linked-file"
    linked_file.mkdir()
    (linked_file / "score.py").symlink_to(plain / "score.py")
    (root / "linked-folder").symlink_to(plain, target_is_directory=True)
    nested = root / "nested"  # names equal but for case, an empty folder, deeper folders
    (nested / "A" / "deep" / "deeper").mkdir(parents=True)
    (nested / "a").mkdir()
    (nested / "empty").mkdir()
    (nested / "A" / "x.py").write_text("upper\n", encoding="utf-8")
    (nested / "a" / "X.py").write_text("lower\n", encoding="utf-8")
    (nested / "README").write_text("r\n", encoding="utf-8")
    (nested / "readme").write_text("R\n", encoding="utf-8")
    (nested / "A" / "deep" / "deeper" / "w.bin").write_bytes(bytes(range(256)) * 5000)
    gitignored = root / "gitignored"
    gitignored.mkdir()
    (gitignored / ".gitignore").write_text("build/\n", encoding="utf-8")
    (gitignored / "build").mkdir()
    (gitignored / "build" / "out.o").write_bytes(b"o")
    (gitignored / "main.py").write_text("main\n", encoding="utf-8")
    model = root / "model.pkl"
    model.write_bytes(b"model bytes")
    (root / "linked-model.pkl").symlink_to(model)
    return {
        "plain": plain,
        "nested": nested,
        "ignored": ignored,
        "gitignored": gitignored,
        "linked-file": linked_file,
        "linked-folder": root / "linked-folder",
        "model": model,
        "linked-model": root / "linked-model.pkl",
    }


SHAPES = [
    "plain",
    "nested",
    "ignored",
    "gitignored",
    "linked-file",
    "linked-folder",
    "model",
    "linked-model",
]


@pytest.mark.parametrize("shape", SHAPES)
def test_both_hashes_equal_the_separate_functions(
    tmp_path: Path, shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _tree(tmp_path)[shape]
    monkeypatch.setattr(content_module, "_CACHE", {})
    monkeypatch.setattr(module, "_OBJECT_CACHE", {})
    cold = module._hash_both(source)
    hot = module._hash_both(source)
    monkeypatch.setattr(content_module, "_CACHE", {})
    monkeypatch.setattr(module, "_OBJECT_CACHE", {})
    separate = (content_module.content_hash(source), module.object_hash(source))
    assert cold == hot == separate
    # and the caches they filled answer the separate functions the same way
    assert (content_module.content_hash(source), module.object_hash(source)) == separate
    assert module._hash_both(source) == separate


def test_an_edited_file_changes_both_hashes(tmp_path: Path) -> None:
    source = _tree(tmp_path)["plain"]
    before = module._hash_both(source)
    (source / "score.py").write_text("def init():\n    return 2\n", encoding="utf-8")
    after = module._hash_both(source)
    assert after[0] != before[0] and after[1] != before[1]
    assert after == (content_module.content_hash(source), module.object_hash(source))


@pytest.mark.parametrize("shape", SHAPES)
def test_only_plain_folders_take_the_one_listing(tmp_path: Path, shape: str) -> None:
    """The one-listing path is taken for folders of files and folders only; an ignore file,
    a link or a file stays with the general listing, which knows what azure-ai-ml does."""
    source = _tree(tmp_path)[shape]
    tree = module._plain_tree(str(source)) if source.is_dir() and not source.is_symlink() else None
    assert (tree is not None) == (shape in ("plain", "nested"))
    if tree is not None:
        listed = content_module.upload_files(source)
        assert [s[:2] for s in tree.stamps] == [(f.name, str(f.source)) for f in listed]


def test_a_folder_holding_a_pipe_takes_the_general_listing(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "score.py").write_text("x\n", encoding="utf-8")
    os.mkfifo(tmp_path / "src" / "pipe")
    assert module._plain_tree(str(tmp_path / "src")) is None
