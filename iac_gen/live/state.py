"""`LiveState`: what a live input says runs in Azure, whatever shape it came in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LiveState:
    """ARM GET bodies (secrets removed) plus what could not be read.

    `not_checked` entries are `{id, reason}`; `missing` lists ids the exporter asked for and
    Azure answered 404; `format` names the reader that recognised the input. `changes` is the
    change history an export bundle carries (`iac-gen export --changes`), else None: only a
    bundle says who changed what.
    """

    resources: list[dict[str, Any]]
    not_checked: list[dict[str, str]] = field(default_factory=list)
    format: str = ""
    scope: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    secrets_removed: list[dict[str, str]] = field(default_factory=list)
    changes: dict[str, Any] | None = None
