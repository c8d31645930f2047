"""Is a change faster? The same iac-gen command from a git revision and from this checkout,
run in turns, compared round by round.

On a shared machine a command's time moves 2x with the neighbours' load, and a change worth
having is often 3-10 %: two sets of runs taken one after the other measure the load, not
the change. Here each round runs both sides back to back (the order alternating, so neither
always meets a cache warmed by the other), and the figure is the ratio within each round -
the two runs of a round share the load of their moment. It prints the median ratio of wall
and CPU time with their spread, and a verdict only when every round agrees: "faster" or
"slower" when all rounds' ratios fall on one side of 1.0, else "no difference shown".

The revision is checked out into a temporary worktree and imported from there (PYTHONPATH),
this checkout from its own folder (checked before anything is timed); both run with this
interpreter and its packages, from a temporary folder. Every `{ROOT}` in the command is
this checkout's folder (fixtures and generated inputs are the same for both sides).
Example, the CLI v2 fleet kept by `bench_fleet_drift.py --keep`:

    .venv/bin/python benchmarks/ab.py --base HEAD --rounds 8 -- \\
        drift /tmp/iac-gen-fleet-XXXX/specs --live /tmp/iac-gen-fleet-XXXX/live.json \\
        --report /tmp/ab-out --format json --subscription ... --location westeurope

Exit codes of the command are accepted as they come (a drift finding exits 1); both sides
must exit alike, or the comparison stops: they would not be doing the same work.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import _measure  # benchmarks/_measure.py

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Verdict:
    median: float
    low: float
    high: float
    faster: int  # rounds where the change took less
    says: str


def verdict(ratios: Sequence[float]) -> Verdict:
    """The median of the rounds' ratios (change / base), their range, how many rounds the
    change was faster in, and what all rounds agree on: one round on the other side of 1.0
    and nothing is shown (eight rounds all on one side happen by chance 1 time in 128)."""
    low, high = min(ratios), max(ratios)
    says = "faster" if high < 1.0 else "slower" if low > 1.0 else "no difference shown"
    faster = sum(1 for r in ratios if r < 1.0)
    return Verdict(statistics.median(ratios), low, high, faster, says)


def _worktree(revision: str, where: Path) -> Path:
    """`revision` checked out under `where`; git's own complaint, in one line, if it cannot."""
    tree = where / "base"
    added = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), revision],
        capture_output=True,
        text=True,
    )
    if added.returncode != 0:
        said = (added.stderr.strip().splitlines() or ["git worktree add failed"])[-1]
        raise SystemExit(f"--base {revision}: {said}")
    return tree


def _side(tree: Path, arguments: Sequence[str], cwd: Path) -> tuple[list[str], dict[str, str]]:
    """The command and environment of one side, after checking that it imports iac-gen from
    `tree`: run from a checkout, `python -m` would put that folder first on the path and
    both sides would run the same code."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    imported = subprocess.run(
        [sys.executable, "-c", "import iac_gen; print(iac_gen.__file__)"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if imported.returncode != 0:  # a revision whose package does not import: its last line
        said = (imported.stderr.strip().splitlines() or ["no message"])[-1]
        raise SystemExit(f"{tree}: iac_gen does not import: {said}")
    found = imported.stdout.strip()
    if Path(found).resolve().parent.parent != tree.resolve():
        raise SystemExit(f"{tree}: iac_gen is imported from {found}, not from this tree")
    words = (a.replace("{ROOT}", str(ROOT)) for a in arguments)
    return [sys.executable, "-m", "iac_gen", *words], env


def _run(command: list[str], env: dict[str, str], cwd: Path) -> _measure.Measure:
    return _measure.check(_measure.run(command, env=env, cwd=cwd), ok=(0, 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="the git revision to compare against")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then iac-gen's arguments")
    args = parser.parse_args()
    arguments = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not arguments or args.rounds < 2:
        parser.error("give at least two rounds and, after --, the iac-gen arguments")
    work = Path(tempfile.mkdtemp(prefix="iac-gen-ab-"))
    try:
        base_tree = _worktree(args.base, work)
        here = work / "run"  # neither tree: each side imports its own (`_side`)
        here.mkdir()
        sides = {
            "base": _side(base_tree, arguments, here),
            "change": _side(ROOT, arguments, here),
        }
        for command, env in sides.values():  # bytecode written, caches warm
            _run(command, env, here)
        walls: list[float] = []
        cpus: list[float] = []
        for round_no in range(args.rounds):
            order = ("base", "change") if round_no % 2 == 0 else ("change", "base")
            got = {name: _run(*sides[name], here) for name in order}
            if got["base"].returncode != got["change"].returncode:
                raise SystemExit(
                    f"round {round_no + 1}: base exited {got['base'].returncode}, "
                    f"the change {got['change'].returncode}"
                )
            walls.append(got["change"].wall / max(got["base"].wall, 1e-9))
            cpus.append(got["change"].cpu / max(got["base"].cpu, 1e-9))
            print(
                f"round {round_no + 1}: base {got['base'].wall:.2f} s wall "
                f"{got['base'].cpu:.2f} s cpu, change {got['change'].wall:.2f} s wall "
                f"{got['change'].cpu:.2f} s cpu: ratio {walls[-1]:.3f} wall, {cpus[-1]:.3f} cpu"
            )
        for label, ratios in (("wall", walls), ("cpu", cpus)):
            v = verdict(ratios)
            print(
                f"{label}: change / {args.base} median {v.median:.3f} "
                f"(rounds {v.low:.3f}-{v.high:.3f}, faster in {v.faster} of {len(ratios)}): "
                f"{v.says}"
            )
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(work / "base")],
            capture_output=True,
        )
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
