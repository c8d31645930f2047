"""`make demo` installs only what running iac-gen needs; `make test` the test tools too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _planned(target: str) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "-n", "-B", target, "VENV=.venv-never-made"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if "pip install" in line]


def test_demo_installs_the_runtime_only():
    installs = _planned("demo")
    assert any(line.rstrip().endswith("pip install -q -e .") for line in installs), installs
    assert not any("[test" in line or "dev]" in line for line in installs), installs


def test_test_still_installs_the_test_extra():
    assert any("-e '.[test,dev]'" in line for line in _planned("test"))
