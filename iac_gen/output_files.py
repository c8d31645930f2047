"""Write all outputs or none: render into a temporary folder, then move into place."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import InputError, error


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


class _Resolver:
    """`safe_join` for many paths under one root: each folder is resolved once, and a file
    name only when it is a link (or '.'/'..'), so the answers are those of `safe_join`."""

    def __init__(self, root: Path):
        self.root = root
        self.base = root.resolve()
        self.folders: dict[str, Path] = {}

    def join(self, relative: str) -> Path:
        parent, _, name = relative.rpartition("/")
        if name in ("", ".", "..") or os.path.islink(self.root / relative):
            return safe_join(self.root, relative)
        folder = self.folders.get(parent)
        if folder is None:
            folder = self.folders[parent] = (self.root / parent).resolve()
        candidate = folder / name
        base = self.base
        if candidate != base and base not in candidate.parents:
            raise error(
                "IAC301", f"output path {relative!r} escapes the output folder", str(self.root)
            )
        return candidate


def _ensure_folder(folder: Path) -> None:
    """Create `folder` (and parents), or say in one line why it cannot be an output folder."""
    if folder.exists() and not folder.is_dir():
        raise error("IAC302", f"output folder {folder} exists and is not a folder", str(folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise error(
            "IAC302", f"cannot create output folder {folder}: {exc.strerror}", str(folder)
        ) from exc


def _file_mode() -> int:
    """Permissions a plain `open()` would give a new file (0666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_tree(out_dir: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Atomically write `files` (relative path -> content) under `out_dir`.

    Everything is written to a sibling temporary folder first; only when all files are
    written are they moved into `out_dir`: a top-level folder that does not exist yet moves
    with one rename, anything else file by file, each with an atomic rename. Text is UTF-8,
    `\n`.
    """
    out_dir = Path(out_dir)
    _ensure_folder(out_dir)
    resolver = _Resolver(out_dir)
    finals = [resolver.join(rel) for rel in files]
    for rel, final in zip(files, finals, strict=True):
        if final.is_dir():
            raise error("IAC302", f"output file {rel} exists and is a folder", str(out_dir))
    try:
        return _write_staged(out_dir, files, finals)
    except InputError:
        raise
    except OSError as exc:
        raise error("IAC303", f"cannot write to {out_dir}: {exc.strerror}", str(out_dir)) from exc


def _write_staged(
    out_dir: Path, files: Mapping[str, str | bytes], finals: list[Path]
) -> list[Path]:
    staging = Path(tempfile.mkdtemp(prefix=".iac-gen-", dir=out_dir))
    written: list[Path] = []
    try:
        made: set[Path] = {staging}
        for rel, content in files.items():
            tmp = staging / rel
            if tmp.parent not in made:
                tmp.parent.mkdir(parents=True, exist_ok=True)
                made.add(tmp.parent)
            data = content.encode("utf-8") if isinstance(content, str) else content
            with open(tmp, "wb") as fh:
                fh.write(data)
        moved: dict[str, bool] = {}  # top-level name -> moved whole
        for rel, final in zip(files, finals, strict=True):
            top, sep, _ = rel.partition("/")
            whole = moved.get(top) if sep else False
            if whole is None:
                whole = moved[top] = _move_folder(staging / top, out_dir / top, final, rel)
            if not whole:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / rel, final)
            written.append(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _move_folder(staged: Path, target: Path, final: Path, rel: str) -> bool:
    """Move a whole staged top-level folder into place when nothing is there yet."""
    if not staged.is_dir() or staged.is_symlink() or os.path.lexists(target):
        return False
    if final != target.resolve() / rel.partition("/")[2]:
        return False  # the folder's path resolves elsewhere: move file by file
    os.rename(staged, target)
    return True


def write_file(path: Path, content: str | bytes) -> Path:
    """Atomically write one file (temporary file in the same folder, then rename)."""
    path = Path(path)
    _ensure_folder(path.parent)
    if path.is_dir():
        raise error("IAC302", f"output file {path} exists and is a folder", str(path))
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(prefix=".iac-gen-", dir=path.parent)
    except OSError as exc:
        raise error("IAC303", f"cannot write {path}: {exc.strerror}", str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _file_mode())  # mkstemp makes 0600; evidence is meant to be shared
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise error("IAC303", f"cannot write {path}: {exc.strerror}", str(path)) from exc
        raise
    return path
