"""`iac-gen compile` (being built; see the open issue)."""

from __future__ import annotations

import typer

from iac_gen.cli.app import app


@app.command("compile", help="(not available yet)")
def compile_command() -> None:
    typer.echo("iac-gen compile: not available yet", err=True)
    raise typer.Exit(4)
