"""SIGINT and SIGTERM during a write leave the old outputs or the new ones: never a mix, never
a `.iac-gen-*` staging folder; the run exits 130 (SIGINT) or 143 (SIGTERM).

The CLI runs in a subprocess. `IAC_GEN_TEST_PAUSE=<phase>:<marker>` makes it stop at a named
moment of the write (`stage`: half the files staged; `staged`: all staged, before the commit;
`commit`: half the files moved; `file`: a single file's temporary written), create the
marker and wait; the test then sends the signal. One test signals a large compile at a
moment it only observes from outside (the staging folder appearing), as a CI runner would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.export.conftest import FAST, RG, SUB, TOKEN, WS, emulator, small_fleet  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "example"
DRIFTED = ROOT / "fixtures" / "drift-drifted"
SIGNALS = [(signal.SIGINT, 130), (signal.SIGTERM, 143)]


def _specs(folder: Path, count: int, version: str) -> Path:
    """`count` endpoints whose every output carries `version` (a tag value)."""
    text = (EXAMPLE / "spec.yaml").read_text(encoding="utf-8")
    assert 'cost-center: "4711"' in text
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        spec = text.replace("name: credit-scoring", f"name: ep-{i:03d}", 1)
        spec = spec.replace('cost-center: "4711"', f'cost-center: "release-{version}"', 1)
        (folder / f"ep-{i:03d}.yaml").write_text(spec, encoding="utf-8")
    return folder


def _cli(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "iac_gen", *map(str, args)]


def _default_signals() -> None:
    """In the child: SIGINT and SIGTERM as a terminal gives them. A suite started in the
    background inherits SIGINT ignored, and iac-gen rightly keeps a signal its parent chose to
    ignore ignored, so the signal sent below would never arrive."""
    for signum, _code in SIGNALS:
        signal.signal(signum, signal.SIG_DFL)


def _signalled(
    cmd: list[str], phase: str, signum: int, tmp_path: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `cmd`, signal it once it pauses at `phase`, and wait for it to end."""
    marker = tmp_path / f"paused-at-{phase}"
    marker.unlink(missing_ok=True)
    full_env = {**os.environ, **(env or {}), "IAC_GEN_TEST_PAUSE": f"{phase}:{marker}"}
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_signals,
    )
    stop = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"ended ({proc.returncode}) before reaching {phase}: {err}")
        assert time.monotonic() < stop, f"never reached {phase}"
        time.sleep(0.01)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _staging_left(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".iac-gen-*")] if folder.exists() else []


def _versions(out: Path) -> dict[str, set[str]]:
    """Endpoint folder -> the versions its files carry (one per consistent folder)."""
    found: dict[str, set[str]] = {}
    for endpoint in sorted(p for p in out.iterdir() if p.is_dir()):
        seen = found.setdefault(endpoint.name, set())
        for name in ("main.json", "resources.json", "main.bicep"):
            text = (endpoint / name).read_text(encoding="utf-8")
            seen |= {v for v in ("v1", "v2") if f"release-{v}" in text}
    return found


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# -- compile --------------------------------------------------------------------------------


