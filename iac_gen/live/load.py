"""`read_live(path)`: open a live-state file of any supported shape, safely.

Bounded size, strict UTF-8, JSON errors with line and column, shape recognised by the
registry, secrets scrubbed by every reader. Problems raise `InputError` (codes IAC410-IAC417).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from iac_gen.diagnostics import error
from iac_gen.live.reader import ReadContext
from iac_gen.live.registry import READERS, recognise
from iac_gen.live.state import LiveState

MAX_BYTES = 256 * 1024 * 1024


def read_live(path: Path, target: Mapping[str, str] | None = None) -> LiveState:
    """Read one live input. `target` (subscription, resource_group, workspace) lets the CLI v2
    reader build ids that `az ml ... show` output leaves out."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise error("IAC410", f"cannot read live input: {exc.strerror or exc}", name) from None
    if path.is_dir():
        raise error("IAC410", "live input is a folder; give a JSON file", name)
    if size > MAX_BYTES:
        raise error("IAC412", f"live input is {size} bytes; the limit is {MAX_BYTES} bytes", name)
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error("IAC411", f"live input is not UTF-8 (byte {exc.start})", name) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            "IAC413", f"live input is not valid JSON: {exc.msg}", name, exc.lineno, exc.colno
        ) from None
    reader = recognise(data)
    if reader is None:
        known = "; ".join(f"{r.name} ({r.description})" for r in READERS.values())
        raise error("IAC414", f"unrecognised live input shape; expected one of: {known}", name)
    return reader.read(data, ReadContext(file=name, target=dict(target or {})))
