"""Read one YAML file safely into plain data plus the position of every value.

Why not `yaml.safe_load`: it loses positions, lets duplicate keys silently win, expands
aliases without limit and recurses on deep nesting. Here the event stream (libyaml when
available) is folded into dicts/lists with an explicit stack, so nesting depth, node count
(alias expansion included) and file size are all bounded, and every diagnostic carries
`file:line:col`.

Scalars follow the YAML 1.1 core resolver (like `safe_load`) except timestamps, which stay
strings (`api_version: 2026-05-01` must not become a date). Mapping keys are always the text
the user wrote.
"""

from __future__ import annotations

import math
import os
import stat
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from iac_gen.diagnostics import Diagnostic, InputError, Location
from iac_gen.provenance import remember_digest
from iac_gen.spec.frozen import frozen

MAX_FILE_BYTES = 1024 * 1024  # 1 MiB: a spec is a few KiB; anything larger is a mistake or hostile
MAX_NODES = 100_000  # values after alias expansion
MAX_DEPTH = 64  # nesting of mappings/sequences
DUPLICATE_KEY = "IAC005"  # the waivers reader re-codes this one as IAC422

RawPath = tuple[str | int, ...]

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_PLAIN_TAGS = {
    "tag:yaml.org,2002:null": _CONSTRUCTOR.construct_yaml_null,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
}
# What a core-schema constructor raises for a value its tag cannot hold: `!!int abc` a
# ValueError, `!!bool maybe` a KeyError (PyYAML looks the text up in a table), ...
_BAD_SCALAR = (ValueError, KeyError, IndexError, TypeError, OverflowError, yaml.YAMLError)
_STRING_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp", "!"}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@frozen
class YamlDocument:
    """One YAML document: plain data and where each value was written (by raw path)."""

    file: str
    data: Any
    positions: Mapping[RawPath, Location]


class Positions(Mapping[RawPath, Location]):
    """Where each value of one file was written, by raw path: a read-only mapping kept as
    the file's line and column numbers against a table of raw paths that every file of the
    same shape shares.

    A fleet's spec files are mostly one shape, and a parsed file's positions were most of
    its memory: a dict of ~50 raw-path tuples to `Location` objects is about 10 KiB, and
    10,000 files held 100 MiB of them (also copied into a forked worker that reads them).
    Here each file keeps a list of numbers (under 1 KiB); a `Location` is made when one is
    asked for - most files of a fleet never report one. Compares equal to the dict it
    stands for."""

    __slots__ = ("_index", "file", "numbers", "paths")

    def __init__(self, file: str, paths: Sequence[RawPath], numbers: list[int]):
        self.file = file
        self.paths, self._index = _shape(tuple(paths))
        self.numbers = numbers  # line, column of each path in turn

    def __getitem__(self, key: RawPath) -> Location:
        return self.at(self._index[key])

    def get(self, key: RawPath, default: Any = None) -> Any:
        index = self._index.get(key)
        return default if index is None else self.at(index)

    def at(self, index: int) -> Location:
        """The position of the `index`-th path."""
        return Location(self.file, self.numbers[2 * index], self.numbers[2 * index + 1])

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[RawPath]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def locations(self) -> list[Location]:
        """Every position in key order (what `values()` gives, made in one pass)."""
        numbers, file = self.numbers, self.file
        return list(map(Location, [file] * len(self.paths), numbers[0::2], numbers[1::2]))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Positions, (self.file, self.paths, self.numbers))

    def __repr__(self) -> str:
        return repr(dict(zip(self.paths, self.locations(), strict=True)))


class Stitched(Positions):
    """`Positions` of one document stitched from several files (a CLI v2 endpoint file and
    its deployment files): the paths in turn, each file's run of them ending at `ends`.

    Folding a fleet's files into documents otherwise turned every position back into a
    `Location` (110,000 of them for 2,000 endpoints) before any was asked for."""

    __slots__ = ("ends", "files")

    def __init__(
        self,
        paths: Sequence[RawPath],
        numbers: list[int],
        files: Sequence[str],
        ends: Sequence[int],
    ):
        super().__init__(files[0], paths, numbers)
        self.files = tuple(files)
        self.ends = tuple(ends)  # index after each file's last path

    def at(self, index: int) -> Location:
        file = self.files[bisect_right(self.ends, index)]
        return Location(file, self.numbers[2 * index], self.numbers[2 * index + 1])

    def locations(self) -> list[Location]:
        numbers, start = self.numbers, 0
        out: list[Location] = []
        for file, end in zip(self.files, self.ends, strict=True):
            count = end - start
            out += map(
                Location,
                [file] * count,
                numbers[2 * start : 2 * end : 2],
                numbers[2 * start + 1 : 2 * end : 2],
            )
            start = end
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        return (Stitched, (self.paths, self.numbers, self.files, self.ends))


