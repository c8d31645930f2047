"""Progress and verbosity on standard error: plain periodic lines, rich on a terminal,
nothing with -q, files, live shapes and timings with -v; standard output untouched."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import iac_gen.cli.drift
import iac_gen.cli.lint  # noqa: F401  (they register their commands)
from iac_gen.cli import app as app_module
from iac_gen.cli import progress
from iac_gen.cli.progress import Progress

ROOT = Path(__file__).resolve().parents[2]
DRIFTED = ["fixtures/drift-drifted/spec.yaml", "--live", "fixtures/drift-drifted/live.json"]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_arrive_periodically_while_a_phase_runs(monkeypatch):
    monkeypatch.setattr(progress, "PERIOD", 0.05)
    out = io.StringIO()
    shown = Progress("iac-gen drift", 1, out)
    with shown.phase("comparing 10000 endpoint spec(s)"):
        time.sleep(0.3)
    lines = out.getvalue().splitlines()
    ticks = [
        ln for ln in lines if ln.startswith("iac-gen drift: comparing 10000") and "... (" in ln
    ]
    assert len(ticks) >= 2
    assert lines[-1].startswith("iac-gen drift: comparing 10000 endpoint spec(s): done in ")


def test_a_quick_phase_prints_nothing_and_quiet_prints_nothing(monkeypatch):
    monkeypatch.setattr(progress, "PERIOD", 0.05)
    out = io.StringIO()
    with Progress("x", 1, out).phase("quick"):
        pass
    assert out.getvalue() == ""
    with Progress("x", 0, out).phase("slow"):
        time.sleep(0.2)
    assert out.getvalue() == ""


def test_a_terminal_gets_a_rich_status_not_plain_lines(monkeypatch):
    monkeypatch.setattr(progress, "PERIOD", 0.05)
    out = _Tty()
    with Progress("x", 1, out).phase("slow"):
        time.sleep(0.2)
    assert "slow ... (" not in out.getvalue()  # no plain ticker on a terminal
    assert "slow" in out.getvalue()  # rich drew its status line


def _run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app_module.app, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_drift_verbose_names_files_live_shape_and_timings():
    code, out, err = _run(["drift", *DRIFTED, "-v"])
    assert code == 1
    assert "iac-gen drift: read spec fixtures/drift-drifted/spec.yaml" in err
    assert "iac-gen drift: read live fixtures/drift-drifted/live.json as arm (" in err
    assert "iac-gen drift: timings: reading specs and live state " in err
    assert "read spec" not in out and out.startswith("drift: drifted")


def test_drift_and_lint_default_and_quiet_runs_keep_stderr_clean():
    for args in (["drift", *DRIFTED], ["drift", *DRIFTED, "-q"]):
        _, _, err = _run(args)
        assert err == ""
    _, _, err = _run(["lint", "fixtures/example/spec.yaml", "-v"])
    assert "iac-gen lint: read spec fixtures/example/spec.yaml" in err
    assert "iac-gen lint: timings: reading specs " in err


def test_compile_verbose_names_files_and_timings_and_quiet_prints_nothing(tmp_path):
    import iac_gen.cli.compile  # noqa: F401  (registers the command)

    spec = "fixtures/example/spec.yaml"
    code, out, err = _run(["compile", spec, "-o", str(tmp_path / "a"), "-v"])
    assert code == 0, err
    assert f"iac-gen compile: read spec {spec}" in err
    assert "iac-gen compile: timings: reading specs " in err and "compiling 1 spec(s) " in err
    assert "wrote " in out and "read spec" not in out
    code, out, err = _run(["compile", spec, "-o", str(tmp_path / "b"), "-q"])
    assert code == 0 and err == "" and "wrote " in out


def test_compile_of_many_specs_prints_plain_periodic_lines_off_a_terminal(monkeypatch, tmp_path):
    import iac_gen.cli.compile  # noqa: F401
    import iac_gen.emit.compile as emit_compile

    monkeypatch.setattr(progress, "PERIOD", 0.05)
    real = emit_compile.compile_specs

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(emit_compile, "compile_specs", slow)
    code, _, err = _run(["compile", "fixtures/example/spec.yaml", "-o", str(tmp_path / "c")])
    assert code == 0, err
    assert "iac-gen compile: compiling 1 spec(s) ... (" in err
    assert "iac-gen compile: compiling 1 spec(s): done in " in err
