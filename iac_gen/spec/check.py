"""One pipeline from a canonical document to a `Spec`: schema, then model, then meaning.

Loading and environment overlays both go through here, so a resolved environment is checked
exactly like the base spec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Diagnostic, Location
from iac_gen.spec.build import build_spec
from iac_gen.spec.document import locator
from iac_gen.spec.model import Spec
from iac_gen.spec.schema_check import describe, schema_diagnostics
from iac_gen.spec.semantics import semantic_diagnostics
from iac_gen.spec.targets import problem


def target_diagnostics(
    data: Mapping[str, Any], locate: Callable[[str], Location], prefix: str = ""
) -> list[Diagnostic]:
    """IAC236 for each target value Azure would refuse (after the schema: values are text)."""
    target = data.get("target")
    if not isinstance(target, Mapping):
        return []
    diags = []
    for key in ("subscription", "resource_group", "workspace", "location"):
        value = target.get(key)
        if isinstance(value, str) and (rule := problem(key, value)) is not None:
            diags.append(
                Diagnostic(
                    "IAC236",
                    f"{prefix}target.{key} is {describe(value)}; {rule}",
                    locate(f"target.{key}"),
                )
            )
    return diags


def check_document(
    data: Mapping[str, Any],
    locations: Mapping[str, Location],
    *,
    source: Path,
    format: str,
    files: tuple[Path, ...],
    environment: str | None = None,
    prefix: str = "",
    implied_endpoint: bool = False,
) -> tuple[Spec | None, list[Diagnostic]]:
    """The `Spec` (None if the shape is wrong) and every problem found."""
    locate = locator(locations, Location(str(source), 1, 1))
    diags = schema_diagnostics(data, locate, prefix=prefix)
    if diags:
        return None, diags
    diags = target_diagnostics(data, locate, prefix=prefix)
    if diags:
        return None, diags
    spec = build_spec(
        data,
        source=source,
        format=format,
        files=files,
        locations=locations,
        environment=environment,
        implied_endpoint=implied_endpoint,
    )
    diags = semantic_diagnostics(spec, locate, prefix=prefix)
    return spec, diags
