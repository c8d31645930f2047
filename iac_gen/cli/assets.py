"""`iac-gen assets`: the local code and model folders of specs, their content hashes, where
they go in the workspace's blob datastore, and the upload commands a pipeline runs before
`az deployment group create` (ARM cannot upload files)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from iac_gen.cli import options
from iac_gen.cli.app import app

FORMAT = typer.Option("text", "--format", help="text (upload commands) or json (one record each).")


@app.command(
    "assets", help="Local code/model folders: content hashes, blob paths, upload commands."
)
def assets_command(
    specs: list[Path] = options.SPECS,
    output_format: str = FORMAT,
    subscription: str | None = options.SUBSCRIPTION,
    resource_group: str | None = options.RESOURCE_GROUP,
    workspace: str | None = options.WORKSPACE,
    location: str | None = options.LOCATION,
    env: str | None = options.ENV,
) -> None:
    from iac_gen.desired.local_assets import local_assets, upload_commands
    from iac_gen.diagnostics import error
    from iac_gen.spec.load import load_specs
    from iac_gen.spec.overlay import resolve

    if output_format not in ("text", "json"):
        raise error(
            "IAC323", f"unknown --format {output_format!r}; expected text or json", "iac-gen"
        )
    overrides = options.target_overrides(subscription, resource_group, workspace, location)
    found = [a for spec in load_specs(specs, overrides) for a in local_assets(resolve(spec, env))]
    if output_format == "json":
        typer.echo(json.dumps([a.to_dict() for a in found], indent=2, sort_keys=True))
        return
    if not found:
        typer.echo("# no local code or model folders")
    for asset in found:
        typer.echo(
            f"# {asset.endpoint}/{asset.deployment} {asset.role} {asset.path}: "
            f"hash_sha256 {asset.content_hash} (hash_version 202208)"
        )
        for line in upload_commands(asset):
            typer.echo(line)
