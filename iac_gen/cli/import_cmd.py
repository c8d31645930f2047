"""`iac-gen import`: specs from what already runs (native single files or CLI v2 YAML).

Everything is built and checked in memory; then all files are written or none. What the
specs could not say is printed (and written as comments in the files). Exit 3 when the live
input could not be read completely or a resource was not settled: the specs may miss it.
"""

from __future__ import annotations

from pathlib import Path

import typer

from iac_gen.cli import options
from iac_gen.cli.app import app

LIVE = typer.Option(
    ...,
    "--live",
    help="Live state: an export bundle, ARM GET bodies, "
    "`az ml ... show` output or Resource Graph rows.",
)
OUT = typer.Option(..., "-o", "--out", help="Output folder; one subfolder per workspace.")
FORMAT = typer.Option(
    "native",
    "--format",
    help="native (one spec file per endpoint) or cliv2 (endpoint.yml + one file per deployment).",
)
ENDPOINT = typer.Option(None, "--endpoint", help="Import only this endpoint (repeatable).")


@app.command("import", help="Write specs from what runs in Azure (read from a live input).")
def import_command(
    live: Path = LIVE,
    out: Path = OUT,
    format: str = FORMAT,
    endpoint: list[str] | None = ENDPOINT,
    subscription: str | None = options.SUBSCRIPTION,
    resource_group: str | None = options.RESOURCE_GROUP,
    workspace: str | None = options.WORKSPACE,
) -> None:
    from iac_gen.diagnostics import error
    from iac_gen.exit_codes import ExitCode
    from iac_gen.importer import FORMATS, import_live
    from iac_gen.live import read_live
    from iac_gen.output_files import write_tree
    from iac_gen.secrets import redact_text

    if format not in FORMATS:
        raise error(
            "IAC323",
            f"unknown --format {format!r}; expected one of {', '.join(FORMATS)}",
            "iac-gen import",
        )
    target = options.target_overrides(subscription, resource_group, workspace, None)
    state = read_live(live, target)
    result = import_live(state, format=format, endpoints=endpoint or ())
    if endpoint and not result.endpoints:
        raise error(
            "IAC418", f"no endpoint named {', '.join(endpoint)} in the live input", str(live)
        )
    if result.files:
        write_tree(out, result.files)
    for rel in result.endpoints:
        typer.echo(f"wrote {out / rel}")
    for rel, message in result.notes:
        typer.echo(f"note: {out / rel}: {redact_text(message)}")
    for line in result.aside:
        typer.echo(f"not imported: {redact_text(line)}")
    for line in result.incomplete:
        typer.echo(f"incomplete: {redact_text(line)}", err=True)
    if not result.endpoints:
        typer.echo("no endpoint found in the live input; nothing written", err=True)
    if result.incomplete:
        raise typer.Exit(ExitCode.INCOMPLETE)
