"""A plain (non-editable) wheel carries templates/ and schemas/ and works from another folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(work / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        pytest.fail(f"wheel build failed: {build.stderr[-2000:]}")
    wheels = list((work / "dist").glob("iac_gen-*.whl"))
    assert len(wheels) == 1
    site = work / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheels[0]),
        ],
        check=True,
        capture_output=True,
    )
    return site


def run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_wheel_ships_templates_and_schemas(installed: Path, tmp_path: Path):
    probe = (
        "import json, iac_gen, iac_gen.resources as r;"
        "print(json.dumps([iac_gen.__file__, str(r.templates_dir()), str(r.schemas_dir())]))"
    )
    done = run_installed(installed, tmp_path, "-c", probe)
    assert done.returncode == 0, done.stderr
    module, templates, schemas = json.loads(done.stdout)
    for found in (module, templates, schemas):
        assert Path(found).is_relative_to(installed), f"{found} is not from the wheel"
    assert (Path(schemas) / "spec.schema.json").is_file()
    assert any(Path(templates).rglob("*.j2")), "no Jinja2 templates in the wheel"


def test_installed_cli_runs_from_another_folder(installed: Path, tmp_path: Path):
    done = run_installed(installed, tmp_path, "-m", "iac_gen", "schema")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["$schema"].startswith("https://json-schema.org/")

    example = ROOT / "fixtures" / "example" / "spec.yaml"
    out = tmp_path / "out"
    done = run_installed(
        installed, tmp_path, "-m", "iac_gen", "compile", str(example), "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert (out / "credit-scoring" / "main.json").is_file()
    assert (out / "credit-scoring" / "main.bicep").is_file()
