"""`iac-gen --version` and its JSON form."""

from __future__ import annotations

import json
import subprocess
import sys

from iac_gen import __version__
from iac_gen.drift.analysis import SCHEMA_VERSION
from iac_gen.drift.tables import NORMALISATION_VERSION
from iac_gen.rules.registry import all_rules


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iac_gen", *args], capture_output=True, text=True, check=False
    )


def test_version_text_is_unchanged():
    done = _run("--version")
    assert (done.returncode, done.stdout) == (0, f"iac-gen {__version__}\n")


def test_version_json_names_every_version_a_pipeline_pins():
    for args in (("--version", "--json"), ("--json", "--version")):
        done = _run(*args)
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        assert data["tool"] == {"name": "iac-gen", "version": __version__}
        assert data["normalisation_version"] == NORMALISATION_VERSION
        assert data["rule_catalog"]["rules"] == len(all_rules())
        assert len(data["rule_catalog"]["digest"]) == 16
        assert data["schemas"]["drift_result"] == SCHEMA_VERSION
        assert data["schemas"]["spec"] == "1"
        assert set(data["schemas"]) >= {"lint_result", "plan", "export_bundle", "manifest"}
