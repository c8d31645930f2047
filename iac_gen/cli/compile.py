"""`iac-gen compile`: specs -> ARM JSON, Bicep, parameter files and the desired state.

Everything is rendered and checked in memory first; then all files are written or none.
"""

from __future__ import annotations

from pathlib import Path

import typer

from iac_gen.cli import options, progress
from iac_gen.cli.app import app

TARGET = typer.Option(
    "all",
    "--target",
    help="What to write: arm (main.json + parameters), bicep (main.bicep + .bicepparam), "
    "resources (resources.json, the desired state) or all.",
)
OUT = typer.Option(..., "-o", "--out", help="Output folder; one subfolder per endpoint.")
COMPILE_ENV = typer.Option(
    None,
    "--env",
    help="Environment whose concrete values go into resources.json "
    "(templates always carry every environment as parameter files).",
)


@app.command(
    "compile", help="Compile specs to ARM JSON, Bicep, parameter files and resources.json."
)
def compile_command(
    specs: list[Path] = options.SPECS,
    out: Path = OUT,
    env: str | None = COMPILE_ENV,
    target: str = TARGET,
    subscription: str | None = options.SUBSCRIPTION,
    resource_group: str | None = options.RESOURCE_GROUP,
    workspace: str | None = options.WORKSPACE,
    location: str | None = options.LOCATION,
    traffic: str | None = options.TRAFFIC,
    mirror_traffic: str | None = options.MIRROR_TRAFFIC,
    quiet: bool = progress.QUIET,
    verbose: bool = progress.VERBOSE,
) -> None:
    from iac_gen.diagnostics import error
    from iac_gen.emit import compile as emit
    from iac_gen.emit.compile import TARGETS
    from iac_gen.spec.load import load_specs
    from iac_gen.spec.one_line import escape

    if target not in TARGETS:
        raise error(
            "IAC323",
            f"unknown --target {target!r}; expected one of {', '.join(TARGETS)}",
            "iac-gen",
        )
    overrides = options.target_overrides(subscription, resource_group, workspace, location)
    overrides.update(options.traffic_overrides(traffic, mirror_traffic))
    shown = progress.Progress.from_flags("iac-gen compile", quiet, verbose)
    with shown.phase("reading specs"):
        loaded = load_specs(specs, overrides)
    for spec in loaded if shown.level >= 2 else ():
        for path in spec.files or (spec.source,):
            shown.detail(f"read spec {path}")
    with shown.phase(f"compiling {len(loaded)} spec(s)"):
        files = emit.compile_specs(loaded, env=env, target=target)
    with shown.phase(f"writing {len(files)} files to {out}"):
        emit.write_compiled(out, files)
    shown.summary()
    counts: dict[str, int] = {}
    for rel in files:
        endpoint = rel.split("/", 1)[0]
        counts[endpoint] = counts.get(endpoint, 0) + 1
    for endpoint, count in counts.items():
        typer.echo(f"wrote {escape(str(out / endpoint))} ({count} files)")
