"""Shared measuring for the benchmarks: a command and its floor, side by side, in one run.

Absolute times on a shared machine move 2x with the neighbours' load; a ratio against a floor
measured in the same run moves much less. Every benchmark therefore runs the real command and
a floor (the least any tool must do with the same data) as child processes, the same way, and
prints wall time, CPU time (user + system, the child and every process it waited for) and peak
memory of both, then the ratios.

Peak memory is the largest resident set of any single process of the run (`ru_maxrss`) and,
sampled every 50 ms from /proc, the largest sum over the whole process tree (worker processes
count together: that is what the machine must hold). The tree's sum is of proportional set
sizes (PSS, /proc/PID/smaps_rollup): a forked worker shares its parent's pages until either
writes them, and a resident-set sum would count each shared page once per process that
touched it. PSS divides a shared page between its sharers, so the sum is the memory the tree
holds. The resident-set sum is printed beside it (`rss-sum`), for comparison.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
ROOT = Path(__file__).resolve().parent.parent


def installed_bytecode() -> None:
    """Compile the package's modules, as installing it does, before anything is measured.

    `pip install` writes every module's bytecode; an editable checkout has none until an
    import writes it, and never under PYTHONDONTWRITEBYTECODE (set on some CI machines), where
    each command compiled its modules from source again: 0.25 s of every run, which is not
    what an installed iac-gen costs. Up-to-date files are left as they are."""
    import compileall

    compileall.compile_dir(ROOT / "iac_gen", quiet=1)


installed_bytecode()  # every benchmark imports this module before it measures


@dataclass(frozen=True)
class Measure:
    """One child run: seconds, seconds, MiB, MiB."""

    wall: float
    cpu: float
    peak: float  # largest single process (ru_maxrss)
    tree_peak: float  # largest sampled PSS sum over the process tree, at least `peak`
    rss_sum_peak: float  # largest sampled resident-set sum over the process tree
    returncode: int
    stdout: str
    stderr: str


def _pss(pid: int, rss: int) -> int:
    """Proportional set size of `pid` in bytes; its resident size when the kernel has no
    smaps_rollup."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for text in fh:
                if text.startswith(b"Pss:"):
                    return int(text.split()[1]) * 1024
    except OSError:
        pass
    return rss


def _tree_memory(root: int) -> tuple[int, int]:
    """(PSS sum, resident sum) in bytes of `root` and all its descendants now (0, 0 when
    /proc is missing)."""
    parents: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0, 0
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(name)
        parents.setdefault(int(fields[1]), []).append(pid)  # field 4: ppid
        rss[pid] = int(fields[21]) * PAGE  # field 24: rss in pages
    pss = resident = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in rss:
            resident += rss[pid]
            pss += _pss(pid, rss[pid])
        todo.extend(parents.get(pid, ()))
    return pss, resident


def run(command: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None):
    """Run `command` to its end and measure it (see the module docstring)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=None if env is None else dict(env),
        cwd=cwd,
    )
    tree_peak = rss_sum_peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal tree_peak, rss_sum_peak
        while not done.wait(0.05):
            pss, resident = _tree_memory(proc.pid)
            tree_peak, rss_sum_peak = max(tree_peak, pss), max(rss_sum_peak, resident)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [
        threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True),  # type: ignore[union-attr]
    ]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    for reader in readers:
        reader.join()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024
    return Measure(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak=peak,
        tree_peak=max(tree_peak / (1 << 20), peak),
        rss_sum_peak=max(rss_sum_peak / (1 << 20), peak),
        returncode=proc.returncode,
        stdout=b"".join(out_chunks).decode("utf-8", "replace"),
        stderr=b"".join(err_chunks).decode("utf-8", "replace"),
    )


def python(*args: str) -> list[str]:
    """This interpreter running `args` (a benchmark re-running itself for its floor)."""
    return [sys.executable, *args]


def line(label: str, m: Measure) -> str:
    return (
        f"  {label:34s} wall {m.wall:7.2f} s  cpu {m.cpu:7.2f} s  "
        f"peak {m.peak:7.0f} MiB  tree {m.tree_peak:7.0f} MiB (rss-sum {m.rss_sum_peak:.0f})"
    )


def at_most(ratio: float, target: float) -> str:
    """The verdict of a ratio against its target, worded alike in every benchmark."""
    return f"target <= {target:.1f}x: {'ok' if ratio <= target else 'OVER'}"


def compare(
    run_no: int,
    label: str,
    measured: Measure,
    floor_label: str,
    floor: Measure,
    target: float | None = None,
    memory_target_mib: float | None = None,
) -> str:
    """The two lines of figures and the ratio line, with the verdict against `target`."""
    ratio = measured.wall / max(floor.wall, 1e-9)
    cpu_ratio = measured.cpu / max(floor.cpu, 1e-9)
    mem_ratio = measured.tree_peak / max(floor.tree_peak, 1e-9)
    verdict = ""
    if target is not None:
        verdict = f"; {at_most(ratio, target)}"
    if memory_target_mib is not None:
        ok = measured.tree_peak <= memory_target_mib
        verdict += f"; memory <= {memory_target_mib:.0f} MiB: {'ok' if ok else 'OVER'}"
    return "\n".join(
        [
            f"run {run_no}",
            line(label, measured),
            line(floor_label, floor),
            f"  ratio wall {ratio:.2f}x  cpu {cpu_ratio:.2f}x  memory {mem_ratio:.2f}x{verdict}",
        ]
    )


def check(m: Measure, ok: Sequence[int] = (0,)) -> Measure:
    """`m`, or exit with its standard error when the command failed."""
    if m.returncode not in ok:
        sys.stderr.write(m.stdout[-2000:] + m.stderr[-4000:])
        raise SystemExit(f"command failed with exit code {m.returncode}")
    return m
