"""`iac-gen export` (being built; see the open issue)."""

from __future__ import annotations

import typer

from iac_gen.cli.app import app


@app.command("export", help="(not available yet)")
def export_command() -> None:
    typer.echo("iac-gen export: not available yet", err=True)
    raise typer.Exit(4)
