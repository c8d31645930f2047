"""`export -v` names every resource read and ends with per-phase timings on stderr."""

from __future__ import annotations

from pathlib import Path

from iac_gen.emulator import Emulator

from .conftest import run_export


def test_verbose_export_prints_phase_timings(emulator: Emulator, tmp_path: Path) -> None:
    run = run_export(emulator, tmp_path / "live.json", "-v")
    assert run.code == 0, run.stderr
    assert "read: " in run.stderr
    assert "iac-gen export: timings: reading live state " in run.stderr
    assert "writing the bundle " in run.stderr and "total " in run.stderr
    quiet = run_export(emulator, tmp_path / "quiet.json", "-q")
    assert quiet.code == 0 and quiet.stderr == ""
