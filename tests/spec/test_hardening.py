"""Hostile spec input ends as one diagnostic line, never a crash, a hang or a bad output.

Each case reproduces a defect of a hostile test of the tool: names with a trailing newline,
NaN and infinities, target values Azure refuses, bad core-schema tags, FIFOs, unrelated
multi-document YAML, an out-of-range SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.spec.load import load_specs
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (FIXTURES / "example" / "spec.yaml").read_text(encoding="utf-8")


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, str]:
    """`iac-gen ARGS` in a child process (exit code as `main()` sets it), and its stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "iac_gen", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return proc.returncode, proc.stderr


def assert_one_line_error(code: int, stderr: str, diag: str) -> None:
    assert code == 2, stderr
    lines = stderr.splitlines()
    assert len(lines) >= 1 and all(" error IAC" in line for line in lines), stderr
    assert diag in stderr, stderr


def _write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _codes(paths: list[Path], overrides: dict[str, str] | None = None) -> list[str]:
    try:
        load_specs(paths, overrides)
    except InputError as exc:
        for d in exc.diagnostics:
            assert "\n" not in str(d), str(d)
        return [d.code for d in exc.diagnostics]
    return []


def _edit(old: str, new: str) -> str:
    assert old in EXAMPLE, old
    return EXAMPLE.replace(old, new, 1)


# D16: `$` in Python matches before a final newline.
@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("name: credit-scoring\n", 'name: "credit-scoring\\n"\n', "IAC201"),
        ("  - name: blue\n", '  - name: "blue\\n"\n', "IAC202"),
        ('api_version: "2026-05-01"', 'api_version: "2026-05-01\\n"', "IAC107"),
    ],
)
def test_trailing_newline_is_refused(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert code in _codes([_write(tmp_path, _edit(old, new))])


def test_schedule_time_with_trailing_newline_is_refused() -> None:
    from iac_gen.spec.schema_subset import Validator

    schema = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}
    checker = Validator(schema)
    assert checker.is_valid("09:30")
    assert not checker.is_valid("09:30\n")
    assert [e.validator for e in checker.iter_errors("09:30\n")] == ["pattern"]


def test_environment_name_with_trailing_newline_cannot_name_a_file() -> None:
    """Validation refuses such a name (below); compile keeps its own check for specs built
    otherwise."""
    from dataclasses import replace

    from iac_gen.emit.compile import compile_specs

    (spec,) = load_specs([FIXTURES / "example" / "spec.yaml"])
    renamed = replace(spec, environments={"dev\n": spec.environments["dev"]})
    with pytest.raises(InputError) as info:
        compile_specs([renamed])
    assert [d.code for d in info.value.diagnostics] == ["IAC322"]


def test_bicep_identifier_refuses_a_trailing_newline() -> None:
    from iac_gen.emit.values import bicep_identifier, bicep_key

    assert bicep_key("abc\n") == "'abc\\n'"
    with pytest.raises(ValueError):
        bicep_identifier("abc\n")


# D23 / D8: target values Azure refuses are one line in every command, and validate sees them.
TARGET = [
    "--subscription",
    "11111111-2222-3333-4444-555555555555",
    "--resource-group",
    "rg-ci",
    "--location",
    "westeurope",
]


@pytest.mark.parametrize(
    "workspace", ["a/b", "<script>", "/subscriptions/x/../../y", "ws\n", "..", "[x]"]
)
def test_compile_with_a_bad_workspace_option_is_one_line(tmp_path: Path, workspace: str) -> None:
    args = ["fixtures/cliv2-basic", *TARGET, "--workspace", workspace]
    code, err = run_cli("compile", *args, "-o", str(tmp_path / "out"))
    assert_one_line_error(code, err, "IAC312 --workspace")
    assert not (tmp_path / "out").exists(), "nothing is written"
    code, err = run_cli("validate", *args)
    assert_one_line_error(code, err, "IAC312 --workspace")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subscription", "[subscription().id]"),
        ("subscription", "8f6b6269-84f2-4d09-9e31-1127efcd1e40\n"),
        ("resource_group", "rg/providers/x"),
        ("resource_group", "rg."),
        ("resource_group", "r" * 91),
        ("workspace", "ws\n"),
        ("workspace", "ws"),
        ("workspace", "-ws"),
        ("location", "west europe"),
        ("location", "westeurope/../x"),
    ],
)
def test_bad_target_value_in_the_spec_fails_validation(
    tmp_path: Path, field: str, value: str
) -> None:
    lines = {
        "subscription": "  subscription: 8f6b6269-84f2-4d09-9e31-1127efcd1e40\n",
        "resource_group": "  resource_group: rg-mlops-prod\n",
        "workspace": "  workspace: mlw-risk-prod\n",
        "location": "  location: westeurope\n",
    }
    quoted = value.replace("\n", "\\n")
    text = _edit(lines[field], f'  {field}: "{quoted}"\n')
    assert _codes([_write(tmp_path, text)]) == ["IAC236"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subscription", "8F6B6269-84F2-4D09-9E31-1127EFCD1E40"),
        ("resource_group", "rg_(test).prod-1"),
        ("resource_group", "r" * 90),
        ("resource_group", "Grüße"),
        ("workspace", "w_1"),
        ("workspace", "1" + "a" * 32),
        ("location", "eastus2euap"),
    ],
)
def test_valid_target_values_are_accepted(field: str, value: str) -> None:
    from iac_gen.spec.targets import valid

    assert valid(field, value)


