"""Usage errors are one diagnostic line (`<command>:0:0: error IAC34x message`), exit 2.

They run through `main()`, the console script's entry point and error boundary, exactly as
a user or a pipeline sees them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iac_gen.codes import CODES
from tests.conftest import run_main as main

ROOT = Path(__file__).resolve().parents[2]
SPEC = "fixtures/example/spec.yaml"
LINE = re.compile(r"^(iac-gen(?: [a-z]+)?):0:0: error (IAC34[0-9]) (\S.*)$")


@pytest.fixture(autouse=True)
def _repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


CASES = {
    "bad choice": (["lint", SPEC, "--fail-on", "extreme"], "iac-gen lint", "IAC342", "--fail-on"),
    "bad report format": (
        ["report", "reports/drifted/drift.json", "--format", "pdf"],
        "iac-gen report",
        "IAC342",
        "--format",
    ),
    "bad lint format": (["lint", SPEC, "--format", "pdf"], "iac-gen lint", "IAC342", "pdf"),
    "out of range": (
        ["export", "--concurrency", "0", "-o", "x.json"],
        "iac-gen export",
        "IAC342",
        "--concurrency",
    ),
    "not a number": (
        ["export", "--concurrency", "many", "-o", "x.json"],
        "iac-gen export",
        "IAC342",
        "many",
    ),
    "unknown option": (["validate", SPEC, "--bogus"], "iac-gen validate", "IAC340", "--bogus"),
    "unknown command": (["frobnicate"], "iac-gen", "IAC340", "frobnicate"),
    "missing argument": (["validate"], "iac-gen validate", "IAC341", "specs"),
    "missing option": (["drift", SPEC], "iac-gen drift", "IAC341", "--live"),
    "missing -o": (["compile", SPEC], "iac-gen compile", "IAC341", "--out"),
    "option without its value": (["drift", SPEC, "--live"], "iac-gen drift", "IAC341", "--live"),
    "extra argument": (["report", "a.json", "b.json", "-f", "md"], "iac-gen report", "IAC340", ""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_usage_error_is_one_diagnostic_line(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    args, command, code, mentioned = CASES[name]
    exit_code, out, err = main(args, capsys)
    assert exit_code == 2
    assert out == ""
    (line,) = err.splitlines()
    match = LINE.match(line)
    assert match, line
    assert match.group(1) == command and match.group(2) == code
    # Click spells an argument `specs` or `SPECS...` depending on its version.
    assert mentioned.lower() in match.group(3).lower()
    assert "Usage:" not in err and "Try '" not in err


def test_usage_codes_are_declared() -> None:
    """Click's refusals are the codes the app's usage-error boundary raises."""
    raised = {code for code, entry in CODES.items() if entry.raised_by == "cli.app"}
    assert raised == {"IAC340", "IAC341", "IAC342"}


def test_a_hostile_option_value_stays_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = main(["lint", SPEC, "--fail-on", "x\n\x1b[2Jy\u202e"], capsys)
    assert code == 2
    (line,) = err.splitlines()
    assert "\x1b" not in line and "\u202e" not in line and "\\x1b[2J" in line


def test_help_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = main(["lint", "--help"], capsys)
    assert code == 0 and "Usage: iac-gen lint" in out and "--fail-on" in out and err == ""
    code, out, _ = main(["--help"], capsys)
    assert code == 0 and "drift" in out and "validate" in out


def test_no_arguments_still_shows_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = main([], capsys)
    assert code == 2 and "Usage: iac-gen" in out + err and "Commands" in out + err


def test_exit_codes_of_commands_pass_through(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", SPEC], capsys)[0] == 0
    drifted = ["drift", "fixtures/drift-drifted/spec.yaml"]
    assert main([*drifted, "--live", "fixtures/drift-drifted/live.json"], capsys)[0] == 1
    code, _, err = main(["validate", "nowhere.yaml"], capsys)
    assert code == 2 and "IAC001" in err
    assert main(["--version"], capsys)[0] == 0
