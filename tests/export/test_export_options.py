"""Option errors exit 2 and write nothing; heavy SDK imports stay out of --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iac_gen", "export", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--graph"], "IAC330 --graph needs --subscription"),
        (["--subscription", "s"], "IAC330 missing --resource-group, --workspace"),
        (
            [
                "--management-group",
                "mg",
                "--subscription",
                "s",
                "--resource-group",
                "g",
                "--workspace",
                "w",
            ],
            "IAC330 --management-group needs --graph",
        ),
        (["--graph", "--subscription", "s", "--workspace", "w"], "IAC330 --graph reads a whole"),
        (
            [
                "--subscription",
                "a",
                "--subscription",
                "b",
                "--resource-group",
                "g",
                "--workspace",
                "w",
            ],
            "IAC330 several --subscription values need --graph",
        ),
        (
            [
                "--subscription",
                "s",
                "--resource-group",
                "g",
                "--workspace",
                "w",
                "--arm-endpoint",
                "http://127.0.0.1:1",
            ],
            "IAC331 --arm-endpoint must be an https:// URL",
        ),
    ],
)
def test_bad_options_exit_2_and_write_nothing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "live.json"
    proc = _cli("-o", str(out), *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert not out.exists()


def test_help_and_registration_do_not_import_azure() -> None:
    code = (
        "import sys; from iac_gen.cli import app; app._register(); "
        "import iac_gen.live, iac_gen.emulator; "
        "bad = sorted(m for m in sys.modules if m == 'azure' or m.startswith('azure.')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