# D9: NaN and infinities have no JSON form; they must not reach validation, let alone outputs.
@pytest.mark.parametrize(
    "number", [".nan", ".NaN", ".inf", "-.inf", "+.Inf", "1.0e+400", "-1.0e+400"]
)
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("        threshold: 70\n", "        threshold: {}\n"),
        ("    request_latency_p95_ms: 500\n", "    request_latency_p95_ms: {}\n"),
        ("    error_rate_5xx_percent: 0.1\n", "    error_rate_5xx_percent: {}\n"),
        ("    cpu_percent: 80\n", "    cpu_percent: {}\n"),
        ("    instance_count: 3\n", "    instance_count: {}\n"),
    ],
)
def test_nan_and_infinity_fail_validation(tmp_path: Path, number: str, old: str, new: str) -> None:
    path = _write(tmp_path, _edit(old, new.format(number)))
    assert _codes([path]) == ["IAC015"]


def test_nan_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    path = _write(tmp_path, _edit("        threshold: 70\n", "        threshold: .nan\n"))
    code, err = run_cli("validate", str(path))
    assert_one_line_error(code, err, f"{path}:76:20: error IAC015")
    code, err = run_cli("compile", str(path), "-o", str(tmp_path / "out"))
    assert_one_line_error(code, err, "IAC015")
    assert not (tmp_path / "out").exists()


def test_the_template_check_refuses_nan_and_infinity() -> None:
    """The parse-back check reads main.json as strict JSON (Python's reader takes NaN)."""
    from iac_gen.emit.arm import TemplateCheckError, check_template
    from iac_gen.emit.plan import TEMPLATE_SCHEMA, build_plan
    from tests.compile.handmade import credit_scoring

    plan = build_plan(credit_scoring())
    for constant in ("NaN", "Infinity", "-Infinity"):
        text = f'{{"$schema": "{TEMPLATE_SCHEMA}", "resources": [], "x": {constant}}}'
        with pytest.raises(TemplateCheckError, match="JSON"):
            check_template(text, plan)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_emitters_never_write_nan(value: float) -> None:
    from iac_gen.emit.values import arm_data, bicep_literal

    with pytest.raises(ValueError):
        arm_data({"threshold": value})
    with pytest.raises(ValueError):
        bicep_literal({"threshold": value})


# D8: a core-schema tag with a value it cannot hold is IAC010, never a crash.
@pytest.mark.parametrize(
    "tagged", ["!!bool maybe", "!!bool 2", "!!int abc", "!!int 0x", "!!float zz", "!!float ''"]
)
def test_bad_core_tag_values_are_one_line(tmp_path: Path, tagged: str) -> None:
    path = _write(tmp_path, _edit("name: credit-scoring\n", f"name: {tagged}\n"))
    assert _codes([path]) == ["IAC010"]
    code, err = run_cli("validate", str(path))
    assert_one_line_error(code, err, "IAC010")


def test_nan_does_not_slip_past_a_range_check() -> None:
    """Defence in depth: were a NaN ever to reach the schema check, it fails both bounds."""
    from iac_gen.spec.schema_subset import Validator

    checker = Validator({"type": "number", "minimum": 0, "maximum": 100})
    assert checker.is_valid(50.0)
    assert not checker.is_valid(float("nan"))
    assert {e.validator for e in checker.iter_errors(float("nan"))} == {"minimum", "maximum"}


# D22: only regular files are read; a FIFO never blocks discovery or reading.
K8S = """apiVersion: v1
kind: Service
metadata:
  name: scorer
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: scorer
"""


