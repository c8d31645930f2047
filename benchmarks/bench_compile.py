"""Compile speed: one endpoint in-process, the whole command, and 1,000 specs in one call.

Targets: `iac-gen compile fixtures/example/spec.yaml -o DIR` median <= 0.5 s (whole process,
interpreter start-up included); 1,000 spec files in one `iac-gen compile` call <= 10 s.
Prints figures; it is not a test.

    .venv/bin/python benchmarks/bench_compile.py [--runs 10] [--specs 1000]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
IAC_GEN = [sys.executable, "-m", "iac_gen"]


def _median(samples: list[float]) -> str:
    ms = [x * 1000 for x in samples]
    return (
        f"median {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f}, n={len(ms)})"
    )


def in_process(runs: int) -> list[float]:
    from iac_gen.emit.compile import compile_specs
    from iac_gen.spec.load import load_specs

    compile_specs(load_specs([EXAMPLE]))  # warm: imports, Jinja templates compiled once
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        compile_specs(load_specs([EXAMPLE]))
        samples.append(time.perf_counter() - start)
    return samples


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


def file_system_baseline(work: Path, count: int) -> float:
    """Seconds to create `count` 5 kB files here: the floor under any writer."""
    folder = work / "fs-baseline"
    folder.mkdir()
    start = time.perf_counter()
    for i in range(count):
        (folder / f"f{i}").write_bytes(b"x" * 5000)
    return time.perf_counter() - start


def many_specs(specs: Path, work: Path) -> tuple[float, int]:
    out = work / "out"
    start = time.perf_counter()
    subprocess.run(
        [*IAC_GEN, "compile", str(specs), "-o", str(out)], check=True, capture_output=True
    )
    elapsed = time.perf_counter() - start
    return elapsed, sum(1 for _ in out.rglob("main.json"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--specs", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-compile-") as tmp:
        work = Path(tmp)
        print(
            f"one endpoint, in process (load + compile, no write): {_median(in_process(args.runs))}"
        )
        whole = whole_process(args.runs, work)
        verdict = "ok" if statistics.median(whole) <= 0.5 else "over target"
        print(f"iac-gen compile example (whole process): {_median(whole)}; <= 500 ms: {verdict}")
        specs = write_specs(args.specs, work)
        elapsed, endpoints = many_specs(specs, work)
        verdict = "ok" if elapsed <= 10 else "over target"
        print(
            f"{args.specs} spec files in one call: {elapsed:.2f} s for {endpoints} endpoints "
            f"({elapsed / max(endpoints, 1) * 1000:.1f} ms each); target <= 10 s: {verdict}"
        )
        load, build, write, nfiles = many_in_process(specs, work)
        print(
            f"  in process: load {load:.2f} s, compile {build:.2f} s (in memory), "
            f"write {write:.2f} s ({nfiles} files)"
        )
        floor = file_system_baseline(work, nfiles)
        print(f"  file-system floor: creating {nfiles} files of 5 kB here takes {floor:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
