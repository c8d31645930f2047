"""`iac-gen schema` (being built; see the open issue)."""

from __future__ import annotations

import typer

from iac_gen.cli.app import app


@app.command("schema", help="(not available yet)")
def schema_command() -> None:
    typer.echo("iac-gen schema: not available yet", err=True)
    raise typer.Exit(4)