def _spec_folder_with_fifo(tmp_path: Path) -> Path:
    folder = tmp_path / "specs"
    folder.mkdir()
    _write(folder, EXAMPLE)
    os.mkfifo(folder / "b.yaml")
    return folder


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_in_a_spec_folder_is_skipped(tmp_path: Path) -> None:
    folder = _spec_folder_with_fifo(tmp_path)
    code, err = run_cli("validate", str(folder), timeout=30)
    assert code == 0, err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_validate_empty_argument_with_a_fifo_does_not_hang(tmp_path: Path) -> None:
    folder = _spec_folder_with_fifo(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "iac_gen", "validate", ""],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    code, err = run_cli("validate", str(fifo), timeout=30)
    assert_one_line_error(code, err, f"{fifo}:0:0: error IAC013")
    assert "regular file" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_reading_a_fifo_directly_does_not_block(tmp_path: Path) -> None:
    """The reader itself refuses what is not a regular file (a FIFO swapped in after
    discovery), without waiting for a writer."""
    fifo = tmp_path / "late.yaml"
    os.mkfifo(fifo)
    script = (
        "import sys; from pathlib import Path\n"
        "from iac_gen.diagnostics import InputError\n"
        "from iac_gen.spec.yaml_source import read_text\n"
        "try:\n    read_text(Path(sys.argv[1]), 'f')\n"
        "except InputError as exc:\n    print(exc.diagnostics[0].code)\n"
    )
    proc = subprocess.run(  # a child process: before the fix the read blocked for ever
        [sys.executable, "-c", script, str(fifo)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert proc.stdout.strip() == "IAC013", proc.stderr


# D28: an unrelated multi-document file (a Kubernetes manifest) is skipped like other
# unrelated YAML; a spec with several documents is still IAC008.
def test_unrelated_multi_document_yaml_in_a_folder_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path, EXAMPLE)
    _write(tmp_path, K8S, "k8s.yaml")
    assert _codes([tmp_path]) == []


def test_multi_document_spec_is_still_iac008(tmp_path: Path) -> None:
    _write(tmp_path, EXAMPLE + "---\n" + EXAMPLE)
    assert _codes([tmp_path]) == ["IAC008"]
    _write(tmp_path, K8S + "---\n" + EXAMPLE, "mixed.yaml")
    assert "IAC008" in _codes([tmp_path / "mixed.yaml"])
    assert _codes([tmp_path / "mixed.yaml"]).count("IAC008") == 1


def test_an_explicitly_named_multi_document_file_is_iac008(tmp_path: Path) -> None:
    path = _write(tmp_path, K8S, "k8s.yaml")
    assert _codes([path]) == ["IAC008"]


# D8: SOURCE_DATE_EPOCH past the year 9999 is one line, not a ValueError.
@pytest.mark.parametrize("epoch", ["99999999999999", "253402300800", "9" * 400])
def test_source_date_epoch_out_of_range_is_one_line(epoch: str) -> None:
    args = ("lint", "fixtures/example/spec.yaml", "--format", "json")
    code, err = run_cli(*args, env={"SOURCE_DATE_EPOCH": epoch})
    assert_one_line_error(code, err, "SOURCE_DATE_EPOCH:0:0: error IAC313")


def test_source_date_epoch_at_the_edge_is_used() -> None:
    from iac_gen.provenance import iso_now

    assert iso_now({"SOURCE_DATE_EPOCH": "253402300799"}) == "9999-12-31T23:59:59Z"
    assert iso_now({"SOURCE_DATE_EPOCH": "0"}) == "1970-01-01T00:00:00Z"


@pytest.mark.parametrize("name", ["prod\\n", "pr/od", "-dev", "d" * 65])
def test_environment_names_that_cannot_name_a_file_fail_validation(
    tmp_path: Path, name: str
) -> None:
    """validate refuses what compile could not name a parameters file after (IAC322)."""
    text = _edit("environments:\n  dev:\n", f'environments:\n  "{name}":\n')
    assert _codes([_write(tmp_path, text)]) == ["IAC107"]


@pytest.mark.parametrize(
    "command",
    [
        ("lint", "fixtures/example/spec.yaml"),
        ("drift", "fixtures/example/spec.yaml", "--live", "fixtures/example/live.json"),
    ],
)
def test_lint_and_drift_refuse_bad_target_options(command: tuple[str, ...]) -> None:
    code, err = run_cli(*command, "--resource-group", "rg/providers/x")
    assert_one_line_error(code, err, "IAC312 --resource-group")
