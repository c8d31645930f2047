"""ARM resource ids as parsed segments, never as strings joined into request paths.

Ids come from the server (listings, Resource Graph rows, GET bodies) and from options. A
string id could hold dot segments (`/deployments/x/../../listKeys`, resolved by the HTTP
stack), a query (`?api-version=...&$expand=keys`) or a fragment, or point outside the scope
that was asked for. So every id is parsed into segments here, checked, and request paths are
rebuilt from the segments with each one percent-quoted: whatever a segment holds, it stays
one segment of the path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from iac_gen.spec.one_line import escape

_MAX_ID_CHARS = 2048  # ARM ids are far shorter; longer text is not an id
# One scan in C instead of two per-character loops in Python: parse_id runs for every id of
# every answer (a fleet export parses each id several times), and the loops cost ~1 ms an id.
_QUERYISH = re.compile(r"[?#\\]")  # a query, a fragment, a backslash
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadId(ValueError):
    """Why a text is not an acceptable ARM id or path segment (already one-line safe)."""


def shown(text: str, limit: int = 300) -> str:
    """Server or user text for a reason or console line: escaped and length-bounded."""
    text = escape(text)
    return text if len(text) <= limit else text[:limit] + "..."


def check_segment(value: str, what: str = "segment") -> str:
    """One path segment: refused when quoting cannot keep it a plain segment (empty, `.`,
    `..`). Anything else, `/` included, is quoted into one segment by `ArmPath.url_path`."""
    if value in ("", ".", ".."):
        raise BadId(f"{what} {value!r} is not a usable ARM name")
    return value


@dataclass(frozen=True)
class ArmPath:
    """An ARM path as segments: `/subscriptions/s/resourceGroups/g/...`."""

    segments: tuple[str, ...]

    @classmethod
    def of(cls, *segments: str) -> ArmPath:
        for seg in segments:
            check_segment(seg)
        return cls(tuple(segments))

    def child(self, *segments: str) -> ArmPath:
        return ArmPath.of(*self.segments, *segments)

    @property
    def id(self) -> str:
        """The id as ARM writes it (the key in the bundle); only for display and matching."""
        return "/" + "/".join(self.segments)

    def url_path(self) -> str:
        """The request path: every segment percent-quoted (`/` and `%` included)."""
        return "/" + "/".join(quote(seg, safe="") for seg in self.segments)

    def key(self) -> tuple[str, ...]:
        """ARM ids compare without regard to case."""
        return tuple(seg.lower() for seg in self.segments)

    def is_under(self, parent: ArmPath) -> bool:
        n = len(parent.segments)
        return len(self.segments) > n and self.key()[:n] == parent.key()

    def name(self) -> str:
        return self.segments[-1]


def parse_id(text: object) -> ArmPath:
    """Parse an id from the server. Raises BadId for anything but plain `/a/b/c` segments."""
    if not isinstance(text, str):
        raise BadId("id is not a string")
    if len(text) > _MAX_ID_CHARS:
        raise BadId(f"id longer than {_MAX_ID_CHARS} characters")
    if not text.startswith("/"):
        raise BadId(f"id {shown(text)!r} does not start with /")
    if _QUERYISH.search(text):
        raise BadId(f"id {shown(text)!r} holds a query, fragment or backslash")
    if _CONTROL.search(text):
        raise BadId(f"id {shown(text)!r} holds control characters")
    segments = tuple(text[1:].split("/"))
    for seg in segments:
        if seg in ("", ".", ".."):
            raise BadId(f"id {shown(text)!r} has an empty or dot segment")
    return ArmPath(segments)


def parse_child(text: object, parent: ArmPath) -> ArmPath:
    """An id listed in the collection `parent`: exactly `parent/<name>`, nothing else."""
    path = parse_id(text)
    if not (path.is_under(parent) and len(path.segments) == len(parent.segments) + 1):
        raise BadId(f"listed id {shown(path.id)!r} is not under {shown(parent.id)}")
    # rebuilt from our own parent: the server's casing of the parent does not matter
    return parent.child(path.name())


# Shapes of the ids export reads from Resource Graph: fixed segments (lower case) and `*`.
ML = "microsoft.machinelearningservices"
SHAPES = {
    "workspace": ("subscriptions", "*", "resourcegroups", "*", "providers", ML, "workspaces", "*"),
    "endpoint": (
        *("subscriptions", "*", "resourcegroups", "*", "providers", ML, "workspaces", "*"),
        *("onlineendpoints", "*"),
    ),
    "deployment": (
        *("subscriptions", "*", "resourcegroups", "*", "providers", ML, "workspaces", "*"),
        *("onlineendpoints", "*", "deployments", "*"),
    ),
    "autoscale": (
        *("subscriptions", "*", "resourcegroups", "*", "providers"),
        *("microsoft.insights", "autoscalesettings", "*"),
    ),
}


def parse_typed(text: object, kind: str, subscriptions: Iterable[str] = ()) -> ArmPath:
    """An id of the given kind (`SHAPES`), inside one of `subscriptions` when any are given."""
    path = parse_id(text)
    shape = SHAPES[kind]
    key = path.key()
    if len(key) != len(shape) or any(s != "*" and s != k for s, k in zip(shape, key, strict=True)):
        raise BadId(f"id {shown(path.id)!r} is not a {kind} id")
    subs = {s.lower() for s in subscriptions}
    if subs and key[1] not in subs:
        raise BadId(f"id {shown(path.id)!r} is outside the requested subscriptions")
    return path


def workspace_of(path: ArmPath) -> ArmPath:
    """The workspace an endpoint or deployment id belongs to."""
    return ArmPath(path.segments[:8])
