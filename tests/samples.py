"""Regenerate the sample evidence in `reports/` from fixtures: `python -m tests.samples`.

`make reports` runs this; `tests/test_samples.py` fails when `reports/` is stale. The runs use
a fixed SOURCE_DATE_EPOCH so that the evidence only changes when the product does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
SAMPLE_HOST = "sample-build-host"  # JUnit's hostname in the samples (IAC_GEN_HOSTNAME)

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
    """Run `iac-gen drift` for one case, writing its evidence into `out_dir`.

    The run must not depend on where it happens: it works on a copy of the case's inputs
    (same relative paths, outside any git checkout, so no commit or remote of this clone
    reaches SARIF or the HTML links), without CI variables, and names a fixed host.
    """
    spec, live, waivers = CASES[case]
    args = [sys.executable, "-m", "iac_gen", "drift", spec, "--live", live]
    args += ["--report", f"reports/{case}"]
    if waivers:
        args += ["--waivers", waivers]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GITHUB_ACTIONS", "TF_BUILD", "CI")
        and not k.startswith(("GITHUB_", "BUILD_", "SYSTEM_", "IAC_GEN_"))
    }
    env.update(SOURCE_DATE_EPOCH=EPOCH, IAC_GEN_HOSTNAME=SAMPLE_HOST)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for rel in (spec, live, waivers):
            if rel:
                (work / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(ROOT / rel, work / rel)
        done = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{case}: drift exited {done.returncode}: {done.stderr.strip()}")
        out_dir = Path(out_dir)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(work / "reports" / case, out_dir)
    return done


def main(argv: list[str]) -> int:
    """`reports [FOLDER]`: the sample evidence (default reports/); `docs`: the documents
    generated from the code (docs/normalisation.md, from the normalisation tables)."""
    if argv[:1] == ["docs"]:
        from iac_gen.drift.normalisation_doc import render

        doc = ROOT / "docs" / "normalisation.md"
        doc.write_text(render(), encoding="utf-8")
        print(f"docs: {doc}")
        return 0
    target = Path(argv[0]) if argv else ROOT / "reports"
    for case in CASES:
        generate(case, target / case)
        print(f"reports: {case} -> {target / case}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
