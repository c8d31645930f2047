"""Regenerate the sample evidence in `reports/` from fixtures: `python -m tests.samples`.

`make reports` runs this; `tests/test_samples.py` fails when `reports/` is stale. The runs use
a fixed SOURCE_DATE_EPOCH so that the evidence only changes when the product does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

# case name -> (spec, live input, waivers or None)
CASES: dict[str, tuple[str, str, str | None]] = {
    "example-in-sync": ("fixtures/example/spec.yaml", "fixtures/example/live.json", None),
    "drifted": ("fixtures/drift-drifted/spec.yaml", "fixtures/drift-drifted/live.json", None),
    "waived": (
        "fixtures/drift-waived/spec.yaml",
        "fixtures/drift-waived/live.json",
        "fixtures/drift-waived/waivers.yaml",
    ),
    # an export with --changes: every finding says who changed it
    "attributed": (
        "fixtures/drift-attributed/spec.yaml",
        "fixtures/drift-attributed/live.json",
        None,
    ),
}


def generate(case: str, out_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run `iac-gen drift` for one case, writing its evidence into `out_dir`."""
    spec, live, waivers = CASES[case]
    args = [sys.executable, "-m", "iac_gen", "drift", spec, "--live", live]
    args += ["--report", str(out_dir)]
    if waivers:
        args += ["--waivers", waivers]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    for ci_variable in ("GITHUB_ACTIONS", "TF_BUILD", "CI"):
        env.pop(ci_variable, None)
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{case}: drift exited {done.returncode}: {done.stderr.strip()}")
    return done


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "reports"
    for case in CASES:
        generate(case, target / case)
        print(f"reports: {case} -> {target / case}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
