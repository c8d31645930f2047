"""When and from what evidence was made: the clock and file digests every report shares.

The clock honours `SOURCE_DATE_EPOCH` (reproducible builds) so golden files and re-rendered
evidence carry the same time (a value past the year 9999 is IAC313, one line); digests are
streamed so a large live export is not read whole.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

_LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z, the last moment datetime can hold


def now(env: Mapping[str, str] | None = None) -> datetime:
    """UTC now, or the moment `SOURCE_DATE_EPOCH` names when it is set."""
    epoch = (os.environ if env is None else env).get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        # Past 9999-12-31 (or thousands of digits) datetime raises; that is bad input.
        if len(epoch) <= len(str(_LAST_SECOND)) and int(epoch) <= _LAST_SECOND:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        from iac_gen.diagnostics import error

        shown = epoch if len(epoch) <= 20 else epoch[:17] + "..."
        raise error(
            "IAC313",
            f"SOURCE_DATE_EPOCH {shown} is after the year 9999; give seconds since 1970",
            "SOURCE_DATE_EPOCH",
        )
    return datetime.now(tz=UTC)


def iso_now(env: Mapping[str, str] | None = None) -> str:
    """`now()` as ISO 8601 with `Z`, to the second."""
    return now(env).strftime("%Y-%m-%dT%H:%M:%SZ")


# Digests of files this process has already read whole (the spec files), by the identity of
# the file read: (device, inode, size, mtime_ns, ctime_ns). A fleet's 8,000 spec files would
# otherwise be read a second time only to hash them for drift.json and the manifest.
_KNOWN: dict[tuple[int, int, int, int, int], str] = {}
# A file changed again within the same timestamp tick as our read keeps its mtime; like git's
# "racy" rule, a digest is only remembered for files last modified this long before the read.
# Any later write moves the mtime past that point, and a reset mtime (utime) moves the ctime.
_SETTLED_NS = 2_000_000_000


def _identity(st: os.stat_result) -> tuple[int, int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


# The size of the content behind each digest this run took: a manifest records an input's
# size beside its digest, and content of one digest has one size, so it is not asked of the
# file system again (a fleet's 8,000 spec files: 8,000 more `stat` calls).
_SIZES: dict[str, int] = {}


def remember_digest(st: os.stat_result, data: bytes) -> None:
    """Record the sha256 of `data`, the whole content of the file `st` describes (fstat of
    the descriptor it was read from), so `sha256_file` need not read it again."""
    if time.time_ns() - st.st_mtime_ns > _SETTLED_NS:
        digest = _KNOWN[_identity(st)] = hashlib.sha256(data).hexdigest()
        _SIZES[digest] = len(data)


def known_size(digest: str) -> int | None:
    """The size in bytes of the content whose sha256 this run took (`digest`), or None."""
    return _SIZES.get(digest)


def sha256_file(path: Path, st: os.stat_result | None = None) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks (or remembered from a whole read of the
    very same, unchanged file earlier in this run; see `remember_digest`).

    `st` is the file's `os.stat`, when the caller has just taken it: a remembered digest is
    then found from it without opening the file (a fleet's 10,000 spec files: 0.11 s of
    opening, stating and closing each again). A file replaced or written since has another
    identity, and is read."""
    if st is not None and _KNOWN:
        known = _KNOWN.get(_identity(st))
        if known is not None:
            return known
    with open(path, "rb") as fh:
        if _KNOWN:
            known = _KNOWN.get(_identity(os.fstat(fh.fileno())))
            if known is not None:
                return known
        digest = hashlib.sha256()
        size = 0
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    hexdigest = digest.hexdigest()
    _SIZES[hexdigest] = size
    return hexdigest


# Inputs read from a stream (a pipe: `--live <(az graph query ...)`), by the path given: a
# stream cannot be read a second time to hash it, so what was read is hashed as it is read,
# and the evidence records that (digest, size).
_STREAMED: dict[str, tuple[str, int]] = {}


def remember_stream(path: Path | str, data: bytes) -> None:
    """Record the sha256 and size of `data`, everything read from the stream at `path`."""
    _STREAMED[str(path)] = (hashlib.sha256(data).hexdigest(), len(data))


def streamed(path: Path | str) -> tuple[str, int] | None:
    """(sha256, size) of what this run read from the stream at `path`, or None."""
    return _STREAMED.get(str(path))


def remembered_count() -> int:
    """How many digests `remember_digest` holds: a mark for `remembered_since`."""
    return len(_KNOWN)


def remembered_since(mark: int) -> list[tuple[tuple[int, int, int, int, int], str]]:
    """The digests remembered after `remembered_count()` returned `mark`, so a worker process
    that read files can hand them to the process that continues (`adopt_remembered`)."""
    from itertools import islice

    return list(islice(reversed(_KNOWN.items()), max(len(_KNOWN) - mark, 0)))[::-1]


def adopt_remembered(entries: list[tuple[tuple[int, int, int, int, int], str]]) -> None:
    """Take digests another process remembered (`remembered_since`) as this one's own."""
    _KNOWN.update(entries)
    for identity, digest in entries:
        _SIZES[digest] = identity[2]  # (device, inode, size, ...) of the file hashed
