"""Find spec files: SPEC arguments are files or folders (searched recursively).

Folders contribute their `*.yml` / `*.yaml` regular files (a named pipe would block the
read), skipping hidden folders and `expected/` folders (golden outputs next to fixtures).
Files named explicitly are always read; one that is not a regular file is refused (IAC013)
when it is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from iac_gen.diagnostics import Diagnostic, Location
from iac_gen.spec.frozen import frozen

SPEC_SUFFIXES = (".yml", ".yaml")
SKIPPED_FOLDERS = frozenset({"expected", "node_modules", "__pycache__"})


@frozen
class Candidate:
    """A YAML file to read; `explicit` when the user named it (not found in a folder)."""

    path: Path
    explicit: bool
    folder: Path | None = None  # the file's resolved folder (`path.resolve().parent`)


def _regular(entry: os.DirEntry[str]) -> bool:
    """Whether the entry (after symlinks) is a regular file; a dangling link counts as one, so
    reading it reports the problem. Plain entries are answered from the folder listing (no
    system call per file); only links are followed with a stat."""
    if not entry.is_symlink():
        return entry.is_file()
    try:
        return stat.S_ISREG(os.stat(entry.path).st_mode)
    except OSError:
        return True


def _walk(folder: Path) -> list[tuple[Path, str, Path]]:
    """(file, resolved file as text, resolved folder) in `os.walk` order (a folder's files sorted,
    then its sub-folders sorted; linked folders are not entered), from one `os.scandir` per
    folder.

    Only the given folder is resolved (`os.path.realpath`, a system call per component):
    a sub-folder entered is never a link, so its resolved form is its parent's plus its
    name. A fleet of CLI v2 folders otherwise resolved every folder from the root again.
    The files of one folder share its `Path` objects: each folder is parsed (and, when
    files are grouped by folder, hashed) once; a resolved file is only a key against
    naming one file twice, kept as text (no `Path` to build or hash per file)."""
    found: list[tuple[Path, str, Path]] = []
    # Windows junctions are no links to `is_symlink` but `realpath` resolves them.
    derive = os.name != "nt"

    def visit(dirpath: str, real_dir: str) -> None:
        try:
            with os.scandir(dirpath) as listing:
                entries = list(listing)
        except OSError:
            return  # as os.walk: an unreadable folder is passed over
        subfolders: list[str] = []
        files: list[os.DirEntry[str]] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if entry.is_symlink():
                    continue  # followlinks=False
                if not entry.name.startswith(".") and entry.name not in SKIPPED_FOLDERS:
                    subfolders.append(entry.name)
            elif not entry.name.startswith(".") and entry.name.lower().endswith(SPEC_SUFFIXES):
                files.append(entry)
        if not derive and files:
            real_dir = os.path.realpath(dirpath)
        given = real = None
        for entry in sorted(files, key=lambda e: e.name):
            if not _regular(entry):
                continue  # a named pipe would block the read; devices and sockets are no specs
            if given is None or real is None:
                given, real = Path(dirpath), Path(real_dir)
            path = given / entry.name
            if entry.is_symlink():
                resolved = path.resolve()
                found.append((path, os.fspath(resolved), resolved.parent))
            else:
                found.append((path, os.path.join(real_dir, entry.name), real))
        for name in sorted(subfolders):
            visit(os.path.join(dirpath, name), os.path.join(real_dir, name))

    top = os.fspath(folder)
    visit(top, os.path.realpath(top) if derive else top)
    return found


def discover(paths: Sequence[Path]) -> tuple[list[Candidate], list[Diagnostic]]:
    """Files to read, in a stable order, and problems with the arguments themselves."""
    candidates: list[Candidate] = []
    diags: list[Diagnostic] = []
    seen: set[str] = set()  # resolved files, as text
    if not paths:
        diags.append(Diagnostic("IAC012", "no spec files given", Location("iac-gen", 0, 0)))
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = _walk(path)
            if not files:
                diags.append(
                    Diagnostic(
                        "IAC012",
                        "folder holds no .yml or .yaml files (hidden and expected/ folders "
                        "are skipped)",
                        Location(str(path), 0, 0),
                    )
                )
            entries = [(Candidate(f, False, parent), key) for f, key, parent in files]
        elif path.exists():
            resolved = path.resolve()
            entries = [(Candidate(path, True, resolved.parent), os.fspath(resolved))]
        else:
            diags.append(Diagnostic("IAC001", "no such file or folder", Location(str(path), 0, 0)))
            continue
        for entry, key in entries:
            key = os.path.normcase(key)  # as `Path` compares them: by case on Windows only
            if key in seen:
                continue
            seen.add(key)
            candidates.append(entry)
    return candidates, diags
