"""`iac-gen schema`: print the spec's JSON Schema (for editors' yaml-language-server)."""

from __future__ import annotations

import typer

from iac_gen.cli.app import app


@app.command("schema", help="Print the JSON Schema of the native spec (for editor completion).")
def schema_command() -> None:
    from iac_gen.output_files import dumps_json
    from iac_gen.resources import load_schema

    typer.echo(dumps_json(load_schema("spec.schema.json")), nl=False)
