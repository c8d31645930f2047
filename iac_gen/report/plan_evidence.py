"""Write a plan's evidence folder: every plan format and `manifest.json`, all or none.

The same registry and manifest as drift's evidence (`iac_gen.report.evidence`), with the
plan's formats (`registry.PLAN_REPORTERS`): the manifest hashes the spec and live inputs
and every plan file, so a reviewer can re-check the plan attached to a change ticket.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from iac_gen.output_files import dumps_json, write_tree
from iac_gen.report.manifest import build_manifest
from iac_gen.report.registry import PLAN_REPORTERS

MANIFEST_NAME = "manifest.json"


def render_plan(plan: dict[str, Any]) -> dict[str, str]:
    """File name -> text for every plan format."""
    return {r.filename: r.render(plan) for r in PLAN_REPORTERS.values()}


def write_plan_evidence(
    plan: dict[str, Any],
    report_dir: Path,
    *,
    inputs: Sequence[Path] = (),
    sources: Sequence[Path] = (),
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the plan files and `manifest.json` under `report_dir`; the written paths."""
    report_dir = Path(report_dir)
    files = render_plan(plan)
    manifest = build_manifest(
        inputs, [], base_dir=report_dir, argv=argv, env=env, sources=sources, contents=files
    )
    files[MANIFEST_NAME] = dumps_json(manifest)
    return write_tree(report_dir, files)
