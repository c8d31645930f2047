"""Checks shared by the readers: every resource needs string `id` and `type`."""

from __future__ import annotations

from typing import Any

from iac_gen.diagnostics import InputError, error
from iac_gen.live.secrets import scrub, scrub_owned


def require_resource(item: Any, index: int, file: str, what: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise error("IAC415", f"{what} item {index} is not a JSON object", file)
    rid, rtype = item.get("id"), item.get("type")
    if not isinstance(rid, str) or not rid.startswith("/"):
        raise error("IAC415", f"{what} item {index} has no ARM `id` string", file)
    if not isinstance(rtype, str) or not rtype:
        raise error("IAC415", f"{what} item {index} ({rid}) has no `type` string", file)
    return item


def clean(
    items: list[dict[str, Any]], owned: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Scrub secrets from every body; also returns the removed paths per id. `owned` (the
    reader's `ReadContext.owned`, items straight from the parsed data) lets a body with
    nothing to withhold be kept rather than copied."""
    out: list[dict[str, Any]] = []
    removed: list[dict[str, str]] = []
    tidy = scrub_owned if owned else scrub
    for item in items:
        body, paths = tidy(item)
        out.append(body)
        if paths:
            removed.extend({"id": str(body["id"]), "path": p} for p in paths)
    out.sort(key=lambda b: str(b["id"]).lower())
    return out, removed


def reject_duplicates(items: list[dict[str, Any]], file: str) -> None:
    seen: set[str] = set()
    for item in items:
        key = str(item["id"]).lower()
        if key in seen:
            raise error("IAC415", f"resource {item['id']} appears twice", file)
        seen.add(key)


__all__ = ["InputError", "clean", "reject_duplicates", "require_resource"]
