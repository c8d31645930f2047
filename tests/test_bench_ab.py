"""`benchmarks/ab.py` compares what it says it compares: each side runs its own tree's code.

Run from a checkout, `python -m iac_gen` imports the package from the working folder
whatever PYTHONPATH says, and an A/B of a change against its base then timed one tree twice
(it read 5 % "slower" in every round of such an A/A run). So the harness runs both sides
from a neutral folder and checks each side's import before timing. Here: an A/A run of a
small command ends with a verdict for wall and CPU time, and the verdict rule itself.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.benchmark_scripts import benchmark_module

ROOT = Path(__file__).resolve().parents[1]
AB = ROOT / "benchmarks" / "ab.py"


def test_verdict_needs_every_round_on_one_side() -> None:
    ab = benchmark_module("ab")
    assert ab.verdict([0.9, 0.95, 0.97]).says == "faster"
    assert ab.verdict([1.1, 1.02, 1.3]).says == "slower"
    mixed = ab.verdict([0.8, 1.01, 0.9, 0.95])
    assert mixed.says == "no difference shown"
    assert (mixed.faster, mixed.low, mixed.high) == (3, 0.8, 1.01)
    assert mixed.median == pytest.approx(0.925)


def test_a_run_against_head_times_both_trees() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no revision to compare with")
    command = [sys.executable, str(AB), "--base", "HEAD", "--rounds", "2", "--"]
    done = subprocess.run(
        [*command, "validate", "{ROOT}/fixtures/example/spec.yaml"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["round 1", "round 2", "wall", "cpu"]
    assert "change / HEAD median" in lines[2]
    worktrees = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True, check=True
    ).stdout
    assert "iac-gen-ab-" not in worktrees  # the temporary worktree is gone


def test_an_unknown_revision_is_one_line() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no revision to compare with")
    done = subprocess.run(
        [sys.executable, str(AB), "--base", "no-such-revision", "--", "validate", "x.yaml"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stderr.startswith("--base no-such-revision: ")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_side_whose_package_does_not_import_is_one_line(tmp_path: Path) -> None:
    ab = benchmark_module("ab")
    package = tmp_path / "tree" / "iac_gen"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('raise ImportError("half a rebase")\n')
    with pytest.raises(SystemExit) as stopped:
        ab._side(tmp_path / "tree", ["validate", "x.yaml"], tmp_path)
    message = str(stopped.value)
    assert message.endswith("iac_gen does not import: ImportError: half a rebase")
    assert "\n" not in message
