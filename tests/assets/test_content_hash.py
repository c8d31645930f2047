"""Local folder content hashes equal azure-ai-ml's, so both tools name the same code asset.

azure-ai-ml (a test extra) is the oracle: `get_content_hash(path, get_ignore_file(path))` is
what it stores as `hash_sha256` on the code version it registers.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iac_gen.assets.content_hash import HASH_VERSION, content_hash, upload_files

asset_utils = pytest.importorskip("azure.ai.ml._utils._asset_utils")


def oracle(path: Path) -> str:
    return str(asset_utils.get_content_hash(path, asset_utils.get_ignore_file(path)))


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


LAYOUTS = {
    "flat": {"score.py": "print(1)\n", "requirements.txt": "numpy\n"},
    "nested": {
        "score.py": "x",
        "pkg/__init__.py": "",
        "pkg/util.py": "y = 2\n",
        "pkg/deep/er/data.json": "{}",
        "Pkg2/A.txt": "upper",
        "a.txt": "ab.txtb",
    },
    "amlignore-negation": {
        ".amlignore": "*.log\n!keep.log\n__pycache__/\n# comment\n\n/build\n",
        "score.py": "s",
        "run.log": "noise",
        "keep.log": "kept",
        "__pycache__/score.cpython-311.pyc": "b",
        "sub/__pycache__/x.pyc": "b",
        "build/out.bin": "o",
        "sub/build/kept.txt": "k",
    },
    "gitignore-only": {
        ".gitignore": "data/\n**/*.tmp\n",
        "score.py": "s",
        "data/big.csv": "1,2",
        "a/b/c.tmp": "t",
        "a/b/c.txt": "t",
    },
    "amlignore-wins": {
        ".amlignore": "*.md\n",
        ".gitignore": "*.py\n",
        "score.py": "s",
        "README.md": "r",
    },
    "case-order": {"b.txt": "1", "B2.txt": "2", "a/Z.txt": "3", "A.txt": "4"},
}


@pytest.mark.oracle
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_folder_hash_equals_azure_ai_ml(tmp_path: Path, layout: str) -> None:
    folder = write(tmp_path / "src", LAYOUTS[layout])
    assert content_hash(folder) == oracle(folder)


@pytest.mark.oracle
def test_symlinks_are_read_through_and_named_by_the_link(tmp_path: Path) -> None:
    outside = write(tmp_path / "shared", {"common.py": "c = 1\n", "lib/x.py": "x"})
    folder = write(tmp_path / "src", {"score.py": "s"})
    os.symlink(outside / "common.py", folder / "common.py")
    os.symlink(outside / "lib", folder / "lib")
    assert content_hash(folder) == oracle(folder)
    names = sorted(f.name for f in upload_files(folder))
    assert names == ["common.py", "lib/x.py", "score.py"]


@pytest.mark.oracle
def test_single_model_file_and_a_link_to_a_folder(tmp_path: Path) -> None:
    model = tmp_path / "model.pkl"
    model.write_bytes(b"\x00\x01weights")
    assert content_hash(model) == oracle(model)
    folder = write(tmp_path / "real", {"score.py": "s"})
    os.symlink(folder, tmp_path / "link")
    assert content_hash(tmp_path / "link") == oracle(tmp_path / "link")


def test_a_changed_byte_changes_the_hash_even_when_cached(tmp_path: Path) -> None:
    folder = write(tmp_path / "src", {"score.py": "print(1)\n"})
    before = content_hash(folder)
    assert content_hash(folder) == before
    (folder / "score.py").write_text("print(2)\n", encoding="utf-8")
    os.utime(folder / "score.py", ns=(1, 1))  # a different stamp even on coarse clocks
    assert content_hash(folder) != before


def test_ignored_files_do_not_change_the_hash(tmp_path: Path) -> None:
    folder = write(tmp_path / "src", {".amlignore": "*.log\n", "score.py": "s"})
    before = content_hash(folder)
    (folder / "debug.log").write_text("noise", encoding="utf-8")
    assert content_hash(folder) == before


@pytest.mark.oracle
def test_hash_version_is_azure_ai_mls() -> None:
    assert asset_utils.get_content_hash_version() == HASH_VERSION
