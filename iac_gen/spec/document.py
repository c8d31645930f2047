"""The canonical spec document: native-shaped plain data plus where each value was written.

Both input formats (native single file, CLI v2 endpoint + deployment files) become one of
these, so a single builder makes the `Spec` and a single schema checks it. Positions are kept
by *raw* path (list indices) while the data can still change shape; `spec_path` turns a raw
path into the stable, user-facing spec path that names deployments by name.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Location
from iac_gen.spec.yaml_source import Positions, RawPath


@dataclass
class SpecDocument:
    """One endpoint's canonical document before it becomes a `Spec`."""

    source: Path  # native spec file or CLI v2 endpoint file
    format: str  # native | cliv2
    data: dict[str, Any]
    positions: Mapping[RawPath, Location]  # a dict, or a file's `Positions` as read
    files: list[Path] = field(default_factory=list)
    implied_endpoint: bool = False  # CLI v2 deployments whose endpoint has no file

    @property
    def display(self) -> str:
        return str(self.source)

    def locations(self) -> Mapping[str, Location]:
        """Location by spec path (`deployments.blue.instance_count`).

        Built on first use: most specs of a fleet never report a position.
        """
        deps = self.data.get("deployments") if isinstance(self.data, Mapping) else None
        count = len(deps) if isinstance(deps, list) else 0
        names = [_deployment_key(self.data, i) for i in range(count)]
        # Not copied: a document is last changed before it becomes a Spec (`load._check`),
        # and a fleet holds ten thousand of these maps.
        positions = self.positions
        find = _finder(positions, names) if isinstance(positions, Positions) else None
        return LazyLocations(lambda: _spec_paths(positions, names), find)


# The texts of a document's raw paths depend on the paths and the deployments' keys alone,
# and a fleet's specs are mostly one shape: each shape's texts are worked out once (a few
# shapes are kept; any other is worked out as before). Raw path parts are text or list
# indices, and text never equals a number, so equal shapes have equal texts.
_SHAPES: dict[tuple[tuple[RawPath, ...], tuple[str, ...]], _Texts] = {}
_SHAPES_KEPT = 64


class _Texts:
    """The spec-path texts of one shape, in raw-path order, and (made when first asked) the
    index of each text's first raw path."""

    __slots__ = ("_first", "distinct", "texts")

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.distinct = len(set(texts)) == len(texts)
        self._first: dict[str, int] | None = None

    @property
    def first(self) -> dict[str, int]:
        if self._first is None:
            first: dict[str, int] = {}
            for index, text in enumerate(self.texts):
                first.setdefault(text, index)
            self._first = first
        return self._first


def _texts(positions: Mapping[RawPath, Location], names: list[str]) -> _Texts:
    shape = (tuple(positions), tuple(names))
    known = _SHAPES.get(shape)
    if known is None:
        known = _Texts(_path_texts(shape[0], names))
        if len(_SHAPES) >= _SHAPES_KEPT:
            _SHAPES.clear()
        _SHAPES[shape] = known
    return known


def _finder(positions: Positions, names: list[str]) -> Callable[[str], Location | None]:
    """The location of one spec path, made from `positions` without the whole table: the
    few places a spec asks for (each local code folder's, each finding's) cost one
    `Location` each, not one per position of the spec."""
    first: dict[str, int] | None = None

    def find(path: str) -> Location | None:
        nonlocal first
        if first is None:
            first = _texts(positions, names).first
        index = first.get(path)
        return None if index is None else positions.at(index)

    return find


def _spec_paths(positions: Mapping[RawPath, Location], names: list[str]) -> dict[str, Location]:
    """`spec_path` for every raw path (first one wins), given the deployments' keys."""
    known = _texts(positions, names)
    texts, distinct = known.texts, known.distinct
    places = positions.locations() if isinstance(positions, Positions) else positions.values()
    if distinct:  # no text twice: first one wins is every one
        return dict(zip(texts, places, strict=True))
    out: dict[str, Location] = {}
    for text, loc in zip(texts, places, strict=True):
        if text not in out:
            out[text] = loc
    return out


def _path_texts(raws: tuple[RawPath, ...], names: list[str]) -> list[str]:
    """The spec-path text of each raw path, in order.

    Each path's text is its parent's text plus its last part: positions come parent first,
    so a spec's few hundred paths are joined once each, not part by part from the root."""
    out: list[str] = []
    texts: dict[RawPath, str] = {}
    count = len(names)
    for raw in raws:
        size = len(raw)
        if size == 0:
            text = ""
        elif size == 1:
            text = str(raw[0])
        elif size == 2 and raw[0] == "deployments" and isinstance(raw[1], int):
            index = raw[1]
            text = "deployments." + (names[index] if 0 <= index < count else str(index))
        else:
            head = texts.get(raw[:-1])
            text = (head if head is not None else _joined(raw[:-1], names)) + "." + str(raw[-1])
        texts[raw] = text
        out.append(text)
    return out


def _joined(raw: RawPath, names: list[str]) -> str:
    """The text of one raw path, part by part (a path whose parent was not recorded)."""
    parts = [str(p) for p in raw]
    if len(raw) >= 2 and raw[0] == "deployments" and isinstance(raw[1], int):
        index = raw[1]
        parts[1] = names[index] if 0 <= index < len(names) else str(index)
    return ".".join(parts)


class LazyLocations(Mapping[str, Location]):
    """A locations table computed on first access; compares, copies and pickles as a dict."""

    __slots__ = ("_build", "_find", "_table")

    def __init__(
        self,
        build: Callable[[], dict[str, Location]],
        find: Callable[[str], Location | None] | None = None,
    ):
        self._build: Callable[[], dict[str, Location]] | None = build
        self._find = find  # one entry without building the table (its `get`), if given
        self._table: dict[str, Location] | None = None

    @property
    def table(self) -> dict[str, Location]:
        if self._table is None:
            assert self._build is not None
            self._table, self._build = self._build(), None
        return self._table

    def __getitem__(self, key: str) -> Location:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        if self._table is None and self._find is not None:
            found = self._find(key)
            return default if found is None else found
        return self.table.get(key, default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def items(self) -> ItemsView[str, Location]:
        return self.table.items()

    def keys(self) -> KeysView[str]:
        return self.table.keys()

    def values(self) -> ValuesView[Location]:
        return self.table.values()

    def __len__(self) -> int:
        return len(self.table)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyLocations):
            other = other.table
        return self.table == other if isinstance(other, dict) else super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.table)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (self.table,))


def _deployment_key(data: Mapping[str, Any], index: int) -> str:
    deps = data.get("deployments")
    if isinstance(deps, list) and 0 <= index < len(deps):
        item = deps[index]
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
            return str(item["name"])
    return str(index)


def spec_path(raw: RawPath, data: Any) -> str:
    """`("deployments", 0, "instance_count")` -> `deployments.blue.instance_count`."""
    parts = [str(p) for p in raw]
    if (
        len(raw) >= 2
        and raw[0] == "deployments"
        and isinstance(raw[1], int)
        and isinstance(data, Mapping)
    ):
        parts[1] = _deployment_key(data, raw[1])
    return ".".join(parts)


def locator(locations: Mapping[str, Location], default: Location):
    """A function giving the location of a spec path or of its nearest written parent."""

    def locate(path: str) -> Location:
        probe = path
        while probe:
            loc = locations.get(probe)
            if loc is not None:
                return loc
            probe = probe.rpartition(".")[0]
        return locations.get("", default)

    return locate
