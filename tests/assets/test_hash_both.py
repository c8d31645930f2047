"""`_hash_both` (one listing for both hashes of a folder) gives exactly what the two hash
functions give on their own, for every shape of local path, cached or not."""

from __future__ import annotations

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
    model = root / "model.pkl"
    model.write_bytes(b"model bytes")
    (root / "linked-model.pkl").symlink_to(model)
    return {
        "plain": plain,
        "ignored": ignored,
        "linked-file": linked_file,
        "linked-folder": root / "linked-folder",
        "model": model,
        "linked-model": root / "linked-model.pkl",
    }


@pytest.mark.parametrize(
    "shape", ["plain", "ignored", "linked-file", "linked-folder", "model", "linked-model"]
)
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