_SHAPES: dict[tuple[RawPath, ...], tuple[tuple[RawPath, ...], dict[RawPath, int]]] = {}
_SHAPES_KEPT = 256


def _shape(keys: tuple[RawPath, ...]) -> tuple[tuple[RawPath, ...], dict[RawPath, int]]:
    """The shared (keys, index of each key) of a shape. A few hundred shapes are kept, and
    the table starts again when full: files of one shape are mostly read together."""
    known = _SHAPES.get(keys)
    if known is None:
        known = (keys, {key: index for index, key in enumerate(keys)})
        if len(_SHAPES) >= _SHAPES_KEPT:
            _SHAPES.clear()
        _SHAPES[keys] = known
    return known


class _Frame:
    """A mapping or sequence being built."""

    __slots__ = (
        "anchor",
        "entry_start",
        "key",
        "key_loc",
        "loc",
        "merges",
        "path",
        "value",
    )

    def __init__(
        self, value: Any, path: RawPath, anchor: str | None, loc: Location, entry_start: int
    ):
        self.value = value
        self.path = path
        self.anchor = anchor
        self.loc = loc
        self.entry_start = entry_start
        self.key: str | None = None
        self.key_loc: Location | None = None
        self.merges: list[tuple[Any, list[tuple[RawPath, Location]]]] = []


