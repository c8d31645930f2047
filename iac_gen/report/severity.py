"""The severity scale's mappings to SARIF, shared by every format (the scale itself is
`iac_gen.severity`)."""

from __future__ import annotations

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
