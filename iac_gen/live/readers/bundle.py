"""The export bundle written by `iac-gen export`, checked before a word of it is believed.

Refused (IAC416) when it breaks its schema, when a digest does not match, or when its parts
contradict each other: `errors` or `summary` other than what `read` implies (export derives
both from `read`, so a difference means an edit or damage, and neither side can be trusted to
be the true one - refusing is clearer than guessing which lists the failed read). Duplicate
resources (ids equal ignoring case) are bad items (IAC415), as in every reader: which copy
wins would decide the verdict. Schema 1.0 bundles (before `content_sha256`) are still read:
their `read` list is not digested, but it must agree with `errors` and `summary`, so a lone
edit of one of them is still refused.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from iac_gen.diagnostics import error
from iac_gen.live.bundle import (
    BUNDLE_KIND,
    READABLE_VERSIONS,
    content_digest,
    derived_errors,
    derived_summary,
    resources_digest,
)
from iac_gen.live.reader import ReadContext, Reader
from iac_gen.live.readers.common import clean, reject_duplicates
from iac_gen.live.state import LiveState


def detect(data: Any) -> bool:
    return isinstance(data, dict) and data.get("kind") == BUNDLE_KIND


@cache
def _validator() -> Any:
    """The bundle schema's validator, built once per process: building it (reading the
    schema, checking it, compiling its references) costs more than checking a small bundle,
    and a fleet drift reads one bundle per subscription."""
    import jsonschema

    from iac_gen.resources import load_schema

    return jsonschema.Draft202012Validator(load_schema("bundle.schema.json"))


def _schema_errors(data: dict[str, Any]) -> list[Any]:
    """jsonschema's errors for the bundle, sorted by where they are.

    A fleet's bundle holds tens of thousands of resources and read entries: jsonschema took
    0.9 s for 8,000 of each, most of reading the live state. So the compiled subset
    evaluator answers first (`schema_subset.verdict`), and only a bundle it finds invalid
    is checked by jsonschema, whose messages are the ones shown."""
    from iac_gen.spec.schema_subset import verdict

    if verdict("bundle.schema.json")(data):
        return []
    return sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))


def read(data: Any, ctx: ReadContext) -> LiveState:
    """The live state of an `iac-gen export` bundle, checked against its schema.

    Long because a bundle is checked in turn for each way it can be wrong (version,
    schema, both digests, duplicates, each self-contradiction), each with its own message,
    before it is read; the checks read best as one list."""
    version = data.get("schema_version")
    if version not in READABLE_VERSIONS:
        shown = version if isinstance(version, str) and len(version) < 20 else "?"
        raise error(
            "IAC416",
            f"export bundle schema_version {shown!r} is not one this iac-gen reads "
            f"({', '.join(READABLE_VERSIONS)}); export again with this version",
            ctx.file,
        )
    problems = _schema_errors(data)
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
    if "content_sha256" in data and content_digest(data) != data["content_sha256"]:
        raise error(
            "IAC416",
            "export bundle does not match content_sha256 (read, errors, summary, scope or "
            "secrets_removed edited after export?)",
            ctx.file,
        )
    reject_duplicates(data["resources"], ctx.file)
    statuses = [str(e["id"]).lower() for e in data["read"]]
    if len(set(statuses)) != len(statuses):
        raise error(
            "IAC416",
            "export bundle contradicts itself: `read` names a resource twice",
            ctx.file,
        )
    if derived_errors(data["read"]) != data["errors"]:
        raise error(
            "IAC416",
            "export bundle contradicts itself: `errors` does not list exactly the not_checked "
            "entries of `read`",
            ctx.file,
        )
    if derived_summary(data["read"]) != data["summary"]:
        raise error(
            "IAC416",
            "export bundle contradicts itself: `summary` does not count the entries of `read`",
            ctx.file,
        )
    resources, removed = clean(list(data["resources"]), ctx.owned)
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
        changes=dict(data["changes"]) if isinstance(data.get("changes"), dict) else None,
    )


READER = Reader(
    name="bundle",
    description="the export bundle written by `iac-gen export`",
    detect=detect,
    read=read,
)