class _TooBig(Exception):
    pass


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def read_text(path: Path, display: str) -> str:
    """The file's text, or InputError for size, encoding and access problems.

    Long because each refusal (not a regular file, too large, unreadable, UTF-16, not
    UTF-8) is its own one-line diagnostic, checked on the one descriptor opened."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it (and
        # devices, sockets, folders) on the very file opened, so nothing can be swapped in.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            mode = st.st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError
            if not stat.S_ISREG(mode):
                raise InputError(
                    [
                        Diagnostic(
                            "IAC013",
                            "not a regular file (a named pipe, device or socket); "
                            "specs are read from regular files only",
                            Location(display, 0, 0),
                        )
                    ]
                )
            # Size check before reading: a 2 GB file is refused unread. The read asks for the
            # size fstat gave (not a 1 MiB buffer per file), then for more if the file grew.
            raw = b""
            if st.st_size <= MAX_FILE_BYTES:
                raw = fh.read(st.st_size + 1)
                if len(raw) > st.st_size:
                    raw += fh.read(MAX_FILE_BYTES + 1 - len(raw))
    except IsADirectoryError:
        raise InputError(
            [Diagnostic("IAC013", "is a folder, expected a file", Location(display, 0, 0))]
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(
            [Diagnostic("IAC013", f"cannot read the file: {reason}", Location(display, 0, 0))]
        ) from None
    if len(raw) > MAX_FILE_BYTES or st.st_size > MAX_FILE_BYTES:
        raise InputError(
            [
                Diagnostic(
                    "IAC002",
                    f"file is larger than {MAX_FILE_BYTES} bytes (1 MiB); a spec is a few KiB",
                    Location(display, 1, 1),
                )
            ]
        )
    if len(raw) == st.st_size:
        remember_digest(st, raw)  # hash once: drift.json and the manifest reuse it
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            [Diagnostic("IAC003", "file is UTF-16; save it as UTF-8", Location(display, 1, 1))]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start]
        line = head.count(b"\n") + 1
        col = len(head) - (head.rfind(b"\n") + 1) + 1
        raise InputError(
            [
                Diagnostic(
                    "IAC003",
                    f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start};"
                    " save the file as UTF-8",
                    Location(display, line, col),
                )
            ]
        ) from None
    return text


def parse_yaml(path: Path, display: str | None = None) -> list[YamlDocument]:
    """Every document of the file (usually one); InputError for anything unsafe or malformed."""
    name = display if display is not None else str(path)
    text = read_text(path, name)
    return parse_yaml_text(text, name)


def parse_yaml_text(text: str, file: str) -> list[YamlDocument]:
    """Fold the YAML event stream of `text` into documents (see module docstring)."""
    try:
        return _fold(text, file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if "maximum nesting depth" in (exc.problem or ""):
            # the libyaml in newer PyYAML wheels (seen: 6.0.4) stops deep flow nesting itself
            # ("exceeded maximum nesting depth", at 1,000 levels) before our walk sees it;
            # it is the same problem as our own limit, so it gets the same code.
            raise InputError(
                [
                    Diagnostic(
                        "IAC009",
                        f"nesting deeper than {MAX_DEPTH} levels",
                        Location(file, line, col),
                    )
                ]
            ) from None
        raise InputError(
            [Diagnostic("IAC004", f"YAML syntax error: {what}", Location(file, line, col))]
        ) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, min(exc.position, len(text)))
        raise InputError(
            [
                Diagnostic(
                    "IAC004",
                    f"YAML syntax error: character U+{exc.character:04X} is not allowed in YAML",
                    Location(file, line, col),
                )
            ]
        ) from None
    except yaml.YAMLError as exc:  # anything else libyaml reports
        raise InputError(
            [Diagnostic("IAC004", f"YAML syntax error: {exc}", Location(file, 1, 1))]
        ) from None


def _fold(text: str, file: str) -> list[YamlDocument]:
    fast = _compose_fast(text, file)
    if fast is not None:
        return fast
    return _Folder(file).run(text)


# Collections need an indicator character each ('[', '{', '-', ':' or '?'), so their count
# bounds the nesting depth. libyaml's composer recurses in C: past ~10,000 levels it would
# overflow the stack, so only texts far below that take the fast path.
_FAST_MAX_INDICATORS = 2000
_SCALAR_CACHE: dict[tuple[str, str], Any] = {}
_MISSING = object()


@cache
def _fast_loader() -> Any:
    """libyaml's composer with no Python call per node (see `_Tags`), or None."""
    base = getattr(yaml, "CSafeLoader", None)
    if base is None or base.yaml_path_resolvers:
        return None  # no libyaml, or resolution that depends on more than the scalar

    class FastLoader(base):  # type: ignore[misc, valid-type]
        # libyaml's composer calls three methods per node: `descend_resolver(parent, index)`
        # and `ascend_resolver()` around it, to follow path resolvers (there are none:
        # checked above), and `resolve(kind, value, implicit)` for an untagged node's tag.
        # C callables that take the same arguments cost no Python frame: the first two do
        # nothing, and `resolve` keeps its arguments as the node's tag, a
        # `slice(kind, value, implicit)` that `_walk_nodes` resolves (`_Tags`).
        descend_resolver = slice
        ascend_resolver = tuple
        resolve = slice

    return FastLoader


class _Tags:
    """What the standard resolver makes of an untagged plain scalar, and its value, as
    `Resolver.resolve` and the core constructors give it; remembered per text.

    Only texts whose first character has an implicit resolver (digits, signs, `~`, `y`, `n`,
    `t`, `f`, `o`, ...) can be anything but a string: the others are strings at once."""

    def __init__(self, base: Any):
        self.resolver = base("")  # the loader's own resolver tables and defaults
        self.resolve = base.resolve
        table = base.yaml_implicit_resolvers
        # A wildcard resolver (key None) may match any text: then every text is looked up.
        self.firsts: frozenset[Any] | None = None if None in table else frozenset(table)
        self.values: dict[str, Any] = {}

    def value(self, text: str, implicit: Any) -> Any:
        """The scalar's value; _Unusual for what the event folder reports (or handles)."""
        tag = self.resolve(self.resolver, yaml.ScalarNode, text, implicit)
        if tag in _STRING_TAGS:
            value: Any = text
        else:
            build = _PLAIN_TAGS.get(tag)
            if build is None:
                raise _Unusual
            try:
                value = build(yaml.ScalarNode(tag, text))
            except _BAD_SCALAR:
                raise _Unusual from None
            if type(value) is float and not math.isfinite(value):
                raise _Unusual  # the event folder reports it (IAC015)
        if len(self.values) < 8192:
            self.values[text] = value
        return value


