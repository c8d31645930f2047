"""The distributions users install: `python -m build` output and the container's install steps.

No image can be built on a machine without a Docker engine, so the Dockerfile's own COPY and
RUN lines are replayed: the files it copies go to a folder standing in for /src, and its pip
command runs in a brand-new virtual environment, from which the CLI must then work.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def dockerfile() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_is_slim_non_root_and_runs_the_cli() -> None:
    steps = dockerfile()
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [rest for word, rest in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("ENTRYPOINT", '["iac-gen"]') in steps


def test_dockerfile_install_steps_work_in_a_fresh_environment(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for word, rest in dockerfile():
        if word == "COPY":
            *sources, dest = shlex.split(rest)
            for item in sources:
                target = src / Path(item).name if dest.endswith("/") else src / Path(dest).name
                if (ROOT / item).is_dir():
                    shutil.copytree(
                        ROOT / item, target, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    shutil.copy2(ROOT / item, target)
    (run_line,) = [rest for word, rest in dockerfile() if word == "RUN" and "pip install" in rest]
    install = run_line.split("&&")[0].replace("/src", str(src))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    args = shlex.split(install)
    assert args[:3] == ["python", "-m", "pip"]
    done = subprocess.run([str(venv / "bin" / "python"), *args[1:]], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    cli = venv / "bin" / "iac-gen"
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("iac-gen ")
    spec = ROOT / "fixtures" / "example" / "spec.yaml"
    ok = subprocess.run(
        [str(cli), "validate", str(spec)], capture_output=True, text=True, cwd=tmp_path
    )
    assert ok.returncode == 0, ok.stderr
    # Only what running needs: no test tools in the image.
    listed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "freeze"],
        capture_output=True,
        text=True,
    ).stdout.lower()
    for test_only in ("pytest", "hypothesis", "azure-ai-ml", "playwright"):
        assert f"{test_only}==" not in listed


def test_python_m_build_makes_an_sdist_that_holds_templates_and_schemas(tmp_path: Path) -> None:
    pytest.importorskip("build")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--sdist",
            "--no-isolation",
            "-o",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (sdist,) = tmp_path.glob("iac_gen-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
    top = names[0].split("/")[0]
    for needed in ("pyproject.toml", "schemas/spec.schema.json", "iac_gen/cli/app.py"):
        assert f"{top}/{needed}" in names, needed
    assert any(n.startswith(f"{top}/templates/") and n.endswith(".j2") for n in names)
    wheel = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(sdist),
        ],
        capture_output=True,
        text=True,
    )
    assert wheel.returncode == 0, wheel.stderr[-3000:]
    assert list(tmp_path.glob("iac_gen-*.whl"))
