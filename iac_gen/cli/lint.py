"""`iac-gen lint`: run the rule catalog over specs; exit 1 when a finding reaches --fail-on.

Text goes to stdout (or `-o FILE`); JSON is the lint result document; SARIF and JUnit are
rendered from that document by the report modules.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from iac_gen.cli import options, progress
from iac_gen.cli.app import app
from iac_gen.exit_codes import ExitCode
from iac_gen.report.registry import REPORTERS

# text, then every format the report registry renders lint results in, then the CI formats.
LintFormat = StrEnum(  # type: ignore[misc]
    "LintFormat",
    {
        name: name
        for name in (
            "text",
            *(r.name for r in REPORTERS.values() if r.renders_lint),
            *options.CI_FORMATS,
        )
    },
)


@app.command("lint", help="Check specs against the lint rule catalog (see `iac-gen rules`).")
def lint_command(
    specs: list[Path] = options.SPECS,
    fail_on: options.Severity | None = typer.Option(
        None,
        "--fail-on",
        help="Exit 1 when an unsuppressed finding is at or above this (default high, or "
        "fail_on from iac-gen.toml / IAC_GEN_FAIL_ON).",
        show_default=False,
    ),
    select: list[str] = typer.Option(
        [], "--select", help="Only these rules (id or id prefix); repeatable."
    ),
    ignore: list[str] = typer.Option(
        [], "--ignore", help="Skip these rules (id or id prefix); repeatable."
    ),
    output_format: LintFormat = typer.Option(
        LintFormat("text"),
        "--format",
        help="text, json (lint result), sarif, junit, github (workflow commands), azure "
        "(Azure Pipelines logging commands), or auto (github under GitHub Actions, azure "
        "under Azure Pipelines, else text).",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report to this file instead of stdout."
    ),
    env: str | None = options.ENV,
    subscription: str | None = options.SUBSCRIPTION,
    resource_group: str | None = options.RESOURCE_GROUP,
    workspace: str | None = options.WORKSPACE,
    location: str | None = options.LOCATION,
    quiet: bool = progress.QUIET,
    verbose: bool = progress.VERBOSE,
) -> None:
    """Read, lint, write the report, pick the exit code.

    Long because its signature is the command's option list (Typer reads the options from
    the parameters); the body is short.
    """
    from iac_gen.rules.runner import render_text, run_lint
    from iac_gen.spec.load import load_specs
    from iac_gen.spec.overlay import resolve

    found = options.settings()
    severity = str(found.pick("fail_on", fail_on.value if fail_on else None, "high"))
    env = found.pick("environment", env)
    overrides = options.target_overrides(subscription, resource_group, workspace, location)
    shown = progress.Progress.from_flags("iac-gen lint", quiet, verbose)
    with shown.phase("reading specs"):
        loaded = [resolve(spec, env) for spec in load_specs(specs, overrides)]
    for spec in loaded if shown.level >= 2 else ():
        for path in spec.files or (spec.source,):
            shown.detail(f"read spec {path}")
    with shown.phase(f"linting {len(loaded)} spec(s)"):
        result = run_lint(loaded, select=select, ignore=ignore)
    shown.summary()

    chosen = output_format.value
    if chosen == "auto":
        import os

        from iac_gen.report.annotations import detect

        chosen = detect(os.environ)
    report = _report(chosen, result, severity, env)

    if output is None:
        typer.echo(report, nl=False)
        if chosen in ("github", "azure"):  # stdout holds only the commands; the verdict
            typer.echo(_shown(render_text(result, severity).splitlines()[-1]), err=True)
    else:
        from iac_gen.output_files import write_file

        write_file(output, report)
        typer.echo(_shown(render_text(result, severity).splitlines()[-1]), err=True)
    raise typer.Exit(ExitCode.FINDINGS if result.fails(severity) else ExitCode.OK)


def _report(chosen: str, result: Any, severity: str, env: str | None) -> str:
    """The lint result in the chosen format: text, workflow commands, or an evidence format."""
    from iac_gen.rules.runner import render_text

    if chosen == "text":
        return _shown(render_text(result, severity))
    data = result.to_dict(fail_on=severity, environment=env)
    if chosen in ("github", "azure"):
        from iac_gen.report import annotations

        return annotations.render(annotations.lint_annotations(data), chosen)
    from iac_gen.report.evidence import evidence_context, render_lint

    sources = [Path(str(i["path"])) for i in data.get("inputs") or [] if i.get("path")]
    return render_lint(chosen, data, evidence_context(sources))


def _shown(text: str) -> str:
    """Text lines with control characters and bidi overrides escaped (file names and messages
    come from the specs), line breaks kept."""
    from iac_gen.spec.one_line import escape

    return "\n".join(escape(line) for line in text.split("\n"))
