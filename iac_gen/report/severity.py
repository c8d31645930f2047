"""Severity order and its mappings to SARIF, shared by every format."""

from __future__ import annotations

SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")

# GitHub code scanning reads `security-severity` (0.1-10.0) on rules of security findings:
# >9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY: dict[str, str] = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "2.0",
    "info": "0.1",
}

SARIF_LEVEL: dict[str, str] = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
    "info": "note",
}


def rank(severity: str | None) -> int:
    """Sort key: critical first, unknown severities last."""
    try:
        return SEVERITIES.index(str(severity).lower())
    except ValueError:
        return len(SEVERITIES)


def worst(severities: list[str]) -> str:
    """The most severe of `severities` ("info" when empty)."""
    known = [s for s in severities if rank(s) < len(SEVERITIES)]
    return min(known, key=rank) if known else "info"
