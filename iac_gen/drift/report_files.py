"""The evidence files of one drift run, rendered in memory so they are written all or none.

`drift.json` is the contract and is always present. The other formats come from the report
registry (`iac_gen.report.registry.REPORTERS`); `manifest.json` (hashes of every input and
output) from `iac_gen.report.manifest.build_manifest` when that module is installed.
Large results (fleet runs) are written as compact JSON: same content, a fraction of the size.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

COMPACT_ABOVE = 20_000  # coverage entries; beyond this drift.json drops indentation
DRIFT_JSON = "drift.json"
MANIFEST = "manifest.json"
GIT_LOOKUPS = 50


def drift_json(result: dict[str, Any]) -> str:
    """drift.json text: canonical (sorted keys, UTF-8, `\\n`), redacted, compact when large."""
    from iac_gen.report.redact import redact_result

    result = redact_result(result)
    coverage = result.get("coverage", [])
    if len(coverage) > COMPACT_ABOVE:
        # Same bytes as dumping the whole result with sorted keys: "coverage" sorts first and
        # its entries are built with their keys in order, so they skip the per-dict sort.
        rest = {k: v for k, v in result.items() if k != "coverage"}
        compact = {"ensure_ascii": False, "separators": (",", ":")}
        head = json.dumps(coverage, **compact)  # type: ignore[arg-type]
        tail = json.dumps(rest, sort_keys=True, **compact)  # type: ignore[arg-type]
        return '{"coverage":' + head + ("," + tail[1:] if len(tail) > 2 else "}") + "\n"
    from iac_gen.output_files import dumps_json

    return dumps_json(result)


def render_reports(
    result: dict[str, Any],
    formats: Sequence[str],
    inputs: Sequence[Path],
    out_dir: Path,
) -> dict[str, str]:
    """File name -> text for drift.json, each chosen format and manifest.json."""
    from iac_gen.report.registry import REPORTERS

    files: dict[str, str] = {DRIFT_JSON: drift_json(result)}
    for name in formats:
        reporter = REPORTERS.get(name)
        if reporter is None or reporter.filename == DRIFT_JSON:
            continue
        files[reporter.filename] = reporter.render(result)
    manifest = _manifest(files, inputs, Path(out_dir), result)
    if manifest is not None:
        files[MANIFEST] = manifest
    return files


def owned_report(rel: str) -> bool:
    """The evidence files a drift run owns in its report folder: every format's file and
    the manifest. A rerun removes those it does not write (a run with `--format json` after
    one with all formats leaves no stale drift.md claiming "in sync")."""
    from iac_gen.report.registry import REPORTERS

    return rel == MANIFEST or rel in {r.filename for r in REPORTERS.values()}


def write_report_files(out_dir: Path, files: dict[str, str]) -> list[Path]:
    """Write rendered evidence all or none, removing stale evidence in the same commit."""
    from iac_gen.output_files import write_tree

    return write_tree(out_dir, files, stale=owned_report)


def _manifest(
    files: dict[str, str], inputs: Sequence[Path], out_dir: Path, result: dict[str, Any]
) -> str | None:
    try:
        from iac_gen.report.manifest import build_manifest
    except ImportError:  # pragma: no cover - the report package ships with iac-gen
        return None
    from iac_gen.output_files import dumps_json

    # Outputs are hashed from memory, before anything is written (all or nothing); inputs
    # reuse the digests the analysis computed from the very bytes it compared.
    digests = {str(i["path"]): str(i["sha256"]) for i in result.get("inputs") or []}
    manifest = build_manifest(
        list(inputs),
        [],
        base_dir=Path(out_dir),
        # git is asked about the specs' repositories only: a live file or waivers file may
        # come from a downloaded archive whose `.git` is not ours to trust.
        sources=_git_sources(
            [Path(i["path"]) for i in result.get("inputs") or [] if i.get("role") == "spec"]
        ),
        contents=files,
        digests=digests,
    )
    return dumps_json(manifest)


def _git_sources(inputs: Sequence[Path]) -> list[Path]:
    """Files whose git commit the manifest records: every input for a normal run; for a
    fleet (many spec files) one file per folder, since each look-up runs git."""
    if len(inputs) <= GIT_LOOKUPS:
        return list(inputs)
    seen: dict[Path, Path] = {}
    for path in inputs:
        seen.setdefault(Path(path).parent, Path(path))
    return list(seen.values())[:GIT_LOOKUPS]
