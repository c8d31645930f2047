"""Output folders that cannot be written give one-line errors (exit 2), never a crash."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import iac_gen.output_files as output_files
from iac_gen.diagnostics import InputError
from iac_gen.output_files import write_file, write_tree


def codes(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [d.code for d in exc.value.diagnostics]


def test_output_folder_that_is_a_file(tmp_path: Path):
    target = tmp_path / "out"
    target.write_text("not a folder")
    with pytest.raises(InputError) as exc:
        write_tree(target, {"ep/main.json": "{}"})
    assert codes(exc) == ["IAC302"]
    assert target.read_text() == "not a folder"


def test_output_file_that_is_a_folder(tmp_path: Path):
    (tmp_path / "ep" / "main.json").mkdir(parents=True)
    with pytest.raises(InputError) as exc:
        write_tree(tmp_path, {"ep/main.json": "{}", "ep/main.bicep": ""})
    assert codes(exc) == ["IAC302"]
    assert not (tmp_path / "ep" / "main.bicep").exists()  # nothing written


def test_write_failure_is_reported_and_nothing_is_left(tmp_path: Path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output_files.tempfile, "mkdtemp", refuse)
    with pytest.raises(InputError) as exc:
        write_tree(tmp_path / "out", {"a.json": "{}"})
    assert codes(exc) == ["IAC303"]
    assert "Permission denied" in str(exc.value)
    assert list((tmp_path / "out").iterdir()) == []


def test_single_file_gets_ordinary_permissions(tmp_path: Path):
    old = os.umask(0o022)
    try:
        path = write_file(tmp_path / "bundle.json", "{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text() == "{}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["bundle.json"]  # no temporary left


def test_single_file_onto_a_folder(tmp_path: Path):
    with pytest.raises(InputError) as exc:
        write_file(tmp_path, "x")
    assert codes(exc) == ["IAC302"]
