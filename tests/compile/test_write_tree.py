"""write_tree: all files or none, nothing outside the output folder, same paths as safe_join."""

from __future__ import annotations

from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.output_files import safe_join, write_tree


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_new_folders_and_files_are_written_and_reported_in_order(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = {"b/main.json": "{}\n", "a/main.bicep": "x\n", "a/sub/p.json": "1\n", "top.md": "t\n"}
    written = write_tree(out, files)
    assert written == [safe_join(out, rel) for rel in files]
    assert _tree(out) == files
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_existing_folders_keep_their_other_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out, {"a/old.json": "old\n", "a/main.json": "v1\n", "r.md": "1\n"})
    write_tree(out, {"a/main.json": "v2\n", "b/main.json": "b\n", "r.md": "2\n"})
    assert _tree(out) == {
        "a/main.json": "v2\n",
        "a/old.json": "old\n",
        "b/main.json": "b\n",
        "r.md": "2\n",
    }


def test_paths_escaping_the_folder_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        write_tree(out, {"a/main.json": "{}\n", "a/../../escape.txt": "x\n"})
    assert "IAC301" in str(caught.value)
    assert not (tmp_path / "escape.txt").exists()
    assert _tree(out) == {}


def test_links_pointing_outside_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()
    out.mkdir()
    (out / "linked").symlink_to(outside, target_is_directory=True)
    (out / "file.json").symlink_to(outside / "target.json")
    for rel in ("linked/main.json", "file.json"):
        with pytest.raises(InputError):
            write_tree(out, {"ok/main.json": "{}\n", rel: "x\n"})
    assert list(outside.iterdir()) == []
    assert not (out / "ok").exists()


def test_each_folder_is_judged_once_with_the_answers_of_safe_join(tmp_path: Path) -> None:
    """The resolver judges a folder inside the output folder or not once, for all its files:
    every answer, the second file of a folder included, is still `safe_join`'s."""
    from iac_gen.output_files import _Resolver

    out = tmp_path / "out"
    (out / "a" / "b").mkdir(parents=True)
    (tmp_path / "side").mkdir()
    relatives = [
        "a/b/one.json",
        "a/b/two.json",  # the same folder again: judged from the cache
        "../escape.txt",
        "../again.txt",  # an escaping folder again
        "../out",  # the output folder itself
        "a/../../side/x.json",
        "a/../../side/y.json",
        "top.md",
        "new/deeper/main.bicep",
    ]
    resolver = _Resolver(out)
    for rel in relatives:
        try:
            want: object = safe_join(out, rel)
        except InputError as exc:
            want = ("refused", str(exc))
        try:
            got: object = resolver.join(rel)
        except InputError as exc:
            got = ("refused", str(exc))
        assert got == want, rel
    assert len(resolver.inside) < len(relatives)  # folders were judged once each
