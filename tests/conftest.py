"""Shared test plumbing: golden files and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite expected/ golden files from the current output instead of comparing.",
    )


class Golden:
    """Compare text against a golden file, or rewrite it under --update-golden."""

    def __init__(self, update: bool):
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8", newline="\n")
            return
        assert path.exists(), f"missing golden file {path}; run `make golden`"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{path} differs from the output; review, then `make golden`"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-golden")))


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `iac-gen ARGS` run through `main()`, the console
    script's entry point and error boundary, exactly as a user or a pipeline sees it."""
    import sys

    from iac_gen.cli import app as app_module

    saved = sys.argv
    sys.argv = ["iac-gen", *args]
    try:
        app_module.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = saved
    out, err = capsys.readouterr()
    return code, out, err
