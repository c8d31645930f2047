"""`iac-gen export`: read the live state of online endpoints from Azure into a bundle.

Read-only: only GET requests and the Resource Graph query POST are sent; keys and tokens are
never fetched, and secret-looking values are removed before the bundle is written. Exit 0
when everything was read, 3 when anything is `not_checked`, 2 for bad options.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from iac_gen.cli import progress
from iac_gen.cli.app import app
from iac_gen.diagnostics import error
from iac_gen.exit_codes import ExitCode
from iac_gen.spec.one_line import escape
from iac_gen.vocabulary import DEFAULT_API_VERSION


class SummaryFormat(StrEnum):
    text = "text"
    json = "json"


class _Reporter:
    """Progress on stderr: a rich bar on a terminal, plain lines otherwise (CI)."""

    def __init__(self, quiet: bool, verbose: bool):
        self.quiet = quiet
        self.verbose = verbose
        self.done = 0
        self.total = 0
        self._bar: Any = None
        self._task: Any = None
        if not quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(
                TextColumn("export"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("", total=None)

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        if event == "total":
            self.total += int(data.get("add", 0))
            if self._bar is not None:
                self._bar.update(self._task, total=max(self.total, self.done))
            return
        if event == "graph":
            self._line(f"resource graph: {data['rows']} rows, {data['quota_waits']} quota waits")
            return
        if event == "changes":
            self._line(f"change history: {data['rows']} {data['source']} rows")
            return
        self.done += 1
        status = data["status"]
        if self._bar is not None:
            self.total = max(self.total, self.done)
            self._bar.update(self._task, completed=self.done, total=self.total, description=status)
        rid = escape(str(data["id"]))  # ids and reasons hold server text: never raw on a TTY
        if status != "read":
            reason = f": {escape(str(data['reason']))}" if data.get("reason") else ""
            self._line(f"{status}: {rid}{reason}", force=True)
        elif self.verbose:
            self._line(f"read: {rid}")
        elif self._bar is None and self.done % 100 == 0:
            self._line(f"progress: {self.done} resources")

    def _line(self, text: str, force: bool = False) -> None:
        if self.quiet and not force:
            return
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False)
        else:
            typer.echo(text, err=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


@app.command(
    "export",
    help="Read online endpoints, deployments, workspace, autoscale and diagnostic settings "
    "from Azure (read-only) into a JSON bundle for `iac-gen drift`.",
)
def export_command(
    out: Path = typer.Option(
        ...,
        "-o",
        "--out",
        metavar="FILE",
        help="Bundle file to write (JSON); '-' for standard output "
        "(the summary then goes to standard error).",
    ),
    subscription: list[str] = typer.Option(
        [],
        "--subscription",
        metavar="ID",
        help="Subscription id (repeat with --graph for several).",
    ),
    resource_group: str | None = typer.Option(
        None, "--resource-group", metavar="NAME", help="Resource group."
    ),
    workspace: str | None = typer.Option(
        None, "--workspace", metavar="NAME", help="Azure ML workspace."
    ),
    endpoint: str | None = typer.Option(
        None,
        "--endpoint",
        metavar="NAME",
        help="Only this online endpoint (default: all in the workspace).",
    ),
    location: str | None = typer.Option(
        None, "--location", metavar="REGION", help="Accepted like other commands; not used."
    ),
    graph: bool = typer.Option(
        False, "--graph", help="Fleet mode: find endpoints with Azure Resource Graph."
    ),
    management_group: str | None = typer.Option(
        None, "--management-group", metavar="ID", help="Fleet mode scope: a management group id."
    ),
    shard: str | None = typer.Option(
        None,
        "--shard",
        metavar="K/N",
        help="With --graph: only the subscriptions of shard K of N (K from 1; a subscription's "
        "shard depends only on its id and N), for one CI matrix job each; join the drift "
        "results with `iac-gen merge`.",
    ),
    api_version: str = typer.Option(
        DEFAULT_API_VERSION, "--api-version", help="Microsoft.MachineLearningServices api-version."
    ),
    arm_endpoint: str | None = typer.Option(
        None,
        "--arm-endpoint",
        metavar="URL",
        help="ARM base URL for sovereign clouds or an emulator "
        "(default https://management.azure.com).",
    ),
    concurrency: int = typer.Option(8, "--concurrency", min=1, max=64, help="Parallel GETs."),
    timeout: float = typer.Option(30.0, "--timeout", min=0.05, help="Seconds per request."),
    deadline: float = typer.Option(
        900.0, "--deadline", min=0.0, help="Seconds for the whole export (0 = no limit)."
    ),
    retries: int = typer.Option(6, "--retries", min=0, max=20, help="Retries per request."),
    retry_backoff: float = typer.Option(
        0.8, "--retry-backoff", min=0.0, help="Base of the exponential backoff in seconds."
    ),
    changes: bool = typer.Option(
        False,
        "--changes",
        help="Also read who changed the exported resources (read-only): Resource Graph "
        "resource changes and, where those are empty, Activity Log writes. A missing "
        "permission makes the attribution unknown; it never fails the export.",
    ),
    days: int = typer.Option(
        14,
        "--days",
        min=1,
        max=90,
        help="With --changes: how many days back (Resource Graph keeps 14, the Activity Log 90).",
    ),
    redact_actors: bool = typer.Option(
        False,
        "--redact-actors",
        help="With --changes: replace who changed what (names, e-mails, object ids) by "
        "pseudonyms (actor-1, actor-2, ...; the same actor keeps one within the export).",
    ),
    output: SummaryFormat = typer.Option(
        SummaryFormat.text, "--output", help="Summary on stdout: text or json."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="One line per resource."),
) -> None:
    """Long because its signature is its option list (one typer.Option each); the work is in
    the helpers."""
    from iac_gen.azure.export import ExportOptions

    where = "iac-gen export"
    parsed_shard = _check_scope(
        where, graph, subscription, resource_group, workspace, endpoint, management_group, shard
    )
    if (redact_actors or days != 14) and not changes:
        raise error("IAC330", "--days and --redact-actors need --changes", where)
    options = ExportOptions(
        subscriptions=tuple(subscription),
        resource_group=resource_group,
        workspace=workspace,
        endpoint=endpoint,
        management_group=management_group,
        graph=graph,
        api_version=api_version,
        arm_endpoint=arm_endpoint,
        concurrency=concurrency,
        timeout=timeout,
        deadline=deadline or None,
        retries=retries,
        retry_backoff=retry_backoff,
        changes_days=days if changes else None,
        redact_actors=redact_actors,
        shard=parsed_shard,
    )
    _check_values(where, options)
    bundle, to_stdout = _export_and_write(options, out, quiet=quiet, verbose=verbose)
    summary = dict(bundle["summary"])
    _print_summary(bundle, out, output, quiet=quiet, to_stdout=to_stdout)
    if summary["not_checked"] > 0:
        raise typer.Exit(ExitCode.INCOMPLETE)


def _check_scope(
    where: str,
    graph: bool,
    subscription: list[str],
    resource_group: str | None,
    workspace: str | None,
    endpoint: str | None,
    management_group: str | None,
    shard: str | None,
) -> Any:
    """The scope options go together (IAC330) and `--shard` is K/N (IAC334); the parsed
    shard, or None. Runs before anything touches the network."""
    from iac_gen.shards import BadShard, parse_shard

    parsed = None
    if shard is not None:
        try:
            parsed = parse_shard(shard)
        except BadShard as exc:
            raise error("IAC334", escape(str(exc)), where) from None
        if not graph:
            raise error(
                "IAC334", "--shard needs --graph (shards split a fleet by subscription)", where
            )
    if graph:
        if not subscription and not management_group:
            raise error(
                "IAC330", "--graph needs --subscription (repeatable) or --management-group", where
            )
        if endpoint or resource_group or workspace:
            raise error(
                "IAC330",
                "--graph reads a whole fleet; drop --resource-group, --workspace and --endpoint",
                where,
            )
        return parsed
    if management_group:
        raise error("IAC330", "--management-group needs --graph", where)
    missing = [
        name
        for name, value in (
            ("--subscription", subscription),
            ("--resource-group", resource_group),
            ("--workspace", workspace),
        )
        if not value
    ]
    if missing:
        raise error("IAC330", f"missing {', '.join(missing)} (or use --graph)", where)
    if len(subscription) > 1:
        raise error("IAC330", "several --subscription values need --graph", where)
    return parsed


def _check_values(where: str, options: Any) -> None:
    """The ARM endpoint is https (IAC331) and names are usable path segments (IAC332)."""
    from iac_gen.azure.credentials import normalise_endpoint
    from iac_gen.azure.export import BadId, check_options

    try:
        normalise_endpoint(options.arm_endpoint)
    except ValueError as exc:
        raise error("IAC331", str(exc), where) from None
    try:
        check_options(options)
    except BadId as exc:
        raise error("IAC332", str(exc), where) from None


def _export_and_write(
    options: Any, out: Path, *, quiet: bool, verbose: bool
) -> tuple[dict[str, Any], bool]:
    """Read the live state and write the bundle (or exit 3 when it is too large for drift);
    (bundle, whether it went to standard output)."""
    import logging

    from iac_gen.azure.export import BundleTooLarge, bundle_text, export_live
    from iac_gen.output_files import write_file

    # azure-core logs a warning (e.g. "Incomplete download.") for answers the exporter
    # already reports as not_checked; without a handler Python would print it on stderr.
    logging.getLogger("azure").addHandler(logging.NullHandler())
    # Per-phase timings for -v only: `_Reporter`'s bar is the progress display (one live
    # display at a time on a terminal), so this one never draws; its lines come before the
    # bar starts and after it stops.
    timed = progress.Progress("iac-gen export", 2 if verbose else 0)
    timed.tty = False
    with timed.phase("reading live state"):
        reporter = _Reporter(quiet=quiet, verbose=verbose)
        try:
            bundle = export_live(options, progress=reporter)
        finally:
            reporter.close()
    with timed.phase("writing the bundle"):
        try:
            text = bundle_text(bundle)
        except BundleTooLarge as exc:
            message = f"{exc}; nothing written (export one workspace or endpoint at a time)"
            for diag in error("IAC333", message, "iac-gen export").diagnostics:
                typer.echo(str(diag), err=True)
            raise typer.Exit(ExitCode.INCOMPLETE) from None
        to_stdout = str(out) == "-"
        if to_stdout:
            typer.echo(text, nl=False)
        else:
            write_file(out, text)
    timed.summary()
    return bundle, to_stdout


def _print_summary(
    bundle: dict[str, Any], out: Path, output: SummaryFormat, *, quiet: bool, to_stdout: bool
) -> None:
    """The summary: one JSON line with --output json, else a line (and the history line)."""
    summary = dict(bundle["summary"])
    incomplete = summary["not_checked"] > 0
    history = _history_line(bundle.get("changes"))
    shard = bundle.get("scope", {}).get("shard")
    if output is SummaryFormat.json:
        doc = {
            "path": str(out),
            "resources": len(bundle["resources"]),
            "status": "not_checked" if incomplete else "complete",
            **summary,
        }
        if history is not None:
            doc["changes"] = history
        if shard is not None:
            doc["shard"] = shard
            doc["subscriptions"] = len(bundle["scope"].get("subscriptions") or [])
        typer.echo(json.dumps(doc, sort_keys=True), err=to_stdout)
    elif not quiet:
        part = ""
        if shard is not None:
            subs = len(bundle["scope"].get("subscriptions") or [])
            part = f" from shard {shard} ({subs} subscriptions)"
        typer.echo(
            f"wrote {escape(str(out))}: {len(bundle['resources'])} resources{part} "
            f"(read {summary['read']}, missing {summary['missing']}, "
            f"not_checked {summary['not_checked']})",
            err=to_stdout,
        )
        if history is not None:
            typer.echo(escape(history), err=to_stdout)


def _history_line(changes: Any) -> str | None:
    """One line on what the change history holds, or None without --changes."""
    if not isinstance(changes, dict):
        return None
    resources = changes.get("resources") or []
    unknown = [r for r in resources if r.get("status") != "read"]
    line = (
        f"change history: {len(changes.get('records') or [])} records for "
        f"{len(resources) - len(unknown)} of {len(resources)} resources "
        f"(last {changes.get('days')} days)"
    )
    if unknown:
        line += f"; unknown for {len(unknown)}: {unknown[0].get('reason') or 'not read'}"
    return line
