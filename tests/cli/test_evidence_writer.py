"""One evidence writer for every command: the run's host and CI run reach every format."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ("fixtures/drift-drifted/spec.yaml", "fixtures/drift-drifted/live.json")
GITHUB = {
    "GITHUB_RUN_ID": "4242",
    "GITHUB_REPOSITORY": "contoso/ml-platform",
    "GITHUB_SHA": "0123abcd",
    "GITHUB_SERVER_URL": "https://github.com",
}


def _drift(tmp_path: Path, *extra: str, env: dict[str, str] | None = None):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "BUILD_", "SYSTEM_", "IAC_GEN_")) and k != "TF_BUILD"
    }
    spec, live = EXAMPLE
    return subprocess.run(
        [sys.executable, "-m", "iac_gen", "drift", spec, "--live", live, "-q", *extra],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def test_drift_report_junit_names_this_host(tmp_path):
    done = _drift(tmp_path, "--report", str(tmp_path / "ev"))
    assert done.returncode == 1, done.stderr
    root = ET.parse(tmp_path / "ev" / "drift.junit.xml").getroot()
    assert {s.get("hostname") for s in root.iter("testsuite")} == {socket.gethostname()}


def test_drift_report_in_ci_carries_the_run_to_sarif_html_and_manifest(tmp_path):
    env = {**GITHUB, "IAC_GEN_HOSTNAME": "runner-7"}
    done = _drift(tmp_path, "--report", str(tmp_path / "ev"), env=env)
    assert done.returncode == 1, done.stderr
    ev = tmp_path / "ev"
    run_url = "https://github.com/contoso/ml-platform/actions/runs/4242"
    assert 'hostname="runner-7"' in (ev / "drift.junit.xml").read_text(encoding="utf-8")
    assert f'href="{run_url}"' in (ev / "drift.html").read_text(encoding="utf-8")
    sarif = json.loads((ev / "drift.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["versionControlProvenance"][0]["revisionId"]
    assert json.loads((ev / "manifest.json").read_text(encoding="utf-8"))["ci"]["run_url"] == (
        run_url
    )


def test_a_single_format_on_stdout_gets_the_same_context(tmp_path):
    done = _drift(tmp_path, "--format", "junit", env={"IAC_GEN_HOSTNAME": "runner-8"})
    assert done.returncode == 1, done.stderr
    assert 'hostname="runner-8"' in done.stdout
