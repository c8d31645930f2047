"""`iac-gen plan`: what deploying the compiled template would change, with its hazards.

Exit codes: 0 no change, 1 changes planned, 2 invalid input, 3 live state incomplete (a plan
over state that could not be read is never "no change").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from iac_gen.cli import options
from iac_gen.cli.app import app

SHOWN = 40


@app.command(
    "plan",
    help="Show what a deploy of the compiled template would change in the live endpoint, in "
    "order, with its hazards; --report writes the plan evidence (JSON, Markdown, HTML, SARIF, "
    "JUnit) with a manifest of hashes.",
)
def plan_command(
    specs: list[Path] = options.SPECS,
    live: Path = typer.Option(..., "--live", help="Live state file (e.g. from `iac-gen export`)."),
    env: str | None = options.ENV,
    report: Path | None = typer.Option(
        None,
        "--report",
        help="Folder for plan.json, plan.md, plan.html, plan.sarif, plan.junit.xml and "
        "manifest.json (hashes of the inputs and of every plan file).",
    ),
    write_params: Path | None = typer.Option(
        None,
        "--write-params",
        help="Write an ARM parameters file holding the values the pipeline must pass "
        "(endpointExists, live instance counts of autoscaled deployments).",
    ),
    subscription: str | None = options.SUBSCRIPTION,
    resource_group: str | None = options.RESOURCE_GROUP,
    workspace: str | None = options.WORKSPACE,
    location: str | None = options.LOCATION,
    traffic: str | None = options.TRAFFIC,
    mirror_traffic: str | None = options.MIRROR_TRAFFIC,
) -> None:
    from iac_gen.drift.inputs import load_inputs
    from iac_gen.output_files import dumps_json, write_file
    from iac_gen.plan.build import plan

    overrides = options.target_overrides(subscription, resource_group, workspace, location)
    # A rollout step's split (rollout.md prints it): the plan of that step shows only traffic.
    overrides.update(options.traffic_overrides(traffic, mirror_traffic))
    loaded, live_state = load_inputs(specs, live, overrides)
    result = plan(loaded, live_state, env)
    if report is not None:
        from iac_gen.report.plan_evidence import write_plan_evidence

        spec_files = list(dict.fromkeys(f for s in loaded for f in (s.files or (s.source,))))
        write_plan_evidence(result, report, inputs=[*spec_files, live], sources=spec_files)
    if write_params is not None:
        write_file(write_params, dumps_json(parameters_file(result)))
    typer.echo(summary(result))
    code = {"no_change": 0, "changes": 1, "incomplete": 3}[result["status"]]
    raise typer.Exit(code)


def parameters_file(result: dict[str, Any]) -> dict[str, Any]:
    """An ARM deployment parameters file; one endpoint's values (several specs: merged by name)."""
    values: dict[str, Any] = {}
    for _endpoint, params in sorted(result["parameters"].items()):
        values.update(params)
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {name: {"value": value} for name, value in sorted(values.items())},
    }


def summary(result: dict[str, Any]) -> str:
    from iac_gen.spec.one_line import escape

    lines = [f"plan: {result['status']}"]
    shown = [s for s in result["steps"] if s["action"] not in ("no_change",)]
    for step in shown[:SHOWN]:
        lines.append(f"  {step['action']:<11} {step['phase']:<10} {escape(step['resource'])}")
        for c in step["changes"][:SHOWN]:
            lines.append(
                f"      {c['field']}: {_shown(c['from'])} -> {_shown(c['to'])} ({c['severity']})"
            )
    for h in result["hazards"]:
        lines.append(f"  {h['severity'].upper():<8} {h['hazard']} {escape(h['message'])}")
    for e in result["errors"][:SHOWN]:
        lines.append(f"  not checked: {escape(str(e['resource']))}: {escape(str(e['reason']))}")
    return "\n".join(lines)


def _shown(value: Any) -> str:
    from iac_gen.spec.one_line import escape

    return "(unset)" if value is None else escape(repr(value))
