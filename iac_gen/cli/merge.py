"""`iac-gen merge`: join the drift results of shard jobs into one result and one evidence set.

Exit codes as `drift` (the merged result's gate): 0 in sync, 1 drift at or above the shards'
`fail_on`, 3 incomplete (some shard could not read everything), 2 when the results are not
one complete set of shards (nothing written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from iac_gen.cli import options
from iac_gen.cli.app import app
from iac_gen.report.registry import REPORTERS, formats_help


@app.command(
    "merge",
    help="Join the drift results (drift.json) of `export --graph --shard K/N` jobs, one per "
    "shard 1..N, into one drift result and one set of evidence, as one run over the whole "
    "fleet would write; the manifest chains the shards' hashes.",
)
def merge_command(
    results: list[Path] = typer.Argument(
        ...,
        metavar="RESULT.json...",
        help="The shards' drift.json files (their manifest.json beside them is checked and "
        "chained when present).",
        show_default=False,
    ),
    report: Path = typer.Option(
        ..., "--report", metavar="DIR", help="Folder for drift.json, the formats and manifest."
    ),
    formats: list[options.ReportFormat] = typer.Option(
        [],
        "--format",
        help="Report format to write (repeatable; default all; drift.json is always written). "
        + formats_help()
        + ".",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the verdict."),
) -> None:
    from iac_gen.cli.drift import verdict
    from iac_gen.drift.analysis import failing_findings, gate_exit_code
    from iac_gen.report.evidence import evidence_context, git_lookups, write_evidence
    from iac_gen.report.manifest import shards_member
    from iac_gen.report.merge import merge_files
    from iac_gen.spec.one_line import escape

    result, shards = merge_files(results)
    specs, inputs = _design_and_shard_files(result, shards)
    member = shards_member([_shard_entry(s) for s in shards], report)
    chosen = [str(f.value) for f in formats] or list(REPORTERS)
    written = write_evidence(
        result,
        report,
        formats=chosen,
        inputs=inputs,
        sources=specs,
        context=evidence_context(git_lookups(specs)),
        manifest_extra={"shards": member},
    )
    fail_on = str(result["fail_on"])
    typer.echo(verdict(result, failing_findings(result, fail_on), fail_on))
    if not quiet:
        typer.echo(f"merged {len(shards)} shards of {shards[0].shard.count}")
        for path in written:
            typer.echo(f"wrote {escape(str(path))}")
    raise typer.Exit(int(gate_exit_code(result, fail_on)))


def _design_and_shard_files(
    result: dict[str, Any], shards: list[Any]
) -> tuple[list[Path], list[Path]]:
    """(spec files, every input file) of the merged evidence. The design files are listed
    (and their git commit recorded) when this job has them; each shard's manifest lists them
    either way, and the chain holds those manifests."""
    present = [
        (str(i["role"]), Path(str(i["path"])))
        for i in result["inputs"]
        if i.get("role") in ("spec", "waivers") and Path(str(i["path"])).is_file()
    ]
    specs = [path for role, path in present if role == "spec"]
    inputs: list[Path] = [path for _, path in present]
    for s in shards:
        inputs.append(s.path)
        if s.manifest is not None:
            inputs.append(s.manifest)
    return specs, inputs


def _shard_entry(shard: Any) -> dict[str, Any]:
    """One shard as the manifest's `shards` member records it: its result and manifest files
    (hashed there) and the live inputs it read."""
    return {
        "shard": str(shard.shard),
        "result": shard.path,
        "manifest": shard.manifest,
        "live": [i for i in shard.data.get("inputs") or [] if i.get("role") == "live"],
    }
