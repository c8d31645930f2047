"""`iac-gen lint` (being built; see the open issue)."""

from __future__ import annotations

import typer

from iac_gen.cli.app import app


@app.command("lint", help="(not available yet)")
def lint_command() -> None:
    typer.echo("iac-gen lint: not available yet", err=True)
    raise typer.Exit(4)
