"""The one severity scale lint rules, drift findings, plan hazards, settings and every report
share, most severe first: `--fail-on X` fails on X and everything before it.

Declared here only, so a new level (or a new order) cannot reach one command and miss another.
"""

from __future__ import annotations

SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")


def severity_rank(severity: str) -> int:
    """0 for critical ... 4 for info; lower is more severe (ValueError for an unknown one)."""
    return SEVERITIES.index(severity)


def rank(severity: str | None) -> int:
    """Sort key for values read from outside: critical first, unknown severities last."""
    try:
        return SEVERITIES.index(str(severity).lower())
    except ValueError:
        return len(SEVERITIES)


def worst(severities: list[str]) -> str:
    """The most severe of `severities` ("info" when empty)."""
    known = [s for s in severities if rank(s) < len(SEVERITIES)]
    return min(known, key=rank) if known else "info"
