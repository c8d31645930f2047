"""`iac-gen rollout`: a blue/green traffic shift as parameters files for the compiled template.

Writes, under `DIR/<endpoint>/` (next to `compile`'s `main.json`), one parameters file per
step and for the rollback, `rollout.json` and `rollout.md`; all of them or none. Bad options
are one line each (IAC316-319), exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from iac_gen.cli import options
from iac_gen.cli.app import app

if TYPE_CHECKING:
    from iac_gen.spec.model import Spec


@app.command(
    "rollout",
    help="Plan a blue/green traffic shift in steps: one parameters file per step (and the "
    "rollback) for the compiled template, with the gate to hold before each next step; "
    "writes rollout.json and rollout.md.",
)
def rollout_command(
    specs: list[Path] = options.SPECS,
    source: str = typer.Option(..., "--from", help="Deployment the traffic moves away from."),
    target: str = typer.Option(..., "--to", help="Deployment the traffic moves to."),
    steps: str = typer.Option(
        ..., "--steps", help="Percent of the traffic moved at each step, rising to 100: 10,50,100."
    ),
    mirror_first: bool = typer.Option(
        False,
        "--mirror-first",
        help="Start with a step that mirrors a copy of live requests to --to (managed "
        "endpoints only).",
    ),
    mirror_percent: int | None = typer.Option(
        None,
        "--mirror-percent",
        help="Mirror share of the first step (1-50; default: the spec's mirror traffic to "
        "--to, else the first step's share).",
    ),
    out: Path = typer.Option(
        ..., "-o", "--out", help="Output folder (compile's); one subfolder per endpoint."
    ),
    env: str | None = options.ENV,
    subscription: str | None = options.SUBSCRIPTION,
    resource_group: str | None = options.RESOURCE_GROUP,
    workspace: str | None = options.WORKSPACE,
    location: str | None = options.LOCATION,
) -> None:
    from iac_gen.output_files import dumps_json, write_tree
    from iac_gen.plan.rollout import Request, build_rollout, parse_steps
    from iac_gen.plan.rollout_markdown import render
    from iac_gen.provenance import sha256_file
    from iac_gen.spec.load import load_specs
    from iac_gen.spec.one_line import escape

    request = Request(source, target, parse_steps(steps), mirror_first, mirror_percent)
    overrides = options.target_overrides(subscription, resource_group, workspace, location)
    spec = _one_endpoint(load_specs(specs, overrides))
    inputs = [
        {"role": "spec", "path": Path(p).as_posix(), "sha256": sha256_file(Path(p))}
        for p in (spec.files or (spec.source,))
    ]
    doc, params = build_rollout(spec, request, env, inputs=inputs)
    ep = spec.endpoint.name
    files = {f"{ep}/{name}": dumps_json(body) for name, body in params.items()}
    files[f"{ep}/rollout.json"] = dumps_json(doc)
    files[f"{ep}/rollout.md"] = render(doc)
    write_tree(out, files, stale=_stale)
    _echo_steps(doc)
    typer.echo(f"wrote {escape(str(out / ep))} ({len(files)} files)")


def _one_endpoint(loaded: list[Spec]) -> Spec:
    """The one spec a rollout moves traffic in; IAC319 for more than one endpoint."""
    from iac_gen.diagnostics import error

    if len(loaded) != 1:
        names = ", ".join(s.endpoint.name for s in loaded)
        raise error(
            "IAC319",
            f"a rollout moves one endpoint's traffic, but {len(loaded)} endpoints were given "
            f"({names}); give one endpoint's files",
            "iac-gen",
        )
    return loaded[0]


def _stale(rel: str) -> bool:
    """Step files of an earlier rollout with other steps are removed with this one."""
    from iac_gen.plan.rollout import ROLLOUT_FILES

    name = rel.rsplit("/", 1)[-1]
    return name in ROLLOUT_FILES or (
        name.startswith("rollout-") and name.endswith(".parameters.json")
    )


def _echo_steps(doc: dict[str, Any]) -> None:
    """One line per step and one for the rollback: traffic, mirror traffic, file."""
    from iac_gen.spec.one_line import escape

    for step in doc["steps"]:
        typer.echo(
            f"step {step['number']} {step['kind']:<6} traffic {escape(_split(step['traffic']))}"
            f"; mirror {escape(_split(step['mirror_traffic']))} -> {step['parameters_file']}"
        )
    typer.echo(
        f"rollback       traffic {escape(_split(doc['rollback']['traffic']))} -> "
        f"{doc['rollback']['parameters_file']}"
    )


def _split(traffic: dict[str, int]) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(traffic.items())) or "none"
