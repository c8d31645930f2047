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


def versions() -> dict[str, Any]:
    """What a pipeline pins or an auditor records: the tool, the normalisation tables, the
    lint rule catalogue and every document schema this build reads or writes.

    The rule catalogue has no version number of its own, so it is identified by its size
    and a digest of its rules' ids, severities and titles: any change to a rule changes it.
    """
    import hashlib
    import json

    from iac_gen.drift.analysis import SCHEMA_VERSION as DRIFT_SCHEMA
    from iac_gen.drift.tables import NORMALISATION_VERSION
    from iac_gen.live.bundle import SCHEMA_VERSION as BUNDLE_SCHEMA
    from iac_gen.plan.model import SCHEMA_VERSION as PLAN_SCHEMA
    from iac_gen.report.manifest import MANIFEST_SCHEMA_VERSION
    from iac_gen.resources import schemas_dir
    from iac_gen.rules.registry import all_rules
    from iac_gen.rules.runner import SCHEMA_VERSION as LINT_SCHEMA

    rules = sorted((r.id, str(r.severity), str(r.title)) for r in all_rules())
    digest = hashlib.sha256(json.dumps(rules).encode("utf-8")).hexdigest()[:16]
    spec_id = json.loads((schemas_dir() / "spec.schema.json").read_text(encoding="utf-8"))["$id"]
    return {
        "tool": {"name": "iac-gen", "version": __version__},
        "python": sys.version.split()[0],
        "normalisation_version": NORMALISATION_VERSION,
        "rule_catalog": {"rules": len(rules), "digest": digest},
        "schemas": {
            "spec": str(spec_id).rsplit(":", 1)[-1],
            "drift_result": DRIFT_SCHEMA,
            "lint_result": LINT_SCHEMA,
            "plan": PLAN_SCHEMA,
            "export_bundle": BUNDLE_SCHEMA,
            "manifest": MANIFEST_SCHEMA_VERSION,
        },
    }


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="With --version: print the tool, normalisation, rule catalogue and schema "
        "versions as JSON.",
    ),
) -> None:
    """Top-level options."""
    if version:
        if as_json:
            from iac_gen.output_files import dumps_json

            typer.echo(dumps_json(versions()), nl=False)
        else:
            typer.echo(f"iac-gen {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:  # `iac-gen --json` alone: show what there is
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


# Each command's name and the module of `iac_gen.cli` that registers it, in the order
# `iac-gen --help` lists them.
COMMAND_MODULES = {
    "assets": "assets",
    "compile": "compile",
    "config": "config_cmd",
    "drift": "drift",
    "export": "export",
    "import": "import_cmd",
    "lint": "lint",
    "merge": "merge",
    "plan": "plan",
    "report": "report",
    "rollout": "rollout",
    "rules": "rules",
    "schema": "schema",
    "validate": "validate",
    "whatif": "whatif",
}


def _register() -> None:
    """Import every command module (each registers its command on `app`)."""
    import importlib

    for module in COMMAND_MODULES.values():
        importlib.import_module(f"iac_gen.cli.{module}")
    # a command registered alone first (`_register_invoked`) keeps its place in the help
    order = list(COMMAND_MODULES)
    app.registered_commands.sort(
        key=lambda c: order.index(c.name) if c.name in order else len(order)
    )


def _register_invoked(argv: list[str]) -> bool:
    """Register only the command `argv` starts with, if it names one: the other commands'
    modules are not imported and Typer builds only this command's options. False (nothing
    registered) for anything else: help, `--version`, a misspelt command."""
    import importlib

    module = COMMAND_MODULES.get(argv[0]) if argv else None
    if module is None:
        return False
    importlib.import_module(f"iac_gen.cli.{module}")
    return True


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


def _abort_class() -> type[BaseException]:
    """Click's `Abort`: in `click.exceptions`, or in `typer.exceptions` where Typer vendors
    Click (0.28 keeps `Abort` out of its `_click.exceptions`)."""
    import importlib

    found = getattr(_click_exceptions(), "Abort", None)
    if found is None:
        found = getattr(importlib.import_module("typer.exceptions"), "Abort", None)
    return found if isinstance(found, type) else KeyboardInterrupt


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


_HELD: list[Any] | None = None
"""What a command handed to `hold_until_exit`, kept while the process ends without teardown
(`run`); None in-process (tests, callers of `main`), where nothing is held."""


def hold_until_exit(*objects: Any) -> None:
    """Keep `objects` alive until the process ends, when it ends without teardown (`run`).

    A command's locals are freed as its exception (`typer.Exit`) leaves its frame - before
    `run` can skip the teardown - and a fleet's specs, live state and result are millions of
    small objects: freeing them one by one cost 0.25 s at the end of a 10,000-endpoint drift,
    after every file was written. Held here they go with the process. In-process nothing is
    held, so a caller running commands in a loop frees each one's objects as usual."""
    if _HELD is not None:
        _HELD.extend(objects)


def run() -> None:
    """Console-script entry point: `main`, then the process ends as soon as its output is out.

    A fleet run still holds millions of objects when the command is done; letting the
    interpreter free them one by one (and collect them once more) cost 0.3 s after a
    10,000-endpoint drift, and changes nothing: every file is written and closed by then, and
    no exit hook is registered. So the streams are flushed and the process leaves with the
    exit code `main` set. `main` itself keeps raising SystemExit, for callers in-process."""
    global _HELD
    _HELD = []  # the process ends with os._exit below: what commands hold goes with it
    try:
        main()
        code: Any = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):  # as the interpreter shows it
        print(code, file=sys.stderr)
        code = 1
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        # A reader that went away or a closed stream is no error here, as at a normal exit.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()

    os._exit(code or 0)


def main() -> None:
    """Entry point of the app in-process: run it, map errors to the exit-code contract.

    Click runs in non-standalone mode so its usage errors reach this boundary and are
    printed as one diagnostic line (exit 2) instead of Click's usage block.
    """
    if not _register_invoked(sys.argv[1:]):
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
        if isinstance(exc, _abort_class()):  # end of input at a prompt
            typer.echo("iac-gen: aborted", err=True)
            sys.exit(1)
        log = _crash_log(exc)
        typer.echo(f"iac-gen: internal error: {type(exc).__name__}; traceback in {log}", err=True)
        sys.exit(ExitCode.INTERNAL)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)
