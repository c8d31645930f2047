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
from dataclasses import dataclass
from pathlib import Path

from iac_gen.diagnostics import Diagnostic, Location

SPEC_SUFFIXES = (".yml", ".yaml")
SKIPPED_FOLDERS = frozenset({"expected", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class Candidate:
    """A YAML file to read; `explicit` when the user named it (not found in a folder)."""

    path: Path
    explicit: bool


def _regular(path: Path) -> bool:
    """Whether `path` (after symlinks) is a regular file; a dangling link counts as one, so
    reading it reports the problem."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def _walk(folder: Path) -> list[tuple[Path, Path]]:
    """(file, resolved file) pairs; each folder is resolved once, not each of its files."""
    found: list[tuple[Path, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and d not in SKIPPED_FOLDERS
        )
        real_dir: str | None = None
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SPEC_SUFFIXES):
                continue
            path = Path(dirpath) / name
            if not _regular(path):
                continue  # a named pipe would block the read; devices and sockets are no specs
            if os.path.islink(path):
                resolved = path.resolve()
            else:
                if real_dir is None:
                    real_dir = os.path.realpath(dirpath)
                resolved = Path(real_dir, name)
            found.append((path, resolved))
    return found


def discover(paths: Sequence[Path]) -> tuple[list[Candidate], list[Diagnostic]]:
    """Files to read, in a stable order, and problems with the arguments themselves."""
    candidates: list[Candidate] = []
    diags: list[Diagnostic] = []
    seen: set[Path] = set()
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
            entries = [(Candidate(f, explicit=False), key) for f, key in files]
        elif path.exists():
            entries = [(Candidate(path, explicit=True), path.resolve())]
        else:
            diags.append(Diagnostic("IAC001", "no such file or folder", Location(str(path), 0, 0)))
            continue
        for entry, key in entries:
            if key in seen:
                continue
            seen.add(key)
            candidates.append(entry)
    return candidates, diags
