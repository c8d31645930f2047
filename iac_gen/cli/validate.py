"""`iac-gen validate` (being built; see the open issue)."""

from __future__ import annotations

import typer

from iac_gen.cli.app import app


@app.command("validate", help="(not available yet)")
def validate_command() -> None:
    typer.echo("iac-gen validate: not available yet", err=True)
    raise typer.Exit(4)
