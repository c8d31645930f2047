"""The evidence files of one drift run, rendered in memory so they are written all or none.

`drift.json` is the contract and is always present. The other formats come from the report
registry (`iac_gen.report.registry.REPORTERS`); `manifest.json` (hashes of every input and
output) from `iac_gen.report.manifest.build_manifest` when that module is installed.
Large results (fleet runs) are written as compact JSON: same content, a fraction of the size.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

COMPACT_ABOVE = 20_000  # coverage entries; beyond this drift.json drops indentation
DRIFT_JSON = "drift.json"


def drift_json(result: dict[str, Any]) -> str:
    """drift.json text: canonical (sorted keys, UTF-8, `\\n`), redacted, compact when large."""
    try:
        from iac_gen.report.redact import redact_result

        result = redact_result(result)
    except ImportError:  # pragma: no cover - the report package ships with iac-gen
        pass
    if len(result.get("coverage", [])) > COMPACT_ABOVE:
        return json.dumps(result, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
    from iac_gen.output_files import dumps_json

    return dumps_json(result)


def render_reports(
    result: dict[str, Any],
    formats: Sequence[str],
    specs: Sequence[Any],
    live: Path,
    waivers: Path | None,
) -> dict[str, str]:
    """File name -> text for drift.json, each chosen format and the manifest."""
    from iac_gen.report.registry import REPORTERS

    files: dict[str, str] = {DRIFT_JSON: drift_json(result)}
    for name in formats:
        reporter = REPORTERS.get(name)
        if reporter is None or reporter.filename == DRIFT_JSON:
            continue
        files[reporter.filename] = reporter.render(result)
    manifest = _manifest(files, specs, live, waivers)
    if manifest is not None:
        files["manifest.json"] = manifest
    return files


def _manifest(
    files: dict[str, str], specs: Sequence[Any], live: Path, waivers: Path | None
) -> str | None:
    try:
        from iac_gen.report.manifest import build_manifest
    except ImportError:
        return None
    from iac_gen.output_files import dumps_json

    inputs: list[Path] = []
    for spec in specs:
        for path in getattr(spec, "files", ()) or (spec.source,):
            if path not in inputs:
                inputs.append(Path(path))
    inputs.append(Path(live))
    if waivers is not None:
        inputs.append(Path(waivers))
    # The manifest hashes outputs as they will be written: stage them in a scratch folder.
    with tempfile.TemporaryDirectory(prefix="iac-gen-manifest-") as scratch:
        outputs = []
        for name, text in sorted(files.items()):
            path = Path(scratch) / name
            path.write_text(text, encoding="utf-8", newline="\n")
            outputs.append(path)
        manifest = build_manifest(inputs, outputs)
    for entry in manifest.get("outputs", []) if isinstance(manifest, dict) else []:
        if isinstance(entry, dict) and "path" in entry:
            entry["path"] = Path(str(entry["path"])).name
    return dumps_json(manifest)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
