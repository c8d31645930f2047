"""`iac-gen assets`: the local code and model folders of specs, their content hashes, where
they go in the workspace's blob datastore, and the upload commands a pipeline runs before
`az deployment group create` (ARM cannot upload files), each followed by the template
parameter that takes the uploaded folder's URI and the value to pass (`blueCodeUri=...`),
and the asset version the template registers from it."""

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
    found_targets = [
        (a, vars(resolved.target))
        for spec in load_specs(specs, overrides)
        for resolved in [resolve(spec, env)]
        for a in local_assets(resolved)
    ]
    found = [a for a, _ in found_targets]
    if output_format == "json":
        typer.echo(json.dumps([a.to_dict() for a in found], indent=2, sort_keys=True))
        return
    if not found:
        typer.echo("# no local code or model folders")
    for asset, target in found_targets:
        typer.echo(
            f"# {asset.endpoint}/{asset.deployment} {asset.role} {asset.path}: "
            f"hash_sha256 {asset.content_hash} (hash_version 202208)"
        )
        if asset.asset_id is not None:
            typer.echo(f"# registers {asset.asset_id}")
        if asset.shared_with is not None:
            typer.echo(
                f"# same asset version as {asset.shared_with}'s: its parameter "
                f"{asset.uri_parameter} already carries it"
            )
        for line in upload_commands(asset):
            typer.echo(line)
        typer.echo(f'{asset.uri_parameter}="{asset.uri_value(target)}"')
