"""Write all outputs or none: render into a temporary folder, then move into place.

`write_tree` writes a folder of outputs as one commit: every file is staged in a temporary
folder beside them, then moved into place with renames recorded in a journal, so an error
rolls back to the old outputs and a signal (`iac_gen.interrupts`) either stops the run
before the commit or waits for it. Files the run owns but no longer writes (`stale`) are
removed in the same commit. `write_file` writes one file and never destroys what it
writes through: a regular file is replaced atomically, a symlink is followed to the file it
names, a FIFO or character device (`/dev/null`, `/dev/stdout`) is written directly.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from iac_gen import interrupts
from iac_gen.diagnostics import InputError, error


def dumps_json(data: Any) -> str:
    """Canonical JSON text: sorted keys, two-space indent, UTF-8 characters kept, trailing \\n
    (written by orjson when it gives these very bytes, see `iac_gen.emit.jsontext`)."""
    from iac_gen.emit.jsontext import fast_json

    fast = fast_json(data, indent=True)
    if fast is not None:
        return fast
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def safe_join(root: Path, relative: str) -> Path:
    """Join `relative` under `root`, refusing anything that would escape it."""
    candidate = (root / relative).resolve()
    base = root.resolve()
    if candidate != base and base not in candidate.parents:
        raise error("IAC301", f"output path {relative!r} escapes the output folder", str(root))
    return candidate


class _Resolver:
    """`safe_join` for many paths under one root: each folder is resolved (and judged inside
    the root or not) once, and a file name only when it is a link (or '.'/'..'), so the
    answers are those of `safe_join`. A compile writes 9,000 files into a few thousand
    folders: listing every parent of every file was most of writing them."""

    def __init__(self, root: Path):
        self.root = root
        self.root_text = os.fspath(root)
        self.base = root.resolve()
        self.folders: dict[str, Path] = {}
        self.inside: dict[str, bool] = {}

    def join(self, relative: str) -> Path:
        parent, _, name = relative.rpartition("/")
        if name in ("", ".", "..") or os.path.islink(os.path.join(self.root_text, relative)):
            return safe_join(self.root, relative)
        folder = self.folder(parent)
        candidate = folder / name
        # `name` is one plain component, so the candidate's parents are `folder` and its own.
        inside = self.inside.get(parent)
        if inside is None:
            base = self.base
            inside = self.inside[parent] = folder == base or base in folder.parents
        if not inside and candidate != self.base:
            raise error(
                "IAC301", f"output path {relative!r} escapes the output folder", str(self.root)
            )
        return candidate

    def folder(self, parent: str) -> Path:
        """The resolved folder `parent` (relative, '' for the root), resolved once."""
        folder = self.folders.get(parent)
        if folder is None:
            folder = self.folders[parent] = (self.root / parent).resolve()
        return folder


def _ensure_folder(folder: Path) -> list[Path]:
    """Create `folder` (and parents), or say in one line why it cannot be an output folder.

    Returns the folders it created, outermost first, so a write that fails afterwards can
    remove them again (a failed write leaves no empty output folder behind)."""
    if folder.exists() and not folder.is_dir():
        raise error("IAC302", f"output folder {folder} exists and is not a folder", str(folder))
    missing: list[Path] = []
    probe = folder.absolute()
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _remove_folders(missing[::-1])
        raise error(
            "IAC302", f"cannot create output folder {folder}: {exc.strerror}", str(folder)
        ) from exc
    return missing[::-1]


def _remove_folders(made: list[Path]) -> None:
    """Remove folders this write created (innermost first) while they are empty."""
    for folder in reversed(made):
        try:
            os.rmdir(folder)
        except OSError:
            return


def _file_mode() -> int:
    """Permissions a plain `open()` would give a new file (0666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_tree(
    out_dir: Path,
    files: Mapping[str, str | bytes],
    *,
    stale: Callable[[str], bool] | None = None,
) -> list[Path]:
    """Atomically write `files` (relative path -> content) under `out_dir`.

    Everything is written to a sibling temporary folder first; only when all files are
    written are they moved into `out_dir`: a top-level folder that does not exist yet moves
    with one rename, anything else file by file, each with an atomic rename. Text is UTF-8,
    `\n`. Existing files are only ever replaced by regular files: a FIFO, device or socket
    in the way is refused before anything is written.

    `stale(rel)` names the files this run owns: any such file in a folder the run writes
    into that the run does not write is removed in the same commit (old evidence formats,
    parameter files of removed environments). Other files in those folders are kept.
    """
    out_dir = Path(out_dir)
    with interrupts.write_region():
        made = _ensure_folder(out_dir)
        try:
            resolver = _Resolver(out_dir)
            finals = [resolver.join(rel) for rel in files]
            for rel, final in zip(files, finals, strict=True):
                _check_replaceable(final, rel, out_dir)
            try:
                return _write_staged(out_dir, files, finals, resolver, stale)
            except InputError:
                raise
            except OSError as exc:
                raise error(
                    "IAC303", f"cannot write to {out_dir}: {exc.strerror}", str(out_dir)
                ) from exc
        except BaseException:
            _remove_folders(made)
            raise


def _check_replaceable(final: Path, rel: str, out_dir: Path) -> None:
    try:
        mode = os.lstat(final).st_mode
    except FileNotFoundError:
        return
    except NotADirectoryError:
        return  # a parent is a file: creating the folder fails and is reported then
    if stat.S_ISDIR(mode):
        raise error("IAC302", f"output file {rel} exists and is a folder", str(out_dir))
    if not stat.S_ISREG(mode):
        raise error(
            "IAC302",
            f"output file {rel} exists and is {_kind(mode)}, not a regular file",
            str(out_dir),
        )


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _write_staged(
    out_dir: Path,
    files: Mapping[str, str | bytes],
    finals: list[Path],
    resolver: _Resolver,
    stale: Callable[[str], bool] | None,
) -> list[Path]:
    staging: Path | None = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=".iac-gen-", dir=out_dir))
        new = staging / "new"
        new.mkdir()
        made: set[Path] = {new}
        half = len(files) // 2
        for index, (rel, content) in enumerate(files.items()):
            if index == half:
                interrupts.checkpoint("stage")
            interrupts.check()  # a signal while staging: give up, old outputs untouched
            tmp = new / rel
            if tmp.parent not in made:
                tmp.parent.mkdir(parents=True, exist_ok=True)
                made.add(tmp.parent)
            data = content.encode("utf-8") if isinstance(content, str) else content
            with open(tmp, "wb") as fh:
                fh.write(data)
        removals = _stale_entries(files, resolver, stale) if stale is not None else []
        interrupts.checkpoint("staged")
        interrupts.check()
        return _commit(out_dir, staging, files, finals, removals)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _stale_entries(
    files: Mapping[str, str | bytes], resolver: _Resolver, stale: Callable[[str], bool]
) -> list[Path]:
    """Owned files in the written folders that this run does not write (never folders)."""
    found: list[Path] = []
    for parent in sorted({rel.rpartition("/")[0] for rel in files}):
        try:
            entries = list(os.scandir(resolver.folder(parent)))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            rel = f"{parent}/{entry.name}" if parent else entry.name
            if rel in files or not stale(rel) or entry.is_dir(follow_symlinks=False):
                continue
            found.append(Path(entry.path))
    return found


