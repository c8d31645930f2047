"""The content hash of a local code or model folder, computed exactly as azure-ai-ml does.

Why exactly: azure-ai-ml stores `hash_sha256` (with `hash_version` 202208) on every code
version it registers and reuses a version whose hash matches before uploading again. If
iac-gen computes the same value, a folder deployed with `az ml` and the same folder compiled
here name the same asset, an unchanged folder keeps its version across redeploys, and drift can
tell whether the code that runs is the code in the repository.

The algorithm (azure/ai/ml/_utils/_asset_utils.py: `get_content_hash`,
`get_upload_files_from_folder`, `traverse_directory`, `_get_file_list_content_hash`,
`IgnoreFile`):
- the ignore file is `.amlignore` in the folder's root, else `.gitignore` there, else none
  (ignore files in sub-folders have no effect); gitignore patterns, the last match decides;
- files are listed with `os.walk(followlinks=True)`; each is named by its path relative to the
  folder (the link's name for a symlink) and read through any symlink;
- sha256 over: the file count, then for each file sorted by lower-cased name `#name#` and its
  size, then every file's bytes in the same order.
A single file (a model file) is hashed as a one-file list named by its base name.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HASH_VERSION = 202208  # azure-ai-ml get_content_hash_version()
IGNORE_FILES = (".amlignore", ".gitignore")  # precedence order, root of the folder only
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class UploadFile:
    """One file of the upload set: where it is read from, and its name under the folder."""

    source: Path
    name: str


class Unusable(Exception):
    """An upload entry azure-ai-ml could not upload (a named pipe would block its read; a
    link to nothing or a link loop cannot be read): its name under the folder and why."""

    def __init__(self, name: str, why: str):
        super().__init__(f"{name} {why}")
        self.name = name
        self.why = why


def _entry_problem(path: str) -> str | None:
    """Why an entry of the upload set (links followed) is not a file to read, or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a link loop"
        if os.path.islink(path):
            return "is a link to nothing"
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):  # a folder os.walk could not enter: a link too deep in a loop
        return "is a link back into its own folder"
    if stat.S_ISFIFO(mode):
        return "is a named pipe, not a file"
    return "is a device or socket, not a file"


class _Ignore:
    """The root ignore file's patterns, matched as azure-ai-ml's IgnoreFile matches them."""

    def __init__(self, folder: Path):
        self.base: Path | None = None
        self.patterns: list[object] = []
        for name in IGNORE_FILES:
            candidate = folder / name
            if candidate.exists():
                self.base = candidate.resolve().parent
                lines = candidate.read_text(encoding="utf-8-sig").splitlines()
                self.patterns = _compile([line.rstrip() for line in lines])
                break

    def excluded(self, file: Path) -> bool:
        if not self.patterns or self.base is None:
            return False
        rel = os.path.relpath(file.absolute(), self.base).replace(os.sep, "/")
        rel = rel[1:] if rel.startswith("/") else rel[2:] if rel.startswith("./") else rel
        matched = False
        for pattern in self.patterns:
            include = pattern.include  # type: ignore[attr-defined]
            if include is not None and pattern.match_file(rel) is not None:  # type: ignore[attr-defined]
                matched = include
        return bool(matched)


def _compile(lines: Sequence[str]) -> list[object]:
    # Imported here: only compile and drift of local folders need it, not --help or validate.
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

    return [GitIgnoreSpecPattern(line) for line in lines]


def _resolve(path: Path) -> Path:
    while path.is_symlink():
        target = path.resolve()
        path = target if target.is_absolute() else path.parent.joinpath(target).resolve()
    return path


def upload_files(folder: Path) -> list[UploadFile]:
    """The files azure-ai-ml would upload for `folder`, in walk order.

    Paths are handled as text (`os.path`), one `Path` per file found: a fleet hashes
    thousands of small code folders, and pathlib's parsing was most of the cost."""
    folder = Path(folder)
    ignore = _Ignore(folder)
    out: list[UploadFile] = []
    base = os.fspath(folder)
    for root, dirs, files in os.walk(base, followlinks=True):
        rel = os.path.relpath(root, base)  # os.walk joins below `base`: a plain prefix
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        real_root = os.path.realpath(root)
        for name in dirs:  # a link back up would be walked again and again (os.walk does)
            real = os.path.realpath(os.path.join(root, name))
            inside = real == real_root or real_root.startswith(real.rstrip(os.sep) + os.sep)
            if inside and not (ignore.patterns and ignore.excluded(Path(real_root, name))):
                raise Unusable(prefix + name, "is a link back into its own folder")
        for filename in files:
            origin = Path(real_root, filename)
            if ignore.patterns and ignore.excluded(origin):
                continue
            problem = _entry_problem(os.fspath(origin))
            if problem is not None:
                raise Unusable(prefix + filename, problem)
            source = _resolve(origin) if os.path.islink(origin) else origin
            out.append(UploadFile(source, prefix + filename))
    return out


def _digest(files: Sequence[UploadFile]) -> str:
    return digest_listing([(f.name, os.fspath(f.source), os.path.getsize(f.source)) for f in files])


def digest_listing(
    files: Sequence[tuple[str, str, int]], read: Mapping[str, bytes] | None = None
) -> str:
    """The content hash of upload files given as (name under the folder, path, size);
    `read`: their bytes by path, when the caller has read them already."""
    ordered = sorted(files, key=lambda f: f[0].lower())
    h = hashlib.sha256(str(len(ordered)).encode())
    for name, _path, size in ordered:
        h.update(f"#{name}#".encode())
        h.update(str(size).encode())
    for _name, path, _size in ordered:
        if read is not None:
            h.update(read[path])
            continue
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
    return h.hexdigest()


_CACHE: dict[tuple[object, ...], str] = {}


def content_hash(path: Path) -> str:
    """azure-ai-ml's `get_content_hash` of a folder or file (hex sha256).

    Cached within the process by path and the (name, size, mtime) of every file, so a fleet
    whose deployments share one `./src` reads it once, and an edited file is hashed again.
    """
    path = Path(path)
    actual = _resolve(path) if path.is_symlink() else path
    if actual.is_dir():
        files = upload_files(actual)
    elif actual.is_file():
        files = [UploadFile(actual, actual.name)]
    elif actual.exists():
        raise Unusable(actual.name, _entry_problem(os.fspath(actual)) or "is not a file")
    else:
        raise FileNotFoundError(str(path))
    stamps = tuple((f.name, str(f.source), *_stamp(f.source)) for f in files)
    key: tuple[object, ...] = (str(actual.absolute()), *stamps)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _CACHE[key] = _digest(files)
    return cached


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns
