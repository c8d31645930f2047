"""`iac-gen lint` and `iac-gen rules` through the Typer app: formats, gates, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

import iac_gen.cli.lint
import iac_gen.cli.rules
from iac_gen.cli import app as app_module
from iac_gen.diagnostics import InputError
from iac_gen.rules.registry import all_rules

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "fixtures/example/spec.yaml"
INSECURE = "fixtures/lint-insecure/spec.yaml"
SUPPRESSED = "fixtures/lint-suppressed/spec.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(args: list[str]) -> tuple[int, str, str]:
    """Invoke like `main()` does: InputError becomes stderr lines and exit 2."""
    result = CliRunner().invoke(app_module.app, args, catch_exceptions=True)
    if isinstance(result.exception, InputError):
        return 2, result.stdout, "".join(f"{d}\n" for d in result.exception.diagnostics)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_bundled_example_passes_at_default_fail_on() -> None:
    code, out, _ = run(["lint", EXAMPLE])
    assert code == 0, out
    lines = out.splitlines()
    assert lines[-1].endswith("(--fail-on high: passed)")
    severities = {line.split()[1] for line in lines[:-1]}
    assert severities <= {"low", "info"}, out


def test_fail_on_lowers_the_gate() -> None:
    assert run(["lint", EXAMPLE, "--fail-on", "low"])[0] == 1
    assert run(["lint", EXAMPLE, "--fail-on", "info"])[0] == 1


def test_findings_at_or_above_fail_on_exit_1() -> None:
    code, out, _ = run(["lint", INSECURE])
    assert code == 1
    assert f"{INSECURE}:10:1: high MOE001 " in out
    assert run(["lint", INSECURE, "--fail-on", "critical"])[0] == 1  # MOE006 is critical
    code, _, _ = run(["lint", INSECURE, "--ignore", "MOE006", "--fail-on", "critical"])
    assert code == 0


def test_select_limits_the_rules() -> None:
    code, out, _ = run(["lint", INSECURE, "--select", "MOE001", "--select", "MOE003"])
    assert code == 1
    assert {line.split()[2] for line in out.splitlines()[:-1]} == {"MOE001", "MOE003"}
    assert ", 2 rules:" in out.splitlines()[-1]


def test_unknown_rule_id_is_invalid_usage() -> None:
    code, _, err = run(["lint", EXAMPLE, "--select", "MOE999"])
    assert code == 2
    assert "IAC350" in err and "MOE999" in err


def test_bad_fail_on_value_is_a_usage_error() -> None:
    code, _, _ = run(["lint", EXAMPLE, "--fail-on", "severe"])
    assert code == 2


def test_invalid_spec_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "spec.yaml"
    bad.write_text("name: x\nauth_mode: password\n", encoding="utf-8")
    code, out, err = run(["lint", str(bad)])
    assert code == 2
    assert out == ""
    assert "error IAC" in err


def test_unknown_environment_exits_2() -> None:
    code, _, err = run(["lint", EXAMPLE, "--env", "nowhere"])
    assert code == 2 and "nowhere" in err


def test_env_overlay_is_linted() -> None:
    code, out, _ = run(["lint", EXAMPLE, "--env", "dev"])
    assert code == 1  # dev opens public network access
    assert " high MOE003 " in out
    assert " MOE010 " not in out  # production-only rules skip dev


def test_json_output_is_the_lint_result() -> None:
    code, out, _ = run(["lint", SUPPRESSED, "--format", "json"])
    assert code == 0
    data = json.loads(out)
    assert data["schema_version"] == "1.0"
    assert data["fail_on"] == "high" and data["status"] == "passed"
    suppressed = [f for f in data["findings"] if f["suppressed"]]
    assert {f["rule"] for f in suppressed} == {"MOE001", "MOE003"}
    assert all(f["suppression_reason"] for f in suppressed)
    assert len(data["rules"]) == len(all_rules()) + 1
    assert data["inputs"] == [
        {"role": "spec", "path": SUPPRESSED, "sha256": data["inputs"][0]["sha256"]}
    ]
    assert len(data["inputs"][0]["sha256"]) == 64


def test_output_file_gets_report_and_stderr_gets_summary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "lint.json"
    code, out, err = run(["lint", INSECURE, "--format", "json", "-o", str(target)])
    assert code == 1
    assert out == ""
    assert err.startswith(f"lint: 1 spec, {len(all_rules())} rules: 2 critical, 4 high")
    assert json.loads(target.read_text(encoding="utf-8"))["status"] == "failed"


def test_output_is_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same input, same clock, same bytes (without a fixed clock two runs can straddle a
    second and differ in `generated_at` only)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    first = run(["lint", INSECURE, "--format", "json"])[1]
    second = run(["lint", INSECURE, "--format", "json"])[1]
    assert first == second


def test_sarif_output_lists_results_and_suppressions() -> None:
    code, out, _ = run(["lint", SUPPRESSED, "--format", "sarif"])
    assert code == 0
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    rule_ids = {r["ruleId"] for r in results}
    assert {"MOE001", "MOE003", "MOE008"} <= rule_ids
    suppressed = [r for r in results if r.get("suppressions")]
    assert {r["ruleId"] for r in suppressed} == {"MOE001", "MOE003"}


def test_junit_output_parses() -> None:
    code, out, _ = run(["lint", INSECURE, "--format", "junit"])
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    failures = root.findall(".//failure")
    assert any(f.get("type") == "MOE006" for f in failures)


def test_lint_formats_come_from_the_report_registry() -> None:
    from iac_gen.report.registry import REPORTERS

    listed = {f.value for f in iac_gen.cli.lint.LintFormat}
    rendered = {r.name for r in REPORTERS.values() if r.renders_lint}
    assert listed == rendered | {"text", "github", "azure", "auto"}


def test_lint_junit_names_the_host_and_sarif_the_ci_repository(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    for name in ("GITHUB_RUN_ID", "BUILD_BUILDID", "IAC_GEN_HOSTNAME"):
        monkeypatch.delenv(name, raising=False)
    _, out, _ = run(["lint", INSECURE, "--format", "junit"])
    hosts = {s.get("hostname") for s in ET.fromstring(out.encode("utf-8")).iter("testsuite")}
    assert hosts == {socket.gethostname()}
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    monkeypatch.setenv("GITHUB_REPOSITORY", "contoso/ml-platform")
    monkeypatch.setenv("GITHUB_SHA", "0123abcd")
    monkeypatch.setattr("iac_gen.report.manifest.git_sources", lambda paths: [None] * len(paths))
    _, out, _ = run(["lint", INSECURE, "--format", "sarif"])
    vcp = json.loads(out)["runs"][0]["versionControlProvenance"]
    assert vcp == [
        {"repositoryUri": "https://github.com/contoso/ml-platform", "revisionId": "0123abcd"}
    ]


def test_lint_junit_fails_only_at_or_above_fail_on() -> None:
    _, out, _ = run(["lint", INSECURE, "--format", "junit", "--fail-on", "critical"])
    root = ET.fromstring(out.encode("utf-8"))
    failing = {c.get("classname") for c in root.iter("testcase") if c.find("failure") is not None}
    assert failing == {"lint.MOE006"}  # the one critical rule; high findings pass the gate
    below = [c for c in root.iter("testcase") if c.findtext("system-out", "").startswith("below")]
    assert below  # ...and are still shown


def test_rules_command_lists_the_catalog() -> None:
    code, out, _ = run(["rules"])
    assert code == 0
    ids = [line.split()[0] for line in out.splitlines()]
    assert ids == ["MOE000", *(r.id for r in all_rules())]
    code, out, _ = run(["rules", "--format", "json"])
    assert [r["id"] for r in json.loads(out)["rules"]] == ids


def test_rules_markdown_is_docs_rules_md() -> None:
    code, out, _ = run(["rules", "--format", "markdown"])
    assert code == 0
    assert out == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


PROBE = """
import sys
from typer.testing import CliRunner
from iac_gen.cli.app import app
import iac_gen.cli.lint, iac_gen.cli.rules
for args in (["lint", "fixtures/example/spec.yaml"], ["rules"]):
    CliRunner().invoke(app, args)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("azure", "deepdiff"))
print(heavy)
"""


def test_lint_and_rules_import_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
