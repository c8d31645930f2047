"""One redaction pass over a drift or lint result, done once before anything is printed or
rendered: the `drift` command redacts the result before its console verdict and its reports,
and every format calls `redact_result` again (a no-op on a result already redacted), so a
hand-written or re-read result is cleaned as well.

What is a secret is decided by `iac_gen.secrets`, from where each string sits:
- a finding's `expected`/`actual` are judged at the finding's ARM path, so
  `properties.environmentVariables.DB_PASSWORD` withholds by the variable name and by the
  value, `properties.keys` withholds whatever it holds, and `properties.traffic` holds
  deployment names and percentages and is never touched;
- when a side is withheld, the finding's `message` is rebuilt without the values ("... is
  not set in Azure; the design sets a value (withheld: it looks like a secret)");
- names (resources, ids, fields, paths, traffic, tag names) are never judged; free text
  (messages, reasons, waiver notes) has credential-shaped parts blanked.
Secret-injection references (`${{azureml://...}}`, `${{keyvault:...}}`) are not secrets and
stay visible, because a reviewer needs to see that a reference was replaced by a literal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from iac_gen.coverage import REASON
from iac_gen.secrets import (
    REDACTED,
    Context,
    blank,
    context_of,
    is_secret_field,
    is_secret_name,
    is_secret_value,
    redact_text,
    secret_reason,
    withhold,
)

__all__ = [
    "REDACTED",
    "is_secret_key",
    "is_secret_value",
    "redact",
    "redact_finding",
    "redact_result",
]

WITHHELD = "withheld: it looks like a secret"

# Finding and coverage keys that hold names, ids, paths or enums: never judged.
_NAME_KEYS = frozenset(
    {
        "id",
        "resource",
        "resource_id",
        "field",
        "arm_path",
        "change",
        "severity",
        "category",
        "waived",
        "location",
        "outcome",
    }
)
# Changes whose `expected`/`actual` are property values (others hold resource names).
_VALUE_CHANGES = frozenset({"not_equal", "added", "removed", "not_comparable"})


class Redacted(dict[str, Any]):
    """A result `redact_result` has already cleaned; redacting it again returns it as is.

    `derived` keeps what the renderers compute from it (the Markdown and HTML view), so the
    evidence writer, which redacts once for every format, builds that once too. A redacted
    result is never changed after it is made; only the renderers read it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.derived: dict[Any, Any] = {}


def is_secret_key(key: str) -> bool:
    """True for an option or variable name whose value must never appear in a report."""
    return is_secret_name(key)


def redact(value: Any, path: tuple[str, ...] = ()) -> Any:
    """A copy of a JSON value of unknown shape (at `path`): credential fields and secret
    settings withheld, credential-shaped parts of every string blanked."""
    kind = type(value)
    if kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is str:
        return redact_text(value)
    if isinstance(value, Mapping):
        ctx = context_of(path)
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = str(key)
            if ctx is Context.FIELDS and is_secret_field(name):
                out[name] = blank(item)
            elif ctx is Context.SETTINGS and isinstance(item, str) and secret_reason(name, item):
                out[name] = REDACTED
            else:
                out[name] = redact(item, (*path, name))
        return out
    if isinstance(value, list):
        return [redact(v, path) for v in value]
    return value


def _arm_keys(path: str) -> tuple[str, ...]:
    return tuple(part for part in path.split(".") if part)


