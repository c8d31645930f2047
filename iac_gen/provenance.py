"""When and from what evidence was made: the clock and file digests every report shares.

The clock honours `SOURCE_DATE_EPOCH` (reproducible builds) so golden files and re-rendered
evidence carry the same time; digests are streamed so a large live export is not read whole.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path


def now(env: Mapping[str, str] | None = None) -> datetime:
    """UTC now, or the moment `SOURCE_DATE_EPOCH` names when it is set."""
    epoch = (os.environ if env is None else env).get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
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