@cache
def _tags() -> _Tags:
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _Tags(base)


class _Unusual(Exception):
    """The fast path met something only the event folder handles (or reports) exactly."""


def _compose_fast(text: str, file: str) -> list[YamlDocument] | None:
    """The common case, built from libyaml's node graph: one document, a mapping at the top,
    no aliases, merge keys, duplicate keys, unusual tags or invalid values, within the limits.

    None means "not the common case": the event folder then reads the text again and gives
    exactly its results and diagnostics (errors, aliases, merges, several documents).
    """
    loader_class = _fast_loader()
    if loader_class is None:
        return None
    indicators = (
        text.count("[") + text.count("{") + text.count("-") + text.count(":") + text.count("?")
    )
    if indicators > _FAST_MAX_INDICATORS:
        return None
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    if root is None or type(root) is not yaml.MappingNode:
        return None
    try:
        data, positions = _walk_nodes(root, file, "*" in text)
    except _Unusual:
        return None
    return [YamlDocument(file, data, positions)]


def _walk_nodes(root: Any, file: str, aliases_possible: bool) -> tuple[Any, Positions]:
    """Plain data and positions (in the event folder's order) of an alias-free node graph
    whose root is a mapping.

    A node met twice is an alias (only possible when the text holds a '*'): the event folder
    takes over, as it reports the alias's own position.

    Long because it is the hot loop of loading a fleet (half a million values): one frame
    per open mapping or sequence, whose children are taken in document order, a scalar
    settled where it is met (no push and pop per value) and a collection opened as the next
    frame; the scalar cases are inlined with local names, without a call per value.
    """
    mapping_node = yaml.MappingNode
    sequence_node = yaml.SequenceNode
    scalar_node = yaml.ScalarNode
    scalar_cache = _SCALAR_CACHE
    string_tags = _STRING_TAGS
    tags = _tags()
    firsts = tags.firsts
    plain_values = tags.values
    seen: set[int] = {id(root)}
    mark = root.start_mark
    keys: list[RawPath] = [()]  # with the line and column of each in `numbers`
    numbers: list[int] = [mark.line + 1, mark.column + 1]
    if root.tag != _MAP_TAG and type(root.tag) is not slice:  # slice: untagged
        raise _Unusual
    data: dict[str, Any] = {}
    # (children left, container, path, nesting, a mapping?): the open collections, innermost
    # last; a sequence's children come with their index, a mapping's with their key node.
    frames: list[tuple[Any, Any, RawPath, int, bool]] = [(iter(root.value), data, (), 0, True)]
    while frames:
        children, container, path, depth, in_mapping = frames[-1]
        for first, node in children:
            if in_mapping:
                if type(first) is not scalar_node:
                    raise _Unusual
                if aliases_possible:
                    if id(first) in seen:
                        raise _Unusual
                    seen.add(id(first))
                slot = first.value
                if slot == "<<" or slot in container:
                    raise _Unusual
                mark = first.start_mark
            else:
                slot = first
                mark = node.start_mark
            if aliases_possible:
                if id(node) in seen:
                    raise _Unusual
                seen.add(id(node))
            here = (*path, slot)
            keys.append(here)
            numbers += (mark.line + 1, mark.column + 1)
            kind = type(node)
            if kind is scalar_node:
                tag = node.tag
                if type(tag) is slice:  # untagged: (kind, text, implicit), see _fast_loader
                    text = node.value
                    if not tag.step[0]:  # not plain (quoted): a string, as the resolver says
                        container[slot] = text
                    elif firsts is not None and text[:1] not in firsts:
                        container[slot] = text  # no implicit resolver starts with this
                    else:
                        value = plain_values.get(text, _MISSING)
                        container[slot] = tags.value(text, tag.step) if value is _MISSING else value
                    continue
                if tag in string_tags:
                    container[slot] = node.value
                    continue
                cache_key = (tag, node.value)
                value = scalar_cache.get(cache_key, _MISSING)
                if value is _MISSING:
                    build = _PLAIN_TAGS.get(tag)
                    if build is None:
                        raise _Unusual
                    try:
                        value = build(node)
                    except _BAD_SCALAR:
                        raise _Unusual from None
                    if type(value) is float and not math.isfinite(value):
                        raise _Unusual  # the event folder reports it (IAC015)
                    if len(scalar_cache) < 4096:
                        scalar_cache[cache_key] = value
                container[slot] = value
                continue
            if depth + 1 >= MAX_DEPTH or len(keys) > MAX_NODES:
                raise _Unusual
            if kind is mapping_node:
                if node.tag != _MAP_TAG and type(node.tag) is not slice:
                    raise _Unusual
                opened: Any = {}
                frames.append((iter(node.value), opened, here, depth + 1, True))
            elif kind is sequence_node:
                if node.tag != _SEQ_TAG and type(node.tag) is not slice:
                    raise _Unusual
                opened = [None] * len(node.value)
                frames.append((enumerate(node.value), opened, here, depth + 1, False))
            else:
                raise _Unusual
            container[slot] = opened
            break  # the opened collection's children come first
        else:
            frames.pop()
    if len(keys) > MAX_NODES:
        raise _Unusual
    return data, Positions(file, keys, numbers)


