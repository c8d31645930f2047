"""Azure Resource Graph results: `{"data": [...]}` (REST/SDK) or an array of rows (`az graph
query -o json` prints `{"data": ...}`; saved rows are often a bare array).

A page of a longer answer (`resultTruncated`, `$skipToken`, `totalRecords` above the rows) is
judged by `iac_gen.live.pages`, the rule `read_live` applies to every shape."""

from __future__ import annotations

from typing import Any

from iac_gen.live.graph_rows import has_full_properties, is_graph_row, row_to_body
from iac_gen.live.reader import ReadContext, Reader
from iac_gen.live.readers.common import clean, reject_duplicates, require_resource
from iac_gen.live.state import LiveState


def _rows(data: Any) -> list[Any] | None:
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return list(data["data"])
    if isinstance(data, list) and data and all(is_graph_row(r) for r in data):
        return data
    return None


def detect(data: Any) -> bool:
    return _rows(data) is not None


def read(data: Any, ctx: ReadContext) -> LiveState:
    rows = _rows(data) or []
    bodies: list[dict[str, Any]] = []
    not_checked: list[dict[str, str]] = []
    for n, row in enumerate(rows):
        require_resource(row, n, ctx.file, "Resource Graph")
        if has_full_properties(row):
            bodies.append(row_to_body(row))
        else:
            reason = "Resource Graph row lacks the resource properties; export with ARM reads"
            not_checked.append({"id": str(row["id"]), "reason": reason})
    reject_duplicates(bodies, ctx.file)
    resources, removed = clean(bodies, ctx.owned)  # each body a row's own entries
    return LiveState(
        resources=resources,
        not_checked=sorted(not_checked, key=lambda e: e["id"].lower()),
        format="resource-graph",
        secrets_removed=removed,
    )


READER = Reader(
    name="resource-graph",
    description='Azure Resource Graph rows: {"data": [...]} or an array of rows',
    detect=detect,
    read=read,
)
