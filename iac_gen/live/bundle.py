"""The export bundle: the live state of one scope, written by `iac-gen export`.

Format (JSON Schema `schemas/bundle.schema.json`): `schema_version`, `kind`, `tool`,
`exported_at`, `arm_endpoint`, `api_versions`, `scope`, `resources` (ARM GET bodies, secrets
removed, sorted by id), `read` (one status per resource: read / missing / not_checked with a
reason), `errors` (the not_checked entries of `read`), `secrets_removed`, `summary` (counts of
`read` by status), `resources_sha256` (SHA-256 of the canonical JSON of `resources`) and, since
schema 1.1, `content_sha256`: SHA-256 of the canonical JSON of every member that decides a
drift verdict (`DIGESTED`: resources, read, errors, summary, scope, secrets_removed), so an
edited read status is noticed like an edited resource. Both digests are unkeyed: they catch
edits and damage, not a forger who recomputes them.

Since schema 1.2 a bundle may carry `changes` (written by `iac-gen export --changes`): the
change history of the exported resources (`iac_gen.azure.changes`), which drift uses to say
who changed each drifted property. It is digested into `content_sha256` when present (so a
bundle without it keeps the digest it always had, and 1.0/1.1 bundles are read as before).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from iac_gen import __version__
from iac_gen.provenance import iso_now

SCHEMA_VERSION = "1.2"
# 1.0: no content_sha256; read is checked for consistency. 1.2: optional `changes`.
READABLE_VERSIONS = ("1.0", "1.1", "1.2")
DIGESTED = ("resources", "read", "errors", "summary", "scope", "secrets_removed")
BUNDLE_KIND = "iac-gen/live-bundle"
STATUSES = ("read", "missing", "not_checked")


def canonical_json(data: Any) -> str:
    """Compact, key-sorted JSON: the text whose digest is `resources_sha256`."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_bytes(data: Any) -> bytes:
    """`canonical_json(data)` as UTF-8, from orjson where it writes the same bytes (about
    ten times faster than `json.dumps`; `emit.jsontext` probes it), else from `json.dumps`.
    A fleet's bundle is written twice over for its two digests, on export and on reading."""
    from iac_gen.emit.jsontext import fast_json_bytes

    fast = fast_json_bytes(data, indent=False)
    if fast is not None:
        return fast[:-1]  # its trailing newline is no part of the digested text
    return canonical_json(data).encode("utf-8")


def resources_digest(resources: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical_bytes(resources)).hexdigest()


def content_digest(bundle: Mapping[str, Any]) -> str:
    """SHA-256 of the members that decide a verdict (`DIGESTED`), as canonical JSON."""
    covered = {key: bundle.get(key) for key in DIGESTED}
    if "changes" in bundle:
        covered["changes"] = bundle["changes"]
    return hashlib.sha256(canonical_bytes(covered)).hexdigest()


def derived_errors(read: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`errors` as `read` implies them: one {id, reason} per not_checked entry, in order."""
    return [
        {"id": e["id"], "reason": e.get("reason", "")} for e in read if e["status"] == "not_checked"
    ]


def derived_summary(read: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """`summary` as `read` implies it: the number of entries per status."""
    statuses = [e["status"] for e in read]
    return {s: statuses.count(s) for s in STATUSES}


def timestamp() -> str:
    """Now in ISO 8601 with `Z`, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    return iso_now()


def build_bundle(
    *,
    resources: Iterable[Mapping[str, Any]],
    read: Iterable[Mapping[str, Any]],
    scope: Mapping[str, Any],
    arm_endpoint: str,
    api_versions: Mapping[str, str],
    secrets_removed: Iterable[Mapping[str, str]] = (),
    changes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble a bundle with deterministic ordering and the resources digest."""
    by_id: dict[str, dict[str, Any]] = {}
    for body in resources:
        by_id[str(body["id"]).lower()] = dict(body)
    ordered = [by_id[k] for k in sorted(by_id)]
    statuses: dict[str, dict[str, Any]] = {}
    for entry in read:
        statuses[str(entry["id"]).lower()] = dict(entry)
    read_list = [statuses[k] for k in sorted(statuses)]
    errors = derived_errors(read_list)
    removed = sorted(
        ({"id": r["id"], "path": r["path"]} for r in secrets_removed),
        key=lambda r: (r["id"].lower(), r["path"]),
    )
    bundle = {
        "schema_version": SCHEMA_VERSION,
        "kind": BUNDLE_KIND,
        "tool": {"name": "iac-gen", "version": __version__},
        "exported_at": timestamp(),
        "arm_endpoint": arm_endpoint,
        "api_versions": dict(sorted(api_versions.items())),
        "scope": dict(scope),
        "resources": ordered,
        "read": read_list,
        "errors": errors,
        "secrets_removed": removed,
        "resources_sha256": resources_digest(ordered),
        "summary": derived_summary(read_list),
    }
    if changes is not None:
        bundle["changes"] = dict(changes)
    bundle["content_sha256"] = content_digest(bundle)
    return bundle
