"""`--help` and `validate` must not pay for azure.* or deepdiff (they are imported lazily)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

PROBE = """
import json, sys
from iac_gen.cli.app import main
sys.argv = ["iac-gen", *json.loads(sys.argv[1])]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("azure", "deepdiff"))
sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "heavy": heavy}) + "\\n")
"""


def probe(args: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("PROBE ")][-1]
    return json.loads(line[len("PROBE ") :])


def test_help_imports_nothing_heavy():
    result = probe(["--help"])
    assert result["code"] == 0
    assert result["heavy"] == []


def test_validate_imports_nothing_heavy():
    result = probe(["validate", str(FIXTURES / "example" / "spec.yaml")])
    assert result["code"] == 0
    assert result["heavy"] == []


def test_probe_detects_heavy_imports():
    # The probe itself must be able to fail: importing deepdiff shows up.
    done = subprocess.run(
        [sys.executable, "-c", "import deepdiff, sys; print('deepdiff' in sys.modules)"],
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip() == "True"
