"""`iac-gen drift`: compare live Azure state with the design, print a verdict, write evidence.

Exit codes (contract): 0 in sync (or drift below `--fail-on`, or all of it waived); 1 drift
at or above `--fail-on` (default `info`: any unwaived drift fails); 2 invalid input, nothing
written; 3 live state incomplete (`not_checked`, never reported as in sync).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from iac_gen.cli import options, progress
from iac_gen.cli.app import app
from iac_gen.report.registry import REPORTERS, formats_help

FORMATS = tuple(REPORTERS)  # the report registry is the one list of formats
SHOWN_FINDINGS = 20


@app.command(
    "drift",
    help="Compare live Azure state (an export bundle, ARM GET bodies, CLI v2 or Resource Graph "
    "output) with the specs; print a verdict and write drift.json plus reports with --report.",
)
def drift_command(
    specs: list[Path] = options.SPECS,
    live: Path = typer.Option(..., "--live", help="Live state file (e.g. from `iac-gen export`)."),
    env: str | None = options.ENV,
    waivers: Path | None = typer.Option(
        None,
        "--waivers",
        help="YAML file of accepted drift (id, resource, field, reason, "
        "approver, ticket, expires).",
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Folder for drift.json, the report formats and manifest.json."
    ),
    formats: list[options.DriftFormat] = typer.Option(
        [],
        "--format",
        help="Report format (repeatable). With --report: the formats to write (default: "
        "all; drift.json is always written). Without --report: one format, printed to "
        "standard output (the verdict goes to standard error). " + formats_help() + "; "
        "github: workflow commands; azure: Azure Pipelines logging commands (printed to "
        "standard output also with --report); auto: github under GitHub Actions, azure "
        "under Azure Pipelines, else the text verdict.",
    ),
    fail_on_choice: options.Severity | None = typer.Option(
        None,
        "--fail-on",
        help="Lowest severity of unwaived drift that fails (exit 1). Default info: any drift "
        "(or fail_on from iac-gen.toml / IAC_GEN_FAIL_ON).",
        show_default=False,
    ),
    subscription: str | None = options.SUBSCRIPTION,
    resource_group: str | None = options.RESOURCE_GROUP,
    workspace: str | None = options.WORKSPACE,
    location: str | None = options.LOCATION,
    traffic: str | None = options.TRAFFIC,
    mirror_traffic: str | None = options.MIRROR_TRAFFIC,
    policy: list[str] = options.POLICY,
    redact_actors: bool = typer.Option(
        False,
        "--redact-actors",
        help="Show who changed each finding (from an export made with --changes) by "
        "pseudonym (actor-1, actor-2, ...) instead of by name, e-mail or object id.",
    ),
    quiet: bool = progress.QUIET,
    verbose: bool = progress.VERBOSE,
) -> None:
    """Long because a Typer command's options are its signature (one parameter per option,
    with its help); the body reads settings, loads, compares, writes and prints in order."""
    from iac_gen.drift import analyse, paused_collector
    from iac_gen.drift.analysis import failing_findings, gate_exit_code
    from iac_gen.drift.inputs import load_inputs
    from iac_gen.drift.waivers import blanket_warnings, load_waivers
    from iac_gen.report.redact import redact_result
    from iac_gen.spec.one_line import escape

    found = options.settings()  # iac-gen.toml / IAC_GEN_*: below the command line
    fail_on = str(found.pick("fail_on", fail_on_choice.value if fail_on_choice else None, "info"))
    env = found.pick("environment", env)
    picked = found.pick("waivers", str(waivers) if waivers is not None else None)
    waivers = Path(picked) if picked else None
    picked = found.pick("report", str(report) if report is not None else None)
    report = Path(picked) if picked else None
    asked = [str(f.value) for f in formats] or list(found.get("formats") or [])
    console = _console_format(asked)
    files = [f for f in asked if f not in options.CI_FORMATS]
    if report is None and len(files) + (console is not None) > 1:
        raise _usage(
            "IAC343",
            f"--format {' '.join(asked)} without --report: give --report DIR to write "
            "several formats, or one --format to print it",
        )
    chosen = files or list(FORMATS)
    overrides = options.target_overrides(subscription, resource_group, workspace, location)
    overrides.update(options.traffic_overrides(traffic, mirror_traffic))
    policies = options.parse_policies(policy)
    waiver_set = load_waivers(waivers) if waivers is not None else None
    for warning in blanket_warnings(waiver_set):
        typer.echo(str(warning), err=True)
    shown = progress.Progress.from_flags("iac-gen drift", quiet, verbose)
    with shown.phase("reading specs and live state"):
        loaded, live_state = load_inputs(specs, live, overrides)
        loaded = options.with_policies(loaded, policies)
    if shown.level >= 2:
        for spec in loaded:
            for path in spec.files or (spec.source,):
                shown.detail(f"read spec {path}")
        fmt = getattr(live_state, "format", "") or "unknown shape"
        count = len(getattr(live_state, "resources", []) or [])
        shown.detail(f"read live {live} as {fmt} ({count} resources)")
        if waivers is not None:
            shown.detail(f"read waivers {waivers}")
    # Comparing and writing evidence make millions of small acyclic objects: no cyclic
    # collection meanwhile, as in the drift engine itself (`paused_collector`).
    with paused_collector():
        # Redacted once, here: the console verdict and every report see the same clean result.
        with shown.phase(f"comparing {len(loaded)} endpoint spec(s)"):
            result = redact_result(
                analyse(
                    loaded,
                    live_state,
                    waiver_set,
                    env,
                    fail_on=fail_on,
                    live_path=live,
                    redact_actors=redact_actors,
                )
            )
        # The loaded inputs are not freed before rendering: the process ends right after
        # writing (without tearing its objects down), and freeing a fleet's half a GiB of
        # small objects one by one cost 0.3 s of 10,000 endpoints' 7 s. Kept, they raise this
        # process's peak from about 700 to 790 MiB, below the peak of judging in two
        # processes (`drift.parts.SHARE_UP_TO_RESIDENT_MIB`).
        written: list[Path] = []
        from iac_gen.report.evidence import evidence_context, git_lookups, spec_inputs

        # Who and where (git provenance, host, CI run): once, for every format written or printed.
        context: dict[str, Any] = {}
        if report is not None or files:
            context = evidence_context(git_lookups(spec_inputs(result)))
        if report is not None:
            with shown.phase(f"writing evidence to {report}"):
                written = write_reports(result, report, chosen, context)
    shown.summary()
    stdout: str | None = None
    if console in ("github", "azure"):
        from iac_gen.report import annotations

        stdout = annotations.render(annotations.drift_annotations(result), console)
    elif report is None and files:
        from iac_gen.report.evidence import render_one

        stdout = render_one(files[0], result, context)
    # When stdout carries a format, it carries only that: the verdict goes to stderr.
    to_err = stdout is not None
    if stdout is not None:
        typer.echo(stdout, nl=not stdout.endswith("\n") and bool(stdout))
    typer.echo(verdict(result, failing_findings(result, fail_on), fail_on), err=to_err)
    for path in written:
        typer.echo(f"wrote {escape(str(path))}", err=to_err)
    from iac_gen.cli.app import hold_until_exit

    hold_until_exit(loaded, live_state, result)  # a fleet's objects go with the process
    raise typer.Exit(int(gate_exit_code(result, fail_on)))


def _console_format(asked: list[str]) -> str | None:
    """The CI format asked for (`auto` resolved from the environment), if any."""
    import os

    for name in asked:
        if name == "auto":  # the annotation writer is imported only when it may be used
            from iac_gen.report.annotations import detect

            found = detect(os.environ)
            return None if found == "text" else found
        if name in ("github", "azure"):
            return name
    return None


def _usage(code: str, message: str) -> Exception:
    from iac_gen.diagnostics import Diagnostic, InputError, Location

    return InputError([Diagnostic(code, message, Location("iac-gen drift"))])


def verdict(result: dict[str, Any], failing: list[dict[str, Any]], fail_on: str) -> str:
    """A few lines a person can act on: status, counts, the findings that fail the gate.

    `result` is the redacted result (`redact_result`), so messages never hold a secret.
    """
    res = result["summary"]["resources"]
    fnd = result["summary"]["findings"]
    from iac_gen.drift.waivers import waived_lines
    from iac_gen.severity import SEVERITIES
    from iac_gen.spec.one_line import escape

    lines = [
        f"drift: {result['status']}"
        + (f" (environment {result['environment']})" if result["environment"] else "")
    ]
    lines.append(
        "  resources: "
        + ", ".join(f"{res[k]} {k.replace('_', ' ')}" for k in res if res[k] or k == "in_sync")
    )
    counted = [f"{fnd[s]} {s}" for s in SEVERITIES if fnd[s]]
    if fnd["waived"]:
        counted.append(f"{fnd['waived']} waived")
    lines.append("  findings: " + (", ".join(counted) if counted else "none"))
    for finding in failing[:SHOWN_FINDINGS]:
        lines.append(
            f"  {finding['severity'].upper():<8} {escape(str(finding['resource']))}: "
            f"{escape(str(finding['field']))} - {escape(str(finding['message']))}"
        )
        who = finding.get("attribution")
        if isinstance(who, dict) and who.get("text"):
            lines.append(f"           {escape(str(who['text']))}")
    if len(failing) > SHOWN_FINDINGS:
        lines.append(f"  ... and {len(failing) - SHOWN_FINDINGS} more (see drift.json)")
    lines.extend(waived_lines(result, SHOWN_FINDINGS))
    expired = [w["id"] for w in result["waivers"] if w["status"] == "expired"]
    if expired:
        lines.append(f"  expired waivers (no longer applied): {', '.join(expired)}")
    for error in result["errors"][:SHOWN_FINDINGS]:
        lines.append(escape(f"  not checked: {error['resource']}: {error['reason']}"))
    if result["status"] == "not_checked":
        lines.append("  verdict: incomplete - some live state could not be read (exit 3)")
    elif failing:
        lines.append(
            f"  verdict: {len(failing)} unwaived finding(s) at or above {fail_on} (exit 1)"
        )
    else:
        lines.append("  verdict: no unwaived drift at or above " + fail_on)
    return "\n".join(lines)


def write_reports(
    result: dict[str, Any],
    out_dir: Path,
    formats: list[str],
    context: dict[str, Any] | None = None,
) -> list[Path]:
    """Render drift.json, the chosen formats and manifest.json, then write them all or none."""
    from iac_gen.report.evidence import write_evidence

    return write_evidence(result, out_dir, formats=formats, context=context)
