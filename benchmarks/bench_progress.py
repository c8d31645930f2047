"""What progress costs a fleet drift run: the same run with progress off, and forced on.

Generates a fleet (benchmarks/bench_fleet_drift.py's generator: N endpoints x 3 deployments,
~1 % drifted) and runs the real command in child processes, interleaved, REPEATS times each:

    off    iac-gen drift SPECS --live LIVE --report OUT -q           (stderr a pipe)
    rich   iac-gen drift SPECS --live LIVE --report OUT              (stderr a terminal: the
                                                                      rich status line redraws)
    plain  iac-gen drift SPECS --live LIVE --report OUT -v           (stderr a pipe: a line per
                                                                      phase, files, timings)

For each mode it prints the fastest wall time and CPU time (user + system of the child) and
the median of the paired ratios (each `rich`/`plain` run over the `off` run just before it, so
a change of the neighbours' load between rounds cancels out); the floor is the run-to-run noise
of the `off` runs (median over fastest), below which an end-to-end difference means nothing.

On a shared machine that noise is a few per cent, larger than the target, so the benchmark
also measures what progress costs directly: a child process holds one progress phase open
(the rich status line on a terminal, the plain ticker on a pipe) around an idle wait of
IDLE seconds and reports the CPU time it used. An idle main thread means every CPU second is
the progress machinery's own (redraws, the ticker, the GIL hand-overs). That cost per second
of wall time, times the fleet run's wall time, over the fleet run's CPU time, is the share of
the run that progress takes - the `direct` line. Target (issue 10): progress costs at most 2 %.
Usage:

    .venv/bin/python benchmarks/bench_progress.py [--endpoints 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_fleet_drift import generate

MODES = ("off", "rich", "plain")


def drain(master: int, slave: int) -> None:
    """Read the child's terminal until it closes, so the child never blocks writing to it."""
    os.close(slave)
    while True:
        try:
            if not os.read(master, 65536):
                break
        except OSError:
            break
    os.close(master)


def run(command: list[str], mode: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child run in `mode`."""
    args = command + {"off": ["-q"], "rich": [], "plain": ["-v"]}[mode]
    env = dict(os.environ, COLUMNS="120", TERM="xterm-256color")
    master = slave = None
    if mode == "rich":
        master, slave = os.openpty()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=slave if slave is not None else subprocess.PIPE,
        env=env,
    )
    if master is not None and slave is not None:
        drain(master, slave)
    else:
        assert proc.stderr is not None
        proc.stderr.read()
    code = proc.wait()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code not in (0, 1):
        raise SystemExit(f"{mode}: drift exited {code}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


IDLE_CHILD = """
import resource, sys, time
from iac_gen.cli.progress import Progress
seconds = float(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF)
shown = Progress("iac-gen drift", 1)
with shown.phase("comparing"):
    time.sleep(seconds)
after = resource.getrusage(resource.RUSAGE_SELF)
used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(used, shown.tty)
"""


def idle_cpu(mode: str, seconds: float) -> float:
    """CPU seconds a progress phase held open over `seconds` of idle wait uses."""
    env = dict(os.environ, COLUMNS="120", TERM="xterm-256color")
    master = slave = None
    if mode == "rich":
        master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", IDLE_CHILD, str(seconds)],
        stdout=subprocess.PIPE,
        stderr=slave if slave is not None else subprocess.PIPE,
        env=env,
        text=True,
    )
    if master is not None and slave is not None:
        drain(master, slave)
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{mode}: idle progress child exited {proc.returncode}")
    used, tty = out.split()
    if (tty == "True") != (mode == "rich"):
        raise SystemExit(f"{mode}: the child saw tty={tty}")
    return float(used)


def idle_cost(mode: str, seconds: float) -> tuple[float, float]:
    """(fixed CPU seconds, CPU seconds per wall second) of a progress phase.

    Two idle probes, 1 s and `seconds` long: the difference over the difference in length is
    the running cost (redraws, ticks), what is left of the short probe the fixed cost
    (importing rich, starting the status line), which a run pays once.
    """
    # The least of five of each: a neighbour's load only ever adds CPU time (cache misses).
    short = min(idle_cpu(mode, 1.0) for _ in range(5))
    long = min(idle_cpu(mode, seconds) for _ in range(5))
    per_second = max(long - short, 0.0) / (seconds - 1.0)
    return max(short - per_second, 0.0), per_second


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of the direct probe")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="iac-gen-progress-"))
    try:
        specs, live = generate(root, args.endpoints)
        iac_gen = Path(sys.executable).with_name("iac-gen")
        command = [str(iac_gen), "drift", str(specs), "--live", str(live)]
        command += ["--report", str(root / "out")]
        times: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        run(command, "off")  # warm the file cache and the byte-code cache
        for _ in range(args.repeats):
            for mode in MODES:
                times[mode].append(run(command, mode))
        best = {m: (min(w for w, _ in t), min(c for _, c in t)) for m, t in times.items()}
        off_walls = [w for w, _ in times["off"]]
        floor = statistics.median(off_walls) / min(off_walls) - 1
        print(f"fleet drift, {args.endpoints} endpoints x 3 deployments, {args.repeats} runs/mode")
        for mode in MODES:
            wall, cpu = best[mode]
            paired = statistics.median(
                c / off_c for (_, c), (_, off_c) in zip(times[mode], times["off"], strict=True)
            )
            print(
                f"  {mode:<6} wall {wall:6.2f} s  cpu {cpu:6.2f} s  "
                f"ratio wall {wall / best['off'][0]:.3f}  cpu {cpu / best['off'][1]:.3f}  "
                f"paired cpu {paired:.3f}"
            )
        print(f"  floor (run-to-run noise of 'off', median/fastest - 1): {floor * 100:.1f} %")
        off_wall, off_cpu = best["off"]
        for mode in ("rich", "plain"):
            fixed, per_second = idle_cost(mode, args.idle)
            share = (fixed + per_second * off_wall) / off_cpu
            print(
                f"  direct {mode:<6} {fixed * 1000:5.0f} ms once + {per_second * 1000:5.2f} ms "
                f"CPU per s of wall -> {share * 100:.2f} % of this run's CPU"
            )
        print("  target: progress costs <= 2 % (ratio <= 1.020)")
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