# One step of the journal: how to undo it. ("unmove", placed, back), ("restore", path,
# backup), ("unlink", path, None), ("rmdir", folder, None).
_Step = tuple[str, Path, Path | None]


def _commit(
    out_dir: Path,
    staging: Path,
    files: Mapping[str, str | bytes],
    finals: list[Path],
    removals: list[Path],
) -> list[Path]:
    """Move the staged files into place (and the stale ones out) as one step: every change
    is journalled, and any error undoes them all. Signals wait (`interrupts.write_region`)."""
    new, old = staging / "new", staging / "old"
    old.mkdir()
    journal: list[_Step] = []
    ready: set[Path] = set()  # folders known to exist
    written: list[Path] = []
    try:
        moved: dict[str, bool] = {}  # top-level name -> moved whole
        half = len(files) // 2
        for index, (rel, final) in enumerate(zip(files, finals, strict=True)):
            if index == half:
                interrupts.checkpoint("commit")
            top, sep, _ = rel.partition("/")
            whole = moved.get(top) if sep else False
            if whole is None:
                whole = moved[top] = _move_folder(new / top, out_dir / top, final, rel)
                if whole:
                    journal.append(("unmove", out_dir / top, new / top))
            if not whole:
                _make_folders(final.parent, ready, journal)
                if os.path.lexists(final):
                    backup = old / str(len(journal))
                    _keep_old(final, backup)
                    journal.append(("restore", final, backup))
                    os.replace(new / rel, final)
                else:
                    os.replace(new / rel, final)
                    journal.append(("unlink", final, None))
            written.append(final)
        for path in removals:
            backup = old / str(len(journal))
            os.rename(path, backup)
            journal.append(("restore", path, backup))
    except BaseException:
        _roll_back(journal)
        raise
    return written


def _make_folders(folder: Path, ready: set[Path], journal: list[_Step]) -> None:
    if folder in ready:
        return
    missing: list[Path] = []
    probe = folder
    while not probe.is_dir():
        missing.append(probe)
        probe = probe.parent
    for path in reversed(missing):
        os.mkdir(path)
        journal.append(("rmdir", path, None))
    ready.add(folder)


def _keep_old(final: Path, backup: Path) -> None:
    """Keep the old file for a roll-back: a hard link, so `final` never disappears for a
    reader; a rename where links are not supported."""
    try:
        os.link(final, backup, follow_symlinks=False)
    except OSError:
        os.rename(final, backup)


def _roll_back(journal: list[_Step]) -> None:
    """Undo the journal, newest first; best effort (each step is independent)."""
    for action, path, other in reversed(journal):
        try:
            if action == "unmove" and other is not None:
                os.rename(path, other)
            elif action == "restore" and other is not None:
                os.replace(other, path)
            elif action == "unlink":
                os.unlink(path)
            elif action == "rmdir":
                os.rmdir(path)
        except OSError:
            continue