@pytest.fixture
def compiled(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """An output folder holding a complete v1 compile of 12 endpoints, and v2 specs."""
    out = tmp_path / "out"
    done = subprocess.run(
        _cli("compile", _specs(tmp_path / "v1", 12, "v1"), "-o", out),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert set(map(frozenset, _versions(out).values())) == {frozenset({"v1"})}
    return out, _specs(tmp_path / "v2", 12, "v2"), _snapshot(out)


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
@pytest.mark.parametrize("phase", ["stage", "staged"])
def test_compile_interrupted_before_the_commit_keeps_the_old_outputs(
    compiled, tmp_path: Path, phase: str, signum: int, code: int
):
    out, v2, before = compiled
    done = _signalled(_cli("compile", v2, "-o", out), phase, signum, tmp_path)
    assert done.returncode == code, done.stderr
    assert _staging_left(out) == []
    assert _snapshot(out) == before  # byte for byte the old outputs


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_compile_interrupted_during_the_commit_finishes_it(
    compiled, tmp_path: Path, signum: int, code: int
):
    out, v2, _ = compiled
    done = _signalled(_cli("compile", v2, "-o", out), "commit", signum, tmp_path)
    assert done.returncode == code, done.stderr
    assert _staging_left(out) == []
    versions = _versions(out)
    assert len(versions) == 12 and all(v == {"v2"} for v in versions.values())


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
@pytest.mark.parametrize("phase", ["stage", "staged"])
def test_compile_into_a_new_folder_interrupted_writes_nothing(
    tmp_path: Path, phase: str, signum: int, code: int
):
    out = tmp_path / "new" / "out"
    specs = _specs(tmp_path / "v1", 4, "v1")
    done = _signalled(_cli("compile", specs, "-o", out), phase, signum, tmp_path)
    assert done.returncode == code, done.stderr
    assert not (tmp_path / "new").exists()  # not even the folder


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_fleet_compile_signalled_once_its_staging_folder_appears(tmp_path: Path, signum: int):
    """No test hook: the signal comes when a CI runner would send it, during the write."""
    out = tmp_path / "out"
    v1 = _specs(tmp_path / "v1", 250, "v1")
    first = subprocess.run(_cli("compile", v1, "-o", out), cwd=ROOT, capture_output=True)
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    v2 = _specs(tmp_path / "v2", 250, "v2")
    proc = subprocess.Popen(
        _cli("compile", v2, "-o", out),
        cwd=ROOT,
        stderr=subprocess.PIPE,
        preexec_fn=_default_signals,
    )
    while proc.poll() is None and not any(out.glob(".iac-gen-*")):
        time.sleep(0.001)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 128 + signum), err  # 0: it had finished first
    assert _staging_left(out) == []
    after = _snapshot(out)
    if proc.returncode == 0 or after != before:
        versions = _versions(out)
        assert len(versions) == 250 and all(v == {"v2"} for v in versions.values())


# -- drift --report ---------------------------------------------------------------------------


def _drift(report: Path, *extra: str) -> list[str]:
    return _cli(
        "drift",
        DRIFTED / "spec.yaml",
        "--live",
        DRIFTED / "live.json",
        "--report",
        report,
        *extra,
    )


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
@pytest.mark.parametrize("phase", ["stage", "staged"])
def test_drift_report_interrupted_keeps_the_old_evidence(
    tmp_path: Path, phase: str, signum: int, code: int
):
    report = tmp_path / "evidence"
    env = {"SOURCE_DATE_EPOCH": "1790000000"}
    first = subprocess.run(
        _drift(report), cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}
    )
    assert first.returncode == 1, first.stderr
    before = _snapshot(report)
    env["SOURCE_DATE_EPOCH"] = "1790000999"  # every file of the new run differs
    done = _signalled(_drift(report), phase, signum, tmp_path, env)
    assert done.returncode == code, done.stderr
    assert _staging_left(report) == []
    assert _snapshot(report) == before


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_drift_report_interrupted_during_the_commit_is_all_new(
    tmp_path: Path, signum: int, code: int
):
    report = tmp_path / "evidence"
    done = _signalled(_drift(report), "commit", signum, tmp_path)
    assert done.returncode == code, done.stderr
    assert _staging_left(report) == []
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    listed = sorted(str(entry["path"]).rsplit("/", 1)[-1] for entry in manifest["outputs"])
    assert listed == sorted(p.name for p in report.iterdir() if p.name != "manifest.json")


# -- single files: report -o, export -o -----------------------------------------------------


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_report_output_interrupted_keeps_the_old_file(tmp_path: Path, signum: int, code: int):
    target = tmp_path / "drift.md"
    target.write_text("old report\n", encoding="utf-8")
    drifted = ROOT / "tests" / "report" / "data" / "drifted.json"
    cmd = _cli("report", drifted, "--format", "md", "-o", target)
    done = _signalled(cmd, "file", signum, tmp_path)
    assert done.returncode == code, done.stderr
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drift.md", "paused-at-file"]


@pytest.mark.parametrize(("signum", "code"), SIGNALS)
def test_export_output_interrupted_writes_no_bundle(
    emulator,  # noqa: F811
    tmp_path: Path,
    signum: int,
    code: int,
):
    out = tmp_path / "bundle.json"
    env = {
        "IAC_GEN_ARM_TOKEN": TOKEN,
        "REQUESTS_CA_BUNDLE": str(emulator.ca_file),
        "SSL_CERT_FILE": str(emulator.ca_file),
    }
    cmd = _cli(
        "export", "-o", out, "--arm-endpoint", emulator.url, "--subscription", SUB,
        "--resource-group", RG, "--workspace", WS, *FAST,
    )  # fmt: skip
    done = _signalled(cmd, "file", signum, tmp_path, env)
    assert done.returncode == code, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paused-at-file"]
