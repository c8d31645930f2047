"""Project settings: iac-gen.toml / [tool.iac-gen], IAC_GEN_* and their precedence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import iac_gen.cli.config_cmd
import iac_gen.cli.drift
import iac_gen.cli.lint  # noqa: F401  (they register their commands)
from iac_gen.cli import app as app_module
from iac_gen.config import load
from iac_gen.diagnostics import InputError

ROOT = Path(__file__).resolve().parents[2]
INSECURE = ROOT / "fixtures/lint-insecure/spec.yaml"
DRIFTED = ROOT / "fixtures/drift-drifted"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FAIL_ON", "ENVIRONMENT", "WAIVERS", "REPORT", "FORMATS", "WORKSPACE"):
        monkeypatch.delenv(f"IAC_GEN_{name}", raising=False)


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app_module.app, args, env=env, catch_exceptions=True)
    if isinstance(result.exception, InputError):
        return 2, result.stdout, "".join(f"{d}\n" for d in result.exception.diagnostics)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_file_is_found_upwards_and_paths_are_relative_to_it(tmp_path, monkeypatch):
    (tmp_path / "iac-gen.toml").write_text(
        'fail_on = "low"\nwaivers = "w.yaml"\n[target]\nworkspace = "mlw"\n', encoding="utf-8"
    )
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    config = load(env={})
    assert config.file == tmp_path / "iac-gen.toml"
    assert config.get("fail_on") == "low"
    assert config.get("workspace") == "mlw"
    assert Path(config.get("waivers")) == (tmp_path / "w.yaml")
    assert config.values["fail_on"].source == f"{tmp_path / 'iac-gen.toml'}:1"


def test_pyproject_table_is_read_and_one_without_it_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.iac-gen]\nenvironment = "prod"\n', encoding="utf-8"
    )
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "y"\n', encoding="utf-8")
    monkeypatch.chdir(inner)
    config = load(env={})
    assert config.get("environment") == "prod"
    assert config.values["environment"].source == f"{tmp_path / 'pyproject.toml'}:5"


def test_precedence_command_line_over_environment_over_file_over_default(tmp_path, monkeypatch):
    (tmp_path / "iac-gen.toml").write_text('fail_on = "low"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load(env={}).pick("fail_on", None, "high") == "low"
    assert load(env={"IAC_GEN_FAIL_ON": "critical"}).pick("fail_on", None, "high") == "critical"
    assert load(env={"IAC_GEN_FAIL_ON": "critical"}).pick("fail_on", "medium", "high") == "medium"
    (tmp_path / "iac-gen.toml").unlink()
    assert load(env={}).pick("fail_on", None, "high") == "high"


def test_lint_gate_comes_from_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code_default, _, _ = run(["lint", str(INSECURE), "--format", "json"])
    (tmp_path / "iac-gen.toml").write_text('fail_on = "critical"\n', encoding="utf-8")
    _, out, _ = run(["lint", str(INSECURE), "--format", "json"])
    data = json.loads(out)
    assert data["fail_on"] == "critical"
    assert code_default == 1
    _, out, _ = run(["lint", str(INSECURE), "--format", "json"], env={"IAC_GEN_FAIL_ON": "low"})
    assert json.loads(out)["fail_on"] == "low"
    _, out, _ = run(
        ["lint", str(INSECURE), "--format", "json", "--fail-on", "medium"],
        env={"IAC_GEN_FAIL_ON": "low"},
    )
    assert json.loads(out)["fail_on"] == "medium"


def test_drift_report_folder_and_formats_come_from_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "iac-gen.toml").write_text(
        'report = "evidence"\nformats = ["md"]\n', encoding="utf-8"
    )
    code, _, _ = run(["drift", str(DRIFTED / "spec.yaml"), "--live", str(DRIFTED / "live.json")])
    assert code == 1
    written = sorted(p.name for p in (tmp_path / "evidence").iterdir())
    assert written == ["drift.json", "drift.md", "manifest.json"]


def test_config_command_shows_values_and_sources(tmp_path, monkeypatch):
    (tmp_path / "iac-gen.toml").write_text('fail_on = "low"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["config", "--json"], env={"IAC_GEN_ENVIRONMENT": "prod"})
    assert code == 0
    data = json.loads(out)
    assert data["settings"]["fail_on"] == {
        "value": "low",
        "source": f"{tmp_path / 'iac-gen.toml'}:1",
    }
    assert data["settings"]["environment"] == {
        "value": "prod",
        "source": "environment IAC_GEN_ENVIRONMENT",
    }
    assert data["settings"]["report"] == {"value": None, "source": "default"}
    code, text, _ = run(["config"])
    assert 'fail_on        = "low"  # ' in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("fail_on = \n", ":1:11: error IAC360 invalid value"),
        ('x = 1\nfail_on = "hihg"\n', ":1:1: error IAC361 unknown setting 'x'"),
        ('\nfail_on = "hihg"\n', ":2:1: error IAC362 fail_on: 'hihg' is not one of"),
        ('[target]\n  workspce = "w"\n', ":2:3: error IAC361 unknown target setting 'workspce'"),
        ('formats = ["pdf"]\n', ":1:1: error IAC362 formats: unknown format 'pdf'"),
    ],
)
def test_a_bad_file_is_one_line_with_its_position(tmp_path, monkeypatch, content, expected):
    path = tmp_path / "iac-gen.toml"
    path.write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["config"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"{path}{expected}"), err


def test_a_bad_environment_value_is_one_line():
    code, _, err = run(["config"], env={"IAC_GEN_FAIL_ON": "sometimes"})
    assert code == 2
    assert err.startswith("<environment>:0:0: error IAC362 IAC_GEN_FAIL_ON: ")