def _move_folder(staged: Path, target: Path, final: Path, rel: str) -> bool:
    """Move a whole staged top-level folder into place when nothing is there yet."""
    if not staged.is_dir() or staged.is_symlink() or os.path.lexists(target):
        return False
    if final != target.resolve() / rel.partition("/")[2]:
        return False  # the folder's path resolves elsewhere: move file by file
    os.rename(staged, target)
    return True


def write_file(path: Path, content: str | bytes) -> Path:
    """Write one file without destroying what it writes through.

    A regular file (or a new one) is replaced atomically: a temporary file in the same
    folder, then a rename; an existing file keeps its permissions. A symlink is followed:
    the file it names is replaced, the link stays. A FIFO or character device (`/dev/null`,
    a terminal) is opened and written directly. A path that names one of this process's
    open descriptors (`/dev/stdout`, `/dev/fd/N`) is written to that descriptor, whatever it
    is connected to, as if printed. Returns `path`.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    descriptor = _own_descriptor(path)
    if descriptor is not None:
        _write_descriptor(path, data, descriptor)
        return path
    target = _destination(path)
    if target is None:
        _write_direct(path, data)
        return path
    with interrupts.write_region():
        made = _ensure_folder(target.parent)
        try:
            _replace_file(path, target, data)
        except BaseException:
            _remove_folders(made)
            raise
    return path


def _destination(path: Path) -> Path | None:
    """The regular file that writing `path` replaces; None when `path` is opened and
    written as it is (a FIFO, a device, another process's descriptor)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return Path(os.path.realpath(path))  # a new file (for a dangling link: its target)
    except OSError as exc:
        raise error("IAC302", f"cannot write {path}: {exc.strerror}", str(path)) from exc
    if stat.S_ISDIR(st.st_mode):
        raise error("IAC302", f"output file {path} exists and is a folder", str(path))
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
        return None
    if not stat.S_ISREG(st.st_mode):
        raise error(
            "IAC302",
            f"output file {path} is {_kind(st.st_mode)}; only regular files, FIFOs and "
            "character devices are written",
            str(path),
        )
    if _through_proc(path):
        return None  # another process's descriptor: never replace its file
    return Path(os.path.realpath(path))


def _links(path: Path) -> Iterator[tuple[str, str]]:
    """(resolved folder, name) of `path` and of each link it leads to, in order."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on links followed
        head, tail = os.path.split(current)
        head = os.path.realpath(head)
        yield head, tail
        current = os.path.join(head, tail)
        if not os.path.islink(current):
            return
        current = os.path.join(head, os.readlink(current))


def _own_descriptor(path: Path) -> int | None:
    """N when `path` leads to /proc/<this process>/fd/N (as /dev/stdout, /dev/fd/N do)."""
    mine = f"/proc/{os.getpid()}/fd"
    for head, tail in _links(path):
        if head == mine and tail.isdigit():
            return int(tail)
    return None


def _through_proc(path: Path) -> bool:
    return any(head == "/proc" or head.startswith("/proc/") for head, _ in _links(path))


def _write_descriptor(path: Path, data: bytes, descriptor: int) -> None:
    """Write to an open descriptor of this process, sharing its offset (so what the
    caller's shell writes to the same stream afterwards follows, never overwrites)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and _fileno(stream) == descriptor:
            stream.flush()  # what was printed before comes first
    try:
        _write_all(descriptor, data)
    except OSError as exc:
        raise error("IAC303", f"cannot write {path}: {exc.strerror}", str(path)) from exc


def _fileno(stream: IO[str]) -> int | None:
    try:
        return stream.fileno()
    except (OSError, ValueError, AttributeError):
        return None


def _write_direct(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise error("IAC303", f"cannot write {path}: {exc.strerror}", str(path)) from exc
    try:
        _write_all(fd, data)
    except OSError as exc:
        raise error("IAC303", f"cannot write {path}: {exc.strerror}", str(path)) from exc
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _replace_file(path: Path, target: Path, data: bytes) -> None:
    try:
        existing: os.stat_result | None = os.stat(target)
    except OSError:
        existing = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".iac-gen-", dir=target.parent)
    except OSError as exc:
        raise error("IAC303", f"cannot write {path}: {exc.strerror}", str(path)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        interrupts.checkpoint("file")
        interrupts.check()  # a signal while writing: keep the old file
        # mkstemp makes 0600; evidence is meant to be shared, and a replaced file keeps its own
        os.chmod(tmp, stat.S_IMODE(existing.st_mode) if existing else _file_mode())
        if existing and (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
            # not permitted unless root: then the file becomes ours, as any rewrite would
            with suppress(OSError):
                os.chown(tmp, existing.st_uid, existing.st_gid)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise error("IAC303", f"cannot write {path}: {exc.strerror}", str(path)) from exc
        raise
