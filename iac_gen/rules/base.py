"""What a lint rule is: self-describing metadata plus a check that names spec paths only.

Rules never compute file positions or fingerprints; the runner turns a `RuleHit` path into
`file:line:col` with `Spec.locate`, so every rule reports positions the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from iac_gen.severity import SEVERITIES, severity_rank
from iac_gen.spec.model import Spec

__all__ = ["CATEGORIES", "RULE_ID_PATTERN", "SEVERITIES", "Rule", "RuleHit", "severity_rank"]

CATEGORIES: tuple[str, ...] = (
    "security",
    "routing",
    "capacity",
    "configuration",
    "metadata",
    "operations",
)

RULE_ID_PATTERN = r"^MOE\d{3}$"


@dataclass(frozen=True)
class RuleHit:
    """One problem found by a rule: where in the spec (a spec path) and what, in words."""

    path: str
    message: str


class Rule:
    """Base class of every lint rule; subclasses set the metadata and implement `check`.

    `production_only` rules describe production expectations (high availability, autoscale,
    data collection); they are skipped when the spec was resolved for an environment whose
    name marks it as non-production (see `spec_facts.is_non_production`).
    """

    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    severity: ClassVar[str] = ""
    category: ClassVar[str] = ""
    rationale: ClassVar[str] = ""
    docs: ClassVar[str] = ""
    source: ClassVar[str | None] = None
    production_only: ClassVar[bool] = False

    def check(self, spec: Spec) -> Iterator[RuleHit]:
        raise NotImplementedError

    @classmethod
    def metadata(cls) -> dict[str, object]:
        """The rule as data (lint result `rules[]`, `iac-gen rules --format json`)."""
        return {
            "id": cls.id,
            "title": cls.title,
            "severity": cls.severity,
            "category": cls.category,
            "rationale": cls.rationale,
            "docs": cls.docs,
            "source": cls.source,
            "production_only": cls.production_only,
        }
