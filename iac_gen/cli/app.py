"""The `iac-gen` Typer application and its error boundary.

Command modules are imported here to register themselves; they keep heavy imports inside
their function bodies so `iac-gen --help` and `validate` start fast.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import typer

from iac_gen import __version__, interrupts
from iac_gen.diagnostics import Diagnostic, InputError, Location
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
        import_cmd,
        lint,
        plan,
        report,
        rules,
        schema,
        validate,
        whatif,
    )


def _crash_log(exc: BaseException) -> Path:
    import tempfile

    fd, name = tempfile.mkstemp(prefix="iac-gen-crash-", suffix=".log")
    with open(fd, "w", encoding="utf-8") as fh:
        fh.write(f"iac-gen {__version__} on Python {sys.version}\n")
        fh.write("".join(traceback.format_exception(exc)))
    return Path(name)


def _click_exceptions() -> Any:
    """Click's exception classes: vendored by newer Typer (`typer._click`), else `click`."""
    import importlib

    core = importlib.import_module("typer.core")
    click = getattr(core, "_click", None) or importlib.import_module("click")
    return click.exceptions


def usage_diagnostic(exc: BaseException, argv: list[str] | None = None) -> Diagnostic | None:
    """A Click usage error as one diagnostic line (`iac-gen lint:0:0: error IAC342 ...`).

    None for anything that is not a usage error (and for "no arguments: show the help").
    """
    from iac_gen.spec.one_line import one_line

    click = _click_exceptions()
    if not isinstance(exc, click.UsageError) or type(exc).__name__ == "NoArgsIsHelpError":
        return None
    if isinstance(exc, click.MissingParameter):
        code = "IAC341"
    elif isinstance(exc, click.BadParameter):
        code = "IAC342"
    elif isinstance(exc, click.BadOptionUsage) and "requires an argument" in exc.message:
        code = "IAC341"
    else:
        code = "IAC340"
    if exc.ctx is not None:
        command = exc.ctx.command_path
    else:  # the option parser raises without a context: name the command from the arguments
        words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
        known = typer.main.get_command(app).commands  # type: ignore[attr-defined]
        command = f"iac-gen {words[0]}" if words and words[0] in known else "iac-gen"
    message = " ".join(exc.format_message().split())
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    (diag,) = one_line([Diagnostic(code, message, Location(command))])
    return diag


def main() -> None:
    """Console-script entry point: run the app, map errors to the exit-code contract.

    Click runs in non-standalone mode so its usage errors reach this boundary and are
    printed as one diagnostic line (exit 2) instead of Click's usage block.
    """
    _register()
    interrupts.install()  # SIGINT/SIGTERM: exit 130/143, never a half-written output
    try:
        code = app(prog_name="iac-gen", standalone_mode=False)
    except InputError as exc:
        for diag in exc.diagnostics:
            typer.echo(str(diag), err=True)
        sys.exit(ExitCode.INVALID)
    except KeyboardInterrupt:
        typer.echo("iac-gen: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the one place a crash becomes a one-line message
        usage = usage_diagnostic(exc)
        if usage is not None:
            typer.echo(str(usage), err=True)
            sys.exit(ExitCode.INVALID)
        click = _click_exceptions()
        if isinstance(exc, click.ClickException):  # no arguments (help), file errors
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.Abort):  # end of input at a prompt
            typer.echo("iac-gen: aborted", err=True)
            sys.exit(1)
        log = _crash_log(exc)
        typer.echo(f"iac-gen: internal error: {type(exc).__name__}; traceback in {log}", err=True)
        sys.exit(ExitCode.INTERNAL)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)
