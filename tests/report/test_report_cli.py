"""`iac-gen report` re-renders saved results; bad input is one line and exit 2."""

from __future__ import annotations

import json
import sys

import pytest

from iac_gen.cli import app as cli_app
from iac_gen.report.registry import REPORTERS
from iac_gen.report.sarif import render_lint

from .samples import DATA, load

# The run's context as `evidence_context` would give it in a GitHub Actions job.
CONTEXT = {
    "provenance": {"repository_uri": "https://github.com/contoso/ml", "revision_id": "abc123"},
    "hostname": "build-agent-7",
    "ci": {"run_url": "https://github.com/contoso/ml/actions/runs/42"},
}


@pytest.fixture
def run(monkeypatch, capsys):
    """Run the console entry point (with its error boundary) for the report command only."""

    def register() -> None:
        import iac_gen.cli.report  # noqa: F401

    monkeypatch.setattr(cli_app, "_register", register)
    monkeypatch.setattr("iac_gen.report.evidence.evidence_context", lambda *a, **k: CONTEXT)

    def invoke(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["iac-gen", *args])
        code = 0
        try:
            cli_app.main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_format_rerenders_to_a_file(run, tmp_path, fmt):
    out = tmp_path / "sub" / REPORTERS[fmt].filename
    code, stdout, stderr = run(
        "report", str(DATA / "drifted.json"), "--format", fmt, "-o", str(out)
    )
    assert (code, stdout, stderr) == (0, "", "")
    assert out.read_text(encoding="utf-8") == REPORTERS[fmt].render(load("drifted"), **CONTEXT)
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_stdout_when_no_output_file(run):
    code, stdout, _ = run("report", str(DATA / "in_sync.json"), "--format", "md")
    assert code == 0 and stdout == REPORTERS["md"].render(load("in_sync"), **CONTEXT)


def test_lint_result_renders_as_sarif_and_junit_only(run, tmp_path):
    out = tmp_path / "lint.sarif"
    code, _, _ = run("report", str(DATA / "lint.json"), "--format", "sarif", "-o", str(out))
    expected = render_lint(load("lint"), provenance=CONTEXT["provenance"])
    assert code == 0 and out.read_text(encoding="utf-8") == expected
    code, _, _ = run(
        "report", str(DATA / "lint.json"), "--format", "junit", "-o", str(tmp_path / "l.xml")
    )
    assert code == 0
    code, stdout, stderr = run(
        "report", str(DATA / "lint.json"), "--format", "html", "-o", str(tmp_path / "l.html")
    )
    assert code == 2 and stdout == ""
    assert stderr.strip().endswith(
        "error IAC503 a lint result renders only as json, sarif, junit, not html"
    )
    assert not (tmp_path / "l.html").exists()


@pytest.mark.parametrize(
    ("content", "code_and_text"),
    [
        ('{"status": "drifted", "findings": [', ("IAC501", "invalid JSON")),
        ('{"hello": "world"}', ("IAC502", "not a drift or lint result")),
        ("[1, 2]", ("IAC502", "not a drift or lint result")),
        ('{"status": "weird", "findings": []}', ("IAC502", "not a valid drift result")),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(run, tmp_path, content, code_and_text):
    src = tmp_path / "result.json"
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "out.md"
    code, stdout, stderr = run("report", str(src), "--format", "md", "-o", str(out))
    assert code == 2 and stdout == ""
    (first,) = stderr.splitlines()
    assert first.startswith(f"{src}:") and f"error {code_and_text[0]} {code_and_text[1]}" in first
    assert "Traceback" not in stderr
    assert not out.exists()


def test_missing_file_and_unknown_format(run, tmp_path):
    code, _, stderr = run("report", str(tmp_path / "nope.json"), "--format", "md")
    assert code == 2 and "error IAC501 file not found" in stderr
    code, _, stderr = run("report", str(DATA / "drifted.json"), "--format", "pdf")
    assert code == 2 and "pdf" in stderr


def test_drift_result_is_checked_against_the_shipped_schema(run, tmp_path):
    result = load("drifted")
    result["findings"][0]["severity"] = "catastrophic"
    src = tmp_path / "drift.json"
    src.write_text(json.dumps(result), encoding="utf-8")
    code, _, stderr = run("report", str(src), "--format", "md")
    assert code == 2 and "error IAC502 not a valid drift result" in stderr
    assert "catastrophic" in stderr or "findings" in stderr


def test_help_lists_formats_from_the_registry(run):
    code, stdout, _ = run("report", "--help")
    assert code == 0
    for name in REPORTERS:
        assert f"{name}:" in stdout


def test_rerendered_evidence_carries_the_runs_host_and_provenance(run, tmp_path):
    for fmt, expected in (
        ("junit", 'hostname="build-agent-7"'),
        ("sarif", '"repositoryUri": "https://github.com/contoso/ml"'),
        ("html", 'href="https://github.com/contoso/ml/actions/runs/42"'),
    ):
        out = tmp_path / REPORTERS[fmt].filename
        assert run("report", str(DATA / "drifted.json"), "--format", fmt, "-o", str(out))[0] == 0
        assert expected in out.read_text(encoding="utf-8"), fmt
