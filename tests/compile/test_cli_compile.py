"""`iac-gen compile` end to end: files, options, exit codes, all-or-nothing writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.compile.conftest import CI_TARGET
from tests.conftest import FIXTURES, ROOT

EXAMPLE = FIXTURES / "example" / "spec.yaml"
CLIV2 = FIXTURES / "cliv2-basic"
TARGET_ARGS = [
    "--subscription",
    CI_TARGET["subscription"],
    "--resource-group",
    CI_TARGET["resource_group"],
    "--workspace",
    CI_TARGET["workspace"],
    "--location",
    CI_TARGET["location"],
]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iac_gen", "compile", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_compiles_two_specs_in_one_call(tmp_path: Path) -> None:
    tricky = FIXTURES / "compile-tricky-values" / "spec.yaml"
    done = run(EXAMPLE, tricky, "-o", tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["credit-scoring", "tricky-values"]
    assert done.stdout.count("wrote ") == 2


def test_target_options_must_agree_with_the_spec(tmp_path: Path) -> None:
    done = run(EXAMPLE, "-o", tmp_path, "--workspace", "mlw-elsewhere")
    assert done.returncode == 2, done.stderr
    assert "IAC310" in done.stderr
    assert list(tmp_path.iterdir()) == []
    done = run(CLIV2, "-o", tmp_path, *TARGET_ARGS)
    assert done.returncode == 0, done.stderr
    resources = (tmp_path / "fraud-detector" / "resources.json").read_text(encoding="utf-8")
    assert (
        "/resourceGroups/rg-ci/providers/Microsoft.MachineLearningServices/workspaces/mlw-ci/"
        in resources
    )


def test_missing_target_fails_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run(CLIV2, "-o", out)
    assert done.returncode == 2
    assert "error" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("target", "files"),
    [
        ("resources", ["resources.json"]),
        (
            "arm",
            [
                "main.dev.parameters.json",
                "main.json",
                "main.parameters.json",
                "main.prod.parameters.json",
            ],
        ),
        ("bicep", ["main.bicep", "main.bicepparam", "main.dev.bicepparam", "main.prod.bicepparam"]),
    ],
)
def test_target_option(tmp_path: Path, target: str, files: list[str]) -> None:
    done = run(EXAMPLE, "-o", tmp_path, "--target", target)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "credit-scoring").iterdir()) == files


def test_unknown_target_is_a_usage_error(tmp_path: Path) -> None:
    done = run(EXAMPLE, "-o", tmp_path, "--target", "terraform")
    assert done.returncode == 2
    assert "IAC323" in done.stderr


def test_env_picks_the_values_of_resources_json(tmp_path: Path) -> None:
    assert run(EXAMPLE, "-o", tmp_path / "base", "--target", "resources").returncode == 0
    done = run(EXAMPLE, "-o", tmp_path / "dev", "--env", "dev", "--target", "resources")
    assert done.returncode == 0, done.stderr

    def blue(folder: Path) -> dict[str, object]:
        data = json.loads(
            (folder / "credit-scoring" / "resources.json").read_text(encoding="utf-8")
        )
        return next(r for r in data if r["name"].endswith("/blue"))

    assert blue(tmp_path / "base")["sku"] == {"name": "Default", "capacity": 3}
    assert blue(tmp_path / "dev")["sku"] == {"name": "Default", "capacity": 1}
    assert blue(tmp_path / "dev")["properties"]["instanceType"] == "Standard_DS2_v2"


def test_unknown_env_fails(tmp_path: Path) -> None:
    done = run(EXAMPLE, "-o", tmp_path, "--env", "staging")
    assert done.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_a_failing_spec_leaves_earlier_outputs_untouched(tmp_path: Path) -> None:
    assert run(EXAMPLE, "-o", tmp_path).returncode == 0
    before = {p: p.read_bytes() for p in (tmp_path / "credit-scoring").iterdir()}
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("instance_count: 3", "instance_count: lots")
    )
    assert run(bad, EXAMPLE, "-o", tmp_path).returncode == 2
    assert {p: p.read_bytes() for p in (tmp_path / "credit-scoring").iterdir()} == before


def test_compile_does_not_import_azure(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from iac_gen.cli.app import main\n"
        f"sys.argv = ['iac-gen', 'compile', {str(EXAMPLE)!r}, '-o', {str(tmp_path)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "bad = [m for m in sys.modules if m == 'azure' or m.startswith('azure.')]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