def _side(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _message(change: str, where: str, expected: Any, actual: Any) -> str:
    """The finding's message from its redacted values (the drift engine's wording)."""
    exp_hidden, act_hidden = expected == REDACTED, actual == REDACTED
    if change == "removed":
        if exp_hidden:
            return f"{where} is not set in Azure; the design sets a value ({WITHHELD})"
        return f"{where} is not set in Azure; the design says {_side(expected)}"
    if change == "added":
        if act_hidden:
            return f"{where} is set in Azure (value {WITHHELD}) but not part of the design"
        return f"{where} is {_side(actual)} in Azure but not part of the design"
    if exp_hidden and act_hidden:
        return f"{where} in Azure differs from the design (both values {WITHHELD})"
    if act_hidden:
        return f"{where} is set to another value in Azure ({WITHHELD}); the design says " + _side(
            expected
        )
    if exp_hidden:
        return f"{where} is {_side(actual)} in Azure; the design sets another value ({WITHHELD})"
    return f"{where} is {_side(actual)} in Azure; the design says {_side(expected)}"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _escaped(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _appears(secret: str, message: str) -> bool:
    """Whether a withheld value is in a message, as written or JSON-escaped (the drift
    engine quotes values as JSON)."""
    return bool(secret) and (secret in message or _escaped(secret) in message)


def redact_finding(finding: Mapping[str, Any]) -> dict[str, Any]:
    """A drift finding with secret values withheld and its message rebuilt without them."""
    out: dict[str, Any] = {}
    for key, value in finding.items():
        if key in _NAME_KEYS:
            kind = type(value)  # exact types first: the ABC check costs more than the copy
            plain = kind is str or kind is bool or kind is int or value is None
            nested = not plain and isinstance(value, (Mapping, list))
            out[key] = json_copy(value) if nested else value
        elif key in ("expected", "actual", "message"):
            continue
        else:
            out[key] = redact(value)
    change = str(finding.get("change") or "")
    arm_path = str(finding.get("arm_path") or "")
    keys = _arm_keys(arm_path)
    message = str(finding.get("message") or "")
    hidden: list[str] = []
    for side in ("expected", "actual"):
        if side not in finding:
            continue
        value = finding[side]
        if change in _VALUE_CHANGES and keys:
            cleaned = withhold(value, keys)
            if cleaned != value:
                hidden.extend(s for s in _strings(value) if s not in _strings(cleaned))
        else:
            cleaned = json_copy(value)  # resource names (missing / unmanaged resources)
        out[side] = cleaned
    if "message" in finding:
        shown = [s for s in set(hidden) if _appears(s, message)]
        if change in ("not_equal", "added", "removed") and (shown or REDACTED in message):
            where = arm_path or str(finding.get("field") or "")
            message = _message(change, where, out.get("expected"), out.get("actual"))
        else:
            for secret in sorted(shown, key=len, reverse=True):
                message = message.replace(secret, REDACTED)
                message = message.replace(_escaped(secret), REDACTED)
        out["message"] = redact_text(message)
    return out


def json_copy(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # most values: no ABC check
        return value
    if isinstance(value, Mapping):
        return {str(k): json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    return value


def _names_and_text(entry: Any, text_keys: tuple[str, ...]) -> Any:
    """An entry of names (kept) and a few free-text keys (blanked where credential-shaped)."""
    if not isinstance(entry, Mapping):
        return redact(entry)
    return {str(k): redact(v) if k in text_keys else json_copy(v) for k, v in entry.items()}


def _coverage_rows(rows: Any) -> Any:
    """Coverage rows (schema 2.0) hold names and an outcome; only a free-text reason is worth
    a look. Rows without one are shared, which keeps a fleet report (a million rows) fast."""
    if not isinstance(rows, list):
        return redact(rows)
    # The common row (a list, no reason) is decided inline; the rest by `_coverage_row`.
    return [
        r if type(r) is list and len(r) > REASON and not r[REASON] else _coverage_row(r)
        for r in rows
    ]


def _coverage_row(r: Any) -> Any:
    if not isinstance(r, (list, tuple)):
        return redact(r)
    if len(r) > REASON and r[REASON]:
        return [*r[:REASON], redact(r[REASON]), *r[REASON + 1 :]]
    return r


def redact_result(result: Mapping[str, Any]) -> Redacted:
    """Redact a drift or lint result (a copy; the input is not modified). Entries with
    nothing to redact (plain coverage rows and resources, inputs, traffic) are shared, not
    copied: nothing downstream modifies a result."""
    if isinstance(result, Redacted):
        return result
    cleaned = Redacted()
    for key, value in result.items():
        if key == "coverage" and isinstance(value, Mapping):
            cleaned[key] = {**value, "rows": _coverage_rows(value.get("rows") or [])}
        elif not isinstance(value, list):
            cleaned[key] = redact(value)
        elif key == "findings":
            cleaned[key] = [
                redact_finding(f) if isinstance(f, Mapping) and "change" in f else redact(f)
                for f in value
            ]
        elif key in ("traffic", "inputs"):
            # Deployment names and percentages; roles, paths and hashes: nothing to redact,
            # so the entries are shared (a fleet has 10,000 of each), in a list of its own.
            cleaned[key] = list(value)
        elif key in ("coverage", "resources", "errors"):
            # Names and outcomes (coverage of schema 1.x too); only a free-text `reason` is
            # worth a look. Entries without one are shared, as coverage rows are.
            cleaned[key] = [
                _names_and_text(e, ("reason",))
                if isinstance(e, Mapping) and e.get("reason")
                else e
                if isinstance(e, Mapping)
                else redact(e)
                for e in value
            ]
        else:
            cleaned[key] = redact(value)
    return cleaned
