"""`iac-gen drift` (being built; see the open issue)."""

from __future__ import annotations

import typer

from iac_gen.cli.app import app


@app.command("drift", help="(not available yet)")
def drift_command() -> None:
    typer.echo("iac-gen drift: not available yet", err=True)
    raise typer.Exit(4)
