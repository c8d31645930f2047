"""The export bundle written by `iac-gen export` (checked against its schema and digest)."""

from __future__ import annotations

from typing import Any

from iac_gen.diagnostics import error
from iac_gen.live.bundle import BUNDLE_KIND, resources_digest
from iac_gen.live.reader import ReadContext, Reader
from iac_gen.live.readers.common import clean
from iac_gen.live.state import LiveState


def detect(data: Any) -> bool:
    return isinstance(data, dict) and data.get("kind") == BUNDLE_KIND


def read(data: Any, ctx: ReadContext) -> LiveState:
    import jsonschema

    from iac_gen.resources import load_schema

    validator = jsonschema.Draft202012Validator(load_schema("bundle.schema.json"))
    problems = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if problems:
        first = problems[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise error(
            "IAC416",
            f"export bundle does not match its schema at {where}: {first.message}",
            ctx.file,
        )
    if resources_digest(data["resources"]) != data["resources_sha256"]:
        raise error(
            "IAC416",
            "export bundle resources do not match resources_sha256 (edited after export?)",
            ctx.file,
        )
    resources, removed = clean(list(data["resources"]))
    not_checked = [
        {"id": e["id"], "reason": e.get("reason", "")}
        for e in data["read"]
        if e["status"] == "not_checked"
    ]
    missing = [e["id"] for e in data["read"] if e["status"] == "missing"]
    return LiveState(
        resources=resources,
        not_checked=not_checked,
        format="bundle",
        scope=dict(data.get("scope") or {}),
        missing=missing,
        secrets_removed=list(data.get("secrets_removed", [])) + removed,
    )


READER = Reader(
    name="bundle",
    description="the export bundle written by `iac-gen export`",
    detect=detect,
    read=read,
)
