"""Render a drift result in every format and write the evidence folder with its manifest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from iac_gen.output_files import dumps_json, write_tree
from iac_gen.report.manifest import build_manifest
from iac_gen.report.registry import REPORTERS

MANIFEST_NAME = "manifest.json"


def render_all(
    result: dict[str, Any], formats: Sequence[str] | None = None, **context: Any
) -> dict[str, str]:
    """File name -> rendered text for each requested format (all formats by default).

    `context` (`provenance`, `hostname`) reaches the formats that use it.
    """
    names = list(formats) if formats else list(REPORTERS)
    unknown = [n for n in names if n not in REPORTERS]
    if unknown:
        raise ValueError(f"unknown report format(s): {', '.join(unknown)}")
    return {REPORTERS[n].filename: REPORTERS[n].render(result, **context) for n in names}


def write_evidence(
    result: dict[str, Any],
    report_dir: Path,
    *,
    formats: Sequence[str] | None = None,
    inputs: Sequence[Path] = (),
    sources: Sequence[Path] = (),
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the reports and `manifest.json` (hashing inputs and reports), all or none.

    Returns the written paths, manifest last. SARIF gets the spec's git provenance and
    JUnit this machine's host name.
    """
    import socket

    from iac_gen.report.manifest import provenance

    report_dir = Path(report_dir)
    context = {"provenance": provenance(sources, env), "hostname": socket.gethostname()}
    files: dict[str, str] = render_all(result, formats, **context)
    manifest = build_manifest(
        inputs, [], base_dir=report_dir, argv=argv, env=env, sources=sources, contents=files
    )
    files[MANIFEST_NAME] = dumps_json(manifest)
    return write_tree(report_dir, files)
