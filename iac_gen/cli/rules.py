"""`iac-gen rules` (being built; see the open issue)."""

from __future__ import annotations

import typer

from iac_gen.cli.app import app


@app.command("rules", help="(not available yet)")
def rules_command() -> None:
    typer.echo("iac-gen rules: not available yet", err=True)
    raise typer.Exit(4)