class _Abort(Exception):
    pass


class _Folder:
    """Builds documents from parser events with an explicit stack (no recursion)."""

    def __init__(self, file: str):
        self.file = file
        self.docs: list[YamlDocument] = []
        self.diags: list[Diagnostic] = []
        self._reset()

    def _reset(self) -> None:
        self.stack: list[_Frame] = []
        self.entries: list[tuple[RawPath, Location]] = []
        self.anchors: dict[str, tuple[Any, int, int, RawPath]] = {}
        self.root: Any = None

    def fail(self, code: str, message: str, loc: Location) -> _Abort:
        self.diags.append(Diagnostic(code, message, loc))
        return _Abort()

    def record(self, path: RawPath, loc: Location) -> None:
        self.entries.append((path, loc))
        if len(self.entries) > MAX_NODES:
            raise _TooBig

    def slot(self, loc: Location) -> tuple[RawPath, Location]:
        """Path and reported location of the next value (a mapping value reports its key)."""
        if not self.stack:
            return (), loc
        parent = self.stack[-1]
        if isinstance(parent.value, list):
            return (*parent.path, len(parent.value)), loc
        assert parent.key is not None
        return (*parent.path, parent.key), parent.key_loc or loc

    def attach(self, value: Any, sub: list[tuple[RawPath, Location]], loc: Location) -> None:
        """Put a finished value into its parent; `sub` are its entries relative to itself."""
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        if isinstance(parent.value, list):
            parent.value.append(value)
            return
        key, parent.key = parent.key, None
        assert key is not None
        if key == "<<":
            self.merge_source(parent, value, sub, loc)
            return
        if key in parent.value:
            self.diags.append(
                Diagnostic(DUPLICATE_KEY, f"duplicate key '{key}'", parent.key_loc or loc)
            )
        parent.value[key] = value

    def merge_source(
        self, frame: _Frame, value: Any, sub: list[tuple[RawPath, Location]], loc: Location
    ) -> None:
        if isinstance(value, dict):
            frame.merges.append((value, sub))
            return
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            for index, item in enumerate(value):
                frame.merges.append((item, [(p[1:], w) for p, w in sub if p and p[0] == index]))
            return
        self.diags.append(
            Diagnostic("IAC010", "merge key '<<' needs a mapping (or an alias of one)", loc)
        )

    def run(self, text: str) -> list[YamlDocument]:
        try:
            for event in yaml.parse(text, Loader=_Parser):
                self.event(event)
        except _TooBig:
            self.diags.append(
                Diagnostic(
                    "IAC006",
                    f"more than {MAX_NODES} values after expanding aliases; refusing (alias bomb?)",
                    Location(self.file, 1, 1),
                )
            )
            raise InputError(self.diags) from None
        except _Abort:
            raise InputError(self.diags) from None
        if self.diags:
            raise InputError(self.diags)
        return self.docs

    def event(self, event: Any) -> None:
        """Fold one parser event into the document being built.

        Long because it is the one dispatch over YAML's event kinds (documents, keys,
        scalars, aliases, collection start and end with merge keys); each case is short and
        they share the frame stack, so they read best side by side."""
        kind = type(event).__name__
        if kind == "DocumentStartEvent":
            self._reset()
            return
        if kind == "DocumentEndEvent":
            self.docs.append(YamlDocument(self.file, self.root, dict(self.entries)))
            return
        if kind in ("StreamStartEvent", "StreamEndEvent"):
            return
        loc = Location(self.file, event.start_mark.line + 1, event.start_mark.column + 1)
        parent = self.stack[-1] if self.stack else None
        if (
            parent is not None
            and isinstance(parent.value, dict)
            and parent.key is None
            and not kind.endswith("EndEvent")
        ):
            if kind == "ScalarEvent":
                parent.key, parent.key_loc = event.value, loc
                return
            if kind == "AliasEvent":
                raise self.fail("IAC014", "an alias cannot be used as a mapping key", loc)
            raise self.fail("IAC014", "mapping keys must be plain text, not a mapping or list", loc)
        if kind == "ScalarEvent":
            value = _scalar(event, loc, self.diags)
            path, where = self.slot(loc)
            start = len(self.entries)
            self.record(path, where)
            if event.anchor:
                self.anchors[event.anchor] = (value, start, len(self.entries), path)
            self.attach(value, [((), where)], loc)
        elif kind == "AliasEvent":
            if event.anchor not in self.anchors:
                raise self.fail(
                    "IAC011",
                    f"alias *{event.anchor} refers to no finished anchor (undefined or recursive)",
                    loc,
                )
            value, start, end, anchor_path = self.anchors[event.anchor]
            sub = [(p[len(anchor_path) :], w) for p, w in self.entries[start:end]]
            path, where = self.slot(loc)
            if path and path[-1] == "<<" and isinstance(parent.value if parent else None, dict):
                self.attach(value, sub, loc)
                return
            self.record(path, where)
            for rel, w in sub[1:]:
                self.record(path + rel, w)
            self.attach(value, sub, loc)
        elif kind in ("MappingStartEvent", "SequenceStartEvent"):
            if len(self.stack) >= MAX_DEPTH:
                raise self.fail("IAC009", f"nesting deeper than {MAX_DEPTH} levels", loc)
            want = _MAP_TAG if kind == "MappingStartEvent" else _SEQ_TAG
            if event.tag not in (None, "!", want):
                raise self.fail("IAC010", f"unsupported YAML tag {event.tag}", loc)
            path, where = self.slot(loc)
            frame = _Frame(
                {} if kind == "MappingStartEvent" else [],
                path,
                event.anchor,
                where,
                len(self.entries),
            )
            self.record(path, where)
            self.stack.append(frame)
        else:  # MappingEndEvent / SequenceEndEvent
            frame = self.stack.pop()
            if isinstance(frame.value, dict):
                for merged, sub in frame.merges:
                    for key, val in merged.items():
                        if key in frame.value:
                            continue
                        frame.value[key] = val
                        for rel, w in sub:
                            if rel and rel[0] == key:
                                self.record((*frame.path, *rel), w)
            if frame.anchor:
                self.anchors[frame.anchor] = (
                    frame.value,
                    frame.entry_start,
                    len(self.entries),
                    frame.path,
                )
            merged_sub: list[tuple[RawPath, Location]] = []
            if self.stack and isinstance(self.stack[-1].value, dict) and self.stack[-1].key == "<<":
                merged_sub = [
                    (p[len(frame.path) :], w) for p, w in self.entries[frame.entry_start :]
                ]
            self.attach(frame.value, merged_sub, frame.loc)


def _scalar(event: Any, loc: Location, diags: list[Diagnostic]) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        if event.implicit[0]:
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        else:
            tag = "tag:yaml.org,2002:str"
    if tag in _STRING_TAGS:
        return event.value
    build = _PLAIN_TAGS.get(tag)
    if build is None:
        diags.append(Diagnostic("IAC010", f"unsupported YAML tag {tag}", loc))
        return event.value
    try:
        value = build(yaml.ScalarNode(tag, event.value))
    except _BAD_SCALAR:
        diags.append(
            Diagnostic("IAC010", f"'{event.value}' is not a valid {tag.rsplit(':', 1)[-1]}", loc)
        )
        return event.value
    if isinstance(value, float) and not math.isfinite(value):
        # `.nan`, `.inf`, `1.0e+400`: no JSON form (RFC 8259), and NaN passes every range check.
        diags.append(
            Diagnostic(
                "IAC015",
                f"'{event.value}' is not a finite number (NaN and infinity cannot be deployed)",
                loc,
            )
        )
        return event.value
    return value
