"""When and from what evidence was made: the clock and file digests every report shares.

The clock honours `SOURCE_DATE_EPOCH` (reproducible builds) so golden files and re-rendered
evidence carry the same time (a value past the year 9999 is IAC313, one line); digests are
streamed so a large live export is not read whole.
"""

from __future__ import annotations

import hashlib
import os
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


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
