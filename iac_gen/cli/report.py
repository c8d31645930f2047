"""`iac-gen report` (being built; see the open issue)."""

from __future__ import annotations

import typer

from iac_gen.cli.app import app


@app.command("report", help="(not available yet)")
def report_command() -> None:
    typer.echo("iac-gen report: not available yet", err=True)
    raise typer.Exit(4)
