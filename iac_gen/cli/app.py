"""The `iac-gen` Typer application and its error boundary.

Command modules are imported here to register themselves; they keep heavy imports inside
their function bodies so `iac-gen --help` and `validate` start fast.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import typer

from iac_gen import __version__
from iac_gen.diagnostics import InputError
from iac_gen.exit_codes import ExitCode

app = typer.Typer(
    name="iac-gen",
    help="Declare an Azure ML managed online endpoint once; compile it to ARM/Bicep, "
    "export what runs in Azure, and prove the two still match.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"iac-gen {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Top-level options."""


def _register() -> None:
    from iac_gen.cli import (  # noqa: F401  (imported for their @app.command side effect)
        assets,
        compile,
        drift,
        export,
        lint,
        report,
        rules,
        schema,
        validate,
    )


def _crash_log(exc: BaseException) -> Path:
    import tempfile

    fd, name = tempfile.mkstemp(prefix="iac-gen-crash-", suffix=".log")
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(f"iac-gen {__version__} on Python {sys.version}\n")
        fh.write("".join(traceback.format_exception(exc)))
    return Path(name)


def main() -> None:
    """Console-script entry point: run the app, map errors to the exit-code contract."""
    _register()
    try:
        app()
    except InputError as exc:
        for diag in exc.diagnostics:
            typer.echo(str(diag), err=True)
        sys.exit(ExitCode.INVALID)
    except KeyboardInterrupt:
        typer.echo("iac-gen: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the one place a crash becomes a one-line message
        log = _crash_log(exc)
        typer.echo(f"iac-gen: internal error: {type(exc).__name__}; traceback in {log}", err=True)
        sys.exit(ExitCode.INTERNAL)
