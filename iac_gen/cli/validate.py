"""`iac-gen validate`: load every spec, check schema and meaning, print one line per endpoint.

Problems surface as `InputError` and the app's error boundary prints them (exit 2).
"""

from __future__ import annotations

from pathlib import Path

import typer

from iac_gen.cli import options
from iac_gen.cli.app import app


@app.command(
    "validate", help="Check spec files (native or Azure ML CLI v2 YAML): schema and meaning."
)
def validate_command(
    specs: list[Path] = options.SPECS,
    subscription: str | None = options.SUBSCRIPTION,
    resource_group: str | None = options.RESOURCE_GROUP,
    workspace: str | None = options.WORKSPACE,
    location: str | None = options.LOCATION,
    env: str | None = options.ENV,
    traffic: str | None = options.TRAFFIC,
    mirror_traffic: str | None = options.MIRROR_TRAFFIC,
) -> None:
    from iac_gen.spec.load import load_specs
    from iac_gen.spec.one_line import escape
    from iac_gen.spec.overlay import resolve

    overrides = options.target_overrides(subscription, resource_group, workspace, location)
    overrides.update(options.traffic_overrides(traffic, mirror_traffic))
    loaded = load_specs(specs, overrides)
    resolved = [resolve(spec, env) for spec in loaded]  # all checked before anything prints
    for spec, shown in zip(loaded, resolved, strict=True):
        count = len(shown.deployments)
        noun = "deployment" if count == 1 else "deployments"
        where = f", environment {env}" if env is not None else ""
        # a file name may hold terminal escapes: shown escaped, like in diagnostics
        typer.echo(escape(f"ok {spec.source} ({shown.endpoint.name}, {count} {noun}{where})"))
