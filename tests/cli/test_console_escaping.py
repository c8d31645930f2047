"""Text from inputs (file names, reasons stored in a live bundle) reaches the console escaped:
no terminal control sequence, C1 control or bidi override is printed raw."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from tests.cli.test_validate import EXAMPLE, run

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b2J\u202eevil"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def test_validate_ok_line_escapes_the_file_name(tmp_path: Path) -> None:
    spec = tmp_path / f"spec{HOSTILE}.yaml"
    shutil.copyfile(EXAMPLE, spec)
    code, out, _ = run(["validate", str(spec)])
    assert code == 0
    (line,) = out.splitlines()
    assert line.startswith("ok ") and "(credit-scoring, 2 deployments)" in line
    assert not any(c in line for c in RAW)
    assert "\\x1b]0;owned\\x07" in line and "\\x9b" in line and "\\u202e" in line


def test_drift_not_checked_lines_escape_the_stored_reason() -> None:
    from iac_gen.cli.drift import verdict

    result = json.loads((ROOT / "tests/report/data/not_checked.json").read_text("utf-8"))
    hostile = copy.deepcopy(result)
    hostile["errors"][0]["reason"] = f"403 {HOSTILE}"
    hostile["errors"][0]["resource"] = f"credit-scoring/{HOSTILE}"
    text = verdict(hostile, [], "info")
    lines = [line for line in text.splitlines() if "not checked:" in line]
    assert len(lines) == len(result["errors"])
    assert not any(c in text for c in RAW)
    assert "\\x1b[2J" in lines[0]


def test_lint_text_escapes_the_file_name(tmp_path: Path) -> None:
    spec = tmp_path / f"spec{HOSTILE}.yaml"
    shutil.copyfile(EXAMPLE, spec)
    code, out, _ = run(["lint", str(spec)])
    assert code == 0
    findings = [line for line in out.splitlines() if " MOE" in line]
    assert findings and all("\\u202e" in line for line in findings)
    assert not any(c in out for c in RAW)


def test_drift_finding_lines_escape_live_values() -> None:
    from iac_gen.cli.drift import verdict

    finding = {
        "severity": "info",
        "resource": f"credit-scoring/{HOSTILE}",
        "field": f"tags.{HOSTILE}",
        "message": f'tags.x is "{HOSTILE}" in Azure; the design says "4711"',
    }
    result = json.loads((ROOT / "tests/report/data/not_checked.json").read_text("utf-8"))
    text = verdict(result, [finding], "info")
    shown = [line for line in text.splitlines() if line.lstrip().startswith("INFO")]
    assert len(shown) == 1
    assert not any(c in text for c in RAW)
    assert "\\x1b]0;owned\\x07" in shown[0] and "\\u202e" in shown[0]
