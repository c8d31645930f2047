"""Hazards of applying a plan: one module per hazard, found by walking this package.

Each module defines `HAZARD`, a `Hazard` whose `check(context)` yields findings. Like the
lint catalogue, a new hazard is one new file; the registry refuses a module without one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from iac_gen.severity import SEVERITIES


@dataclass
class PlanContext:
    """What a hazard may look at: the steps, the desired bodies and the live bodies by id."""

    steps: list[dict[str, Any]]
    desired: dict[str, dict[str, Any]]  # lower-cased id -> desired body
    live: dict[str, dict[str, Any]]  # lower-cased id -> live body
    specs: list[Any]
    params: dict[str, dict[str, Any]] = field(default_factory=dict)  # endpoint -> name -> value
    # lower-cased deployment id -> the compiled template's parameter for its sku.capacity
    capacity_params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hazard:
    id: str
    title: str
    severity: str
    source: str
    check: Callable[[PlanContext], Iterator[dict[str, Any]]]


@cache
def all_hazards() -> tuple[Hazard, ...]:
    found: dict[str, Hazard] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        hazard = getattr(module, "HAZARD", None)
        if not isinstance(hazard, Hazard):
            raise RuntimeError(f"{module.__name__} defines no HAZARD")
        if hazard.severity not in SEVERITIES or hazard.id in found:
            raise RuntimeError(f"{module.__name__}: bad severity or duplicate id {hazard.id}")
        found[hazard.id] = hazard
    return tuple(found[k] for k in sorted(found))


def finding(hazard_id: str, resource: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"hazard": hazard_id, "resource": resource, "message": message, **extra}
