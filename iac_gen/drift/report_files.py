"""The evidence files of one drift run, rendered in memory so they are written all or none.

`drift.json` is the contract and is always present. The other formats come from the report
registry (`iac_gen.report.registry.REPORTERS`); `manifest.json` (hashes of every input and
output) from `iac_gen.report.manifest.build_manifest` when that module is installed.
Large results (fleet runs) are written as compact JSON: same content, a fraction of the size.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

COMPACT_ABOVE = 20_000  # coverage entries; beyond this drift.json drops indentation
DRIFT_JSON = "drift.json"
MANIFEST = "manifest.json"
GIT_LOOKUPS = 50
GIT_LOOKUPS = 50


def drift_json(result: dict[str, Any]) -> str:
    """drift.json text: canonical (sorted keys, UTF-8, `\\n`), redacted, compact when large."""
    try:
        from iac_gen.report.redact import redact_result

        # Coverage holds names and outcomes, never values: redact the rest only (fleet speed).
        coverage = result.get("coverage", [])
        result = {**redact_result({k: v for k, v in result.items() if k != "coverage"})}
        result["coverage"] = coverage
    except ImportError:  # pragma: no cover - the report package ships with iac-gen
        pass
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
    manifest = _manifest(files, inputs, Path(out_dir))
    if manifest is not None:
        files[MANIFEST] = manifest
    return files


def _manifest(files: dict[str, str], inputs: Sequence[Path], out_dir: Path) -> str | None:
    try:
        from iac_gen.report.manifest import build_manifest
    except ImportError:  # pragma: no cover - the report package ships with iac-gen
        return None
    from iac_gen.output_files import dumps_json

    # The manifest hashes the outputs as they will be written, before anything is written:
    # stage them in a sibling of the report folder, so relative input paths come out the same.
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".iac-gen-stage-", dir=parent) as scratch:
        outputs = []
        for name, text in sorted(files.items()):
            path = Path(scratch) / name
            path.write_text(text, encoding="utf-8", newline="\n")
            outputs.append(path)
        manifest = build_manifest(
            list(inputs), outputs, base_dir=Path(scratch), sources=_git_sources(inputs)
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
