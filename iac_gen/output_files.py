"""Write all outputs or none: render into a temporary folder, then move into place."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import error


def dumps_json(data: Any) -> str:
    """Canonical JSON text: sorted keys, two-space indent, UTF-8 characters kept, trailing \\n."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def safe_join(root: Path, relative: str) -> Path:
    """Join `relative` under `root`, refusing anything that would escape it."""
    candidate = (root / relative).resolve()
    base = root.resolve()
    if candidate != base and base not in candidate.parents:
        raise error("IAC301", f"output path {relative!r} escapes the output folder", str(root))
    return candidate


def write_tree(out_dir: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Atomically write `files` (relative path -> content) under `out_dir`.

    Everything is written to a sibling temporary folder first; only when all files are
    written are they moved into `out_dir`, each with an atomic rename. Text is UTF-8, `\\n`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for rel in files:
        safe_join(out_dir, rel)
    staging = Path(tempfile.mkdtemp(prefix=".iac-gen-", dir=out_dir))
    written: list[Path] = []
    try:
        for rel, content in files.items():
            tmp = staging / rel
            tmp.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            tmp.write_bytes(data)
        for rel in files:
            final = safe_join(out_dir, rel)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, final)
            written.append(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def write_file(path: Path, content: str | bytes) -> Path:
    """Atomically write one file (temporary file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=".iac-gen-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
