"""ARM GET bodies: one object, an array, or `{"value": [...]}` (`az resource show`, REST)."""

from __future__ import annotations

from typing import Any

from iac_gen.live.reader import ReadContext, Reader
from iac_gen.live.readers.common import clean, reject_duplicates, require_resource
from iac_gen.live.state import LiveState


def _items(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if isinstance(data.get("value"), list) and "id" not in data:
            return list(data["value"])
        if "id" in data and "type" in data:
            return [data]
    return None


def detect(data: Any) -> bool:
    items = _items(data)
    if items is None:
        return False
    return all(isinstance(i, dict) and "id" in i and "type" in i for i in items)


def read(data: Any, ctx: ReadContext) -> LiveState:
    items = [require_resource(i, n, ctx.file, "ARM") for n, i in enumerate(_items(data) or [])]
    reject_duplicates(items, ctx.file)
    resources, removed = clean(items, ctx.owned)
    return LiveState(resources=resources, format="arm", secrets_removed=removed)


READER = Reader(
    name="arm",
    description='ARM GET bodies: an object, an array, or {"value": [...]}',
    detect=detect,
    read=read,
)
