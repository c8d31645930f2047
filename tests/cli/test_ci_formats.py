"""`--format github|azure|auto` for lint and drift, and one --format without --report.

Expected lines follow the platforms' documented rules:
- GitHub: https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
  ("Setting an error message":
  `::error file={name},line={line},col={col},title={title}::{message}`),
  escaping as actions/toolkit packages/core/src/command.ts does (`escapeData`: % CR LF;
  `escapeProperty`: also `:` and `,`).
- Azure Pipelines: https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands
  ("LogIssue": `##vso[task.logissue type=error;sourcepath=...;linenumber=...;columnnumber=...;
  code=...]message`), escaping as microsoft/azure-pipelines-task-lib node/taskcommand.ts does
  (`%` -> `%AZP25`, CR -> `%0D`, LF -> `%0A`; in properties also `;` -> `%3B`, `]` -> `%5D`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import iac_gen.cli.drift
import iac_gen.cli.lint  # noqa: F401  (both register their command)
from iac_gen.cli import app as app_module
from iac_gen.diagnostics import InputError
from iac_gen.report.annotations import Annotation, azure, detect, github

ROOT = Path(__file__).resolve().parents[2]
INSECURE = "fixtures/lint-insecure/spec.yaml"
DRIFTED = ["fixtures/drift-drifted/spec.yaml", "--live", "fixtures/drift-drifted/live.json"]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("TF_BUILD", raising=False)


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app_module.app, args, env=env, catch_exceptions=True)
    if isinstance(result.exception, InputError):
        return 2, result.stdout, "".join(f"{d}\n" for d in result.exception.diagnostics)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


HOSTILE = Annotation(
    "error",
    "100% wrong\r\nnext; line ] here: a,b",
    "MOE001 a:b,c",
    "MOE;001]",
    "dir,x/a:b;c].yaml",
    12,
    3,
)


def test_github_line_and_escaping():
    assert github([HOSTILE]) == (
        "::error file=dir%2Cx/a%3Ab;c].yaml,line=12,col=3,title=MOE001 a%3Ab%2Cc"
        "::100%25 wrong%0D%0Anext; line ] here: a,b\n"
    )


def test_azure_line_and_escaping():
    assert azure([HOSTILE]) == (
        "##vso[task.logissue type=error;sourcepath=dir,x/a:b%3Bc%5D.yaml;linenumber=12;"
        "columnnumber=3;code=MOE%3B001%5D]100%AZP25 wrong%0D%0Anext; line ] here: a,b\n"
    )


def test_control_characters_cannot_reach_the_log():
    line = github([Annotation("warning", "a\x1b[31mred", "t", "c")])
    assert "\x1b" not in line and line == "::warning title=t::a\\x1b[31mred\n"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GITHUB_ACTIONS": "true"}, "github"),
        ({"TF_BUILD": "True"}, "azure"),
        ({"GITHUB_ACTIONS": "false", "TF_BUILD": ""}, "text"),
        ({}, "text"),
    ],
)
def test_auto_detection(env, expected):
    assert detect(env) == expected


def _lint_findings() -> list[dict]:
    _, out, _ = run(["lint", INSECURE, "--format", "json"])
    return [f for f in json.loads(out)["findings"] if not f["suppressed"]]


def test_lint_github_lines_are_at_the_spec_line():
    findings = _lint_findings()
    code, out, err = run(["lint", INSECURE, "--format", "github", "--fail-on", "high"])
    lines = out.splitlines()
    assert code == 1 and len(lines) == len(findings)
    first = sorted(findings, key=lambda f: (f["line"], f["col"], f["rule"]))[0]
    level = "error" if first["severity"] in ("critical", "high") else "warning"
    assert any(
        ln.startswith(
            f"::{level} file={first['file']},line={first['line']},col={first['col']},"
            f"title={first['rule']} "
        )
        for ln in lines
    )
    assert err.strip()  # the summary goes to stderr, stdout holds only commands


def test_lint_auto_picks_azure_under_azure_pipelines():
    _, out, _ = run(["lint", INSECURE, "--format", "auto"], env={"TF_BUILD": "True"})
    assert out.splitlines() and all(
        ln.startswith("##vso[task.logissue type=") for ln in out.splitlines()
    )
    _, text_out, _ = run(["lint", INSECURE, "--format", "auto"])
    assert "##vso" not in text_out and "::error" not in text_out


def test_drift_github_annotations_name_the_spec_line():
    code, out, err = run(["drift", *DRIFTED, "--format", "github"])
    assert code == 1
    lines = out.splitlines()
    assert lines and all(ln.startswith(("::error ", "::warning ")) for ln in lines)
    assert (
        "::error file=fixtures/drift-drifted/spec.yaml,line=9,col=1,"
        "title=DRIFT-SECURITY-AUTH-MODE fraud-scoring::high drift in fraud-scoring: auth_mode"
    ) in out
    assert "drift: drifted" in err and "drift: drifted" not in out


def test_drift_azure_annotations():
    _, out, _ = run(["drift", *DRIFTED, "--format", "azure"])
    assert (
        "##vso[task.logissue type=error;sourcepath=fixtures/drift-drifted/spec.yaml;"
        "linenumber=9;columnnumber=1;code=DRIFT-SECURITY-AUTH-MODE]high drift"
    ) in out


def test_one_format_without_report_goes_to_stdout():
    code, out, err = run(["drift", *DRIFTED, "--format", "sarif"])
    assert code == 1
    assert json.loads(out)["version"] == "2.1.0"
    assert "drift: drifted" in err


def test_several_formats_without_report_are_a_usage_error():
    code, out, err = run(["drift", *DRIFTED, "--format", "sarif", "--format", "md"])
    assert code == 2 and out == ""
    assert "error IAC343" in err
