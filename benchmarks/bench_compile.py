"""Compile speed: the whole command on one endpoint, and 1,000 specs in one call beside a floor.

The floor (its own process, measured the same way, in the same run): read the 1,000 spec
files and create as many files, of the same sizes and in the same folders, as the compile
writes. Targets: `iac-gen compile fixtures/example/spec.yaml -o DIR` median <= 0.5 s (whole
process); 1,000 specs <= 3x the floor (issue 13). Prints figures; it is not a test.

The floor writes what the compile writes, about 130 MB. Where the disk holds writers back
(a few runs in a row on a small virtual disk), the floor takes seconds more, so does the
compile, and the ratio falls: the same compile measured 5.4x beside a 1.3 s floor and 1.8x
beside a 7.6 s one. So each run also times the floor writing to memory (`/dev/shm`, where
there is one), and prints the compile without the disk's share (the two floors'
difference, taken as what the compile's own writes cost too) beside that floor - and the
3x target is judged on that line (on the disk floor's only where there is no `/dev/shm`).

    .venv/bin/python benchmarks/bench_compile.py [--runs 3] [--specs 1000] [--phases]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _measure  # benchmarks/_measure.py

ROOT = Path(__file__).resolve().parent.parent
MEMORY = Path("/dev/shm")  # tmpfs on Linux: files written there never wait for a disk
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
IAC_GEN = [sys.executable, "-m", "iac_gen"]
TARGET = 3.0  # issue 13: 1,000 specs within 3x the floor


def _median(samples: list[float]) -> str:
    ms = [x * 1000 for x in samples]
    return (
        f"median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f}, n={len(ms)})"
    )


def whole_process(runs: int, out: Path) -> list[float]:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [*IAC_GEN, "compile", str(EXAMPLE), "-o", str(out / f"run{i}")],
            check=True,
            capture_output=True,
        )
        samples.append(time.perf_counter() - start)
    return samples


def write_specs(count: int, work: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    specs = work / "specs"
    specs.mkdir()
    for i in range(count):
        named = re.sub(r"(?m)^name: credit-scoring$", f"name: credit-scoring-{i:04d}", text)
        (specs / f"endpoint-{i:04d}.yaml").write_text(named, encoding="utf-8")
    return specs


def many_in_process(specs: Path, work: Path) -> tuple[float, float, float, int]:
    """Seconds to load, to compile (in memory) and to write, for every spec in `specs`."""
    from iac_gen.emit.compile import compile_specs
    from iac_gen.output_files import write_tree
    from iac_gen.spec.load import load_specs

    start = time.perf_counter()
    loaded = load_specs([specs])
    loaded_at = time.perf_counter()
    files = compile_specs(loaded)
    compiled_at = time.perf_counter()
    write_tree(work / "out-in-process", files)
    written_at = time.perf_counter()
    return loaded_at - start, compiled_at - loaded_at, written_at - compiled_at, len(files)


def listing(specs: Path, shape: Path, work: Path) -> Path:
    """What the floor reads and writes, listed once here so the floor only does the I/O:
    every spec file, and every folder and file (with its size) the compile wrote."""
    folders = sorted(str(d.relative_to(shape)) for d in shape.rglob("*") if d.is_dir())
    files = sorted(
        (str(f.relative_to(shape)), f.stat().st_size) for f in shape.rglob("*") if f.is_file()
    )
    path = work / "floor-listing.json"
    path.write_text(
        json.dumps(
            {"specs": sorted(map(str, specs.rglob("*.yaml"))), "folders": folders, "files": files}
        ),
        encoding="utf-8",
    )
    return path


def file_system_floor(listed: Path, folder: Path) -> None:
    """The floor: read every spec file, then create the same folders and as many files, of
    the same sizes, as the compile wrote. Run as its own process."""
    plan = json.loads(listed.read_text(encoding="utf-8"))
    for spec in plan["specs"]:
        with open(spec, "rb") as fh:
            fh.read()
    os.makedirs(folder)
    for sub in plan["folders"]:
        os.makedirs(os.path.join(folder, sub), exist_ok=True)
    for rel, size in plan["files"]:
        with open(os.path.join(folder, rel), "wb") as fh:
            fh.write(b"x" * size)


def memory_floor(listed: Path) -> _measure.Measure | None:
    """The floor once more, its files written to memory; None without a `/dev/shm`."""
    if not MEMORY.is_dir() or not os.access(MEMORY, os.W_OK):
        return None
    folder = Path(tempfile.mkdtemp(prefix="bench-compile-floor-", dir=MEMORY))
    try:
        return _measure.check(
            _measure.run(_measure.python(__file__, "--floor", str(listed), str(folder / "out")))
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--specs", type=int, default=1000)
    parser.add_argument("--phases", action="store_true", help="also time each stage in-process")
    parser.add_argument("--floor", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        file_system_floor(*args.floor)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-compile-") as tmp:
        work = Path(tmp)
        whole = whole_process(10, work)
        verdict = "ok" if statistics.median(whole) <= 0.5 else "over target"
        print(f"iac-gen compile example (whole process): {_median(whole)}; <= 500 ms: {verdict}")
        specs = write_specs(args.specs, work)
        shape = work / "shape"
        _measure.check(_measure.run([*IAC_GEN, "compile", str(specs), "-o", str(shape)]))
        listed = listing(specs, shape, work)
        files = len(json.loads(listed.read_text(encoding="utf-8"))["files"])
        print(f"{args.specs} spec files -> {files} files")
        for run_no in range(1, args.runs + 1):
            out = work / f"out-{run_no}"
            base = _measure.check(
                _measure.run(
                    _measure.python(__file__, "--floor", str(listed), str(work / f"floor-{run_no}"))
                )
            )
            took = _measure.check(_measure.run([*IAC_GEN, "compile", str(specs), "-o", str(out)]))
            in_memory = memory_floor(listed)
            print(
                _measure.compare(
                    run_no,
                    f"iac-gen compile ({args.specs} specs)",
                    took,
                    "floor (read specs, write files)",
                    base,
                    # Beside a floor the disk held back, the ratio measures the disk: the
                    # target is judged without the disk's share when there is a memory floor.
                    target=TARGET if in_memory is None else None,
                )
            )
            if in_memory is not None:
                print(_measure.line("floor, files written to memory", in_memory))
                disk = max(base.wall - in_memory.wall, 0.0)
                own = took.wall - disk
                ratio = own / max(in_memory.wall, 1e-9)
                print(
                    f"  without the disk's share ({disk:.2f} s): compile {own:.2f} s, "
                    f"{ratio:.2f}x the floor in memory; {_measure.at_most(ratio, TARGET)}"
                )
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(work / f"floor-{run_no}", ignore_errors=True)
        if args.phases:
            load, build, write, nfiles = many_in_process(specs, work)
            print(
                f"  in process: load {load:.2f} s, compile {build:.2f} s (in memory), "
                f"write {write:.2f} s ({nfiles} files)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
