"""`iac-gen validate` and `iac-gen schema` through the real Typer app and error boundary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iac_gen.cli import app as app_module
from iac_gen.diagnostics import InputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"
CLIV2 = ROOT / "fixtures" / "cliv2-basic"

app_module._register()
app = app_module.app


def run(args: list[str]) -> tuple[int, str, str]:
    """Invoke like `main()` does: InputError becomes stderr lines and exit 2."""
    runner = CliRunner()
    result = runner.invoke(app, args, catch_exceptions=True)
    if isinstance(result.exception, InputError):
        return 2, result.stdout, "".join(f"{d}\n" for d in result.exception.diagnostics)
    return result.exit_code, result.stdout, result.stderr


def test_valid_specs_print_ok_lines() -> None:
    code, out, err = run(["validate", str(EXAMPLE), str(CLIV2)])
    assert code == 0 and err == ""
    assert out.splitlines() == [
        f"ok {CLIV2 / 'endpoint.yml'} (fraud-detector, 2 deployments)",
        f"ok {EXAMPLE} (credit-scoring, 2 deployments)",
    ]


def test_env_option_validates_that_environment() -> None:
    code, out, _ = run(["validate", str(EXAMPLE), "--env", "dev"])
    assert code == 0 and "environment dev" in out
    code, _, err = run(["validate", str(EXAMPLE), "--env", "qa"])
    assert code == 2 and "IAC311" in err


def test_target_options_must_agree() -> None:
    code, _, err = run(["validate", str(EXAMPLE), "--location", "northeurope"])
    assert code == 2
    assert "IAC310" in err and "northeurope" in err and "westeurope" in err


def test_unknown_key_says_did_you_mean(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("name: cli-ep\nauth_mod: key\ndeployments: []\n")
    code, out, err = run(["validate", str(spec)])
    assert code == 2 and out == ""
    assert err == (
        f"{spec}:2:1: error IAC102 unknown key 'auth_mod' in the top level; "
        "did you mean 'auth_mode'?\n"
    )


SUBPROCESS_CASES = [
    ("garbage", b"\x00\xff\xfe{{{: ["),
    ("yaml-error", b"name: [\n"),
    ("missing", None),
]


@pytest.mark.parametrize(("label", "content"), SUBPROCESS_CASES)
def test_real_process_one_line_errors_no_traceback(
    tmp_path: Path, label: str, content: bytes | None
) -> None:
    spec = tmp_path / f"{label}.yaml"
    if content is not None:
        spec.write_bytes(content)
    done = subprocess.run(
        [sys.executable, "-m", "iac_gen", "validate", str(spec)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith(f"{spec}:") and " error IAC0" in line for line in lines)


def test_every_invalid_fixture_exits_2_with_its_golden_lines() -> None:
    case = "invalid-unknown-key"
    done = subprocess.run(
        [sys.executable, "-m", "iac_gen", "validate", f"fixtures/{case}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    expected = (ROOT / "fixtures" / case / "expected" / "diagnostics.txt").read_text()
    assert done.stderr == expected


def test_schema_command_prints_the_shipped_schema() -> None:
    code, out, _ = run(["schema"])
    assert code == 0
    printed = json.loads(out)
    assert printed == json.loads((ROOT / "schemas" / "spec.schema.json").read_text())
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_validate_module_does_not_import_jsonschema_at_import_time() -> None:
    probe = (
        "import sys; import iac_gen.cli.app as a; a._register(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jsonschema'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stdout


def test_nothing_printed_on_stdout_when_one_environment_fails(tmp_path: Path) -> None:
    other = tmp_path / "spec.yaml"
    other.write_text("name: other-ep\ndeployments: []\n")
    code, out, err = run(["validate", str(EXAMPLE), str(other), "--env", "dev"])
    assert code == 2 and out == ""
    assert "IAC311" in err and "other-ep" not in out
