"""The loader's fast paths agree exactly with the careful paths they short-cut.

`Validator.is_valid` must say "valid" exactly when `iter_errors` finds nothing, and the
libyaml node-graph reader must give the same data and positions as the event folder (or step
aside for it). Both are checked on every fixture and on mutated copies of the example.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iac_gen.resources import load_schema
from iac_gen.spec import yaml_source
from iac_gen.spec.schema_subset import Validator

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Validator(load_schema("spec.schema.json"))
FIXTURE_YAML = sorted(p for p in (ROOT / "fixtures").rglob("*.y*ml") if "expected" not in p.parts)
ODD_VALUES: list[Any] = [None, True, 0, -1, 2.5, 10**9, "", "x", "Standard_DS3_v2", [], [1, 1], {}]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


def _replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(doc)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


def _mutations(doc: dict[str, Any]) -> list[Any]:
    out: list[Any] = [doc]
    for path in _paths(doc):
        if not path:
            continue
        out += [_replaced(doc, path, value) for value in ODD_VALUES]
        parent = _replaced(doc, path, None)
        node = parent
        for part in path[:-1]:
            node = node[part]
        if isinstance(node, dict):
            del node[path[-1]]
            out.append(parent)
            extra = copy.deepcopy(node)
            extra["unknown_key"] = 1
            out.append(_replaced(doc, path[:-1], extra) if path[:-1] else extra)
    return out


def _example() -> dict[str, Any]:
    return yaml_source.parse_yaml(ROOT / "fixtures" / "example" / "spec.yaml")[0].data


def test_compiled_schema_check_agrees_with_the_error_walk() -> None:
    mutated = _mutations(_example())
    assert len(mutated) > 500
    verdicts = set()
    for doc in mutated:
        valid = VALIDATOR.is_valid(doc)
        verdicts.add(valid)
        assert valid == (not any(True for _ in VALIDATOR.iter_errors(doc))), doc
    assert verdicts == {True, False}  # the mutations reach both answers


@pytest.mark.parametrize("path", FIXTURE_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_yaml_reader_matches_the_event_folder(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", errors="replace")
    fast = yaml_source._compose_fast(text, str(path))
    try:
        careful = yaml_source._Folder(str(path)).run(text)
    except Exception:
        assert fast is None  # problems are always reported by the event folder
        return
    if fast is None:
        return  # aliases, merges, several documents: the event folder's job
    assert len(careful) == 1
    assert repr(fast[0].data) == repr(careful[0].data)
    assert list(fast[0].positions.items()) == list(careful[0].positions.items())


@pytest.mark.parametrize(
    "text",
    [
        "a: &x {b: 1}\nc: *x\n",  # alias
        "a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n",  # merge key
        "a: 1\na: 2\n",  # duplicate key
        "a: !!binary aGVsbG8=\n",  # unsupported tag
        "a: !!int nope\n",  # invalid value
        "? [a, b]\n: c\n",  # complex key
        "a: 1\n---\nb: 2\n",  # two documents
        "- a\n",  # a list at the top
        "a: " + "[" * 100 + "]" * 100 + "\n",  # deeper than the limit
        "a: " + "[" * 50_000 + "]" * 50_000 + "\n",  # deep enough to overflow libyaml's stack
        "a: [b\n",  # syntax error
    ],
)
def test_fast_yaml_reader_steps_aside_for_unusual_input(text: str) -> None:
    assert yaml_source._compose_fast(text, "f.yaml") is None


def test_fast_yaml_reader_keeps_types_positions_and_order() -> None:
    text = "b: 1\na:\n  - x: yes\n    y: 2026-05-01\n  - 0x10\nc: ~\nd: '3'\ne: 1.5\n"
    fast = yaml_source._compose_fast(text, "f.yaml")
    assert fast is not None
    doc = fast[0]
    assert doc.data == {
        "b": 1,
        "a": [{"x": True, "y": "2026-05-01"}, 16],
        "c": None,
        "d": "3",
        "e": 1.5,
    }
    assert list(doc.data) == ["b", "a", "c", "d", "e"]
    assert [(p, loc.line, loc.col) for p, loc in doc.positions.items()] == [
        ((), 1, 1),
        (("b",), 1, 1),
        (("a",), 2, 1),
        (("a", 0), 3, 5),
        (("a", 0, "x"), 3, 5),
        (("a", 0, "y"), 4, 5),
        (("a", 1), 5, 5),
        (("c",), 6, 1),
        (("d",), 7, 1),
        (("e",), 8, 1),
    ]


def test_discovery_still_resolves_file_links_and_linked_folders(tmp_path: Path) -> None:
    from iac_gen.spec.discover import discover

    real = tmp_path / "real"
    real.mkdir()
    (real / "a.yaml").write_text("name: a\n")
    (real / "b.yaml").symlink_to(real / "a.yaml")  # the same file under another name
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    found, diags = discover([real, tmp_path / "linked", real / "a.yaml"])
    assert diags == []
    assert [c.path for c in found] == [real / "a.yaml"]


def _spec_paths_reference(positions: dict[Any, Any], names: list[str]) -> dict[str, Any]:
    """The spec-path table as it was written: every path joined part by part."""
    out: dict[str, Any] = {}
    for raw, loc in positions.items():
        parts = [str(p) for p in raw]
        if len(raw) >= 2 and raw[0] == "deployments" and isinstance(raw[1], int):
            index = raw[1]
            parts[1] = names[index] if 0 <= index < len(names) else str(index)
        out.setdefault(".".join(parts), loc)
    return out


_PART = st.one_of(
    st.sampled_from(["deployments", "name", "blue", "a.b", "", "0", "code"]),
    st.integers(min_value=-1, max_value=4),
)


@settings(max_examples=300, deadline=None)
@given(
    raws=st.lists(st.lists(_PART, max_size=5).map(tuple), max_size=40),
    names=st.lists(st.sampled_from(["blue", "green", "1", "deployments"]), max_size=4),
    parents_first=st.booleans(),
)
def test_spec_path_table_equals_joining_each_path(raws, names, parents_first) -> None:
    """Joining each path from its parent's text gives the part-by-part table, in any order
    (a path whose parent is not recorded, or comes later, included)."""
    from iac_gen.spec.document import _spec_paths

    if parents_first:  # the usual order: every prefix first, as the loaders record them
        raws = [raw[:n] for raw in raws for n in range(len(raw) + 1)]
    positions = {raw: i for i, raw in enumerate(raws)}
    got = _spec_paths(positions, names)
    want = _spec_paths_reference(positions, names)
    assert got == want and list(got) == list(want)
    # The same shape again, other locations: the remembered texts take the new locations.
    moved = {raw: -i for i, raw in enumerate(positions)}
    again = _spec_paths(moved, names)
    want = _spec_paths_reference(moved, names)
    assert again == want and list(again) == list(want)


def test_spec_path_table_of_a_shape_seen_with_other_names() -> None:
    """One set of raw paths under other deployment keys is another shape."""
    from iac_gen.spec.document import _spec_paths

    positions = {(): 0, ("deployments",): 1, ("deployments", 0): 2, ("deployments", 0, "x"): 3}
    for names in (["blue"], ["green"], [], ["blue"]):
        got = _spec_paths(positions, names)
        assert got == _spec_paths_reference(positions, names)


@pytest.mark.parametrize("path", FIXTURE_YAML[:40], ids=lambda p: str(p.relative_to(ROOT)))
def test_spec_path_table_of_fixtures_equals_joining_each_path(path: Path) -> None:
    from iac_gen.spec.document import _deployment_key, _spec_paths

    try:
        docs = yaml_source.parse_yaml(path)
    except Exception:
        pytest.skip("not readable YAML")
    for doc in docs:
        deps = doc.data.get("deployments") if isinstance(doc.data, dict) else None
        count = len(deps) if isinstance(deps, list) else 0
        names = [_deployment_key(doc.data, i) for i in range(count)]
        assert _spec_paths(doc.positions, names) == _spec_paths_reference(doc.positions, names)


_SCALAR_TEXT = st.one_of(
    st.sampled_from(
        [
            "1",
            "-1",
            "+7",
            "0x1F",
            "0o17",
            "017",
            "1_000",
            "1.5",
            "-.5",
            "1e3",
            "1.0e+400",
            ".inf",
            "-.Inf",
            ".nan",
            "yes",
            "No",
            "TRUE",
            "off",
            "On",
            "y",
            "n",
            "~",
            "null",
            "Null",
            "",
            "2026-05-01",
            "2026-05-01T10:00:00Z",
            "12:30",
            "190:20:30",
            "=",
            "<<",
            "a b",
            "Standard_DS3_v2",
            "azureml:m:1",
            "0.",
            "._",
            "-",
            "+",
            "1__0",
            "0b101",
        ]
    ),
    st.text(alphabet="0123456789+-._xobeEyYnNtTfF~:", min_size=1, max_size=6),
)
_STYLE = st.sampled_from(["{}", "'{}'", '"{}"', "! {}", "!!str {}", "!!int {}", "!!float {}"])


@settings(max_examples=400, deadline=None)
@given(scalars=st.lists(st.tuples(_SCALAR_TEXT, _STYLE), min_size=1, max_size=6))
def test_fast_yaml_reader_resolves_scalars_as_the_event_folder(scalars) -> None:
    """Untagged scalars are resolved by the fast reader itself (not libyaml's callback): the
    same values and types as the event folder, or it steps aside where the folder reports."""
    lines = []
    for index, (text, style) in enumerate(scalars):
        quoted = text.replace("'", "''") if style.startswith("'") else text
        lines.append(f"k{index}: {style.format(quoted)}")
    lines.append(f"seq: [{', '.join(style.format(t) for t, style in scalars if style == '{}')}]")
    text = "\n".join(lines) + "\n"
    try:
        careful = yaml_source._Folder("f.yaml").run(text)
    except Exception:
        careful = None
    fast = yaml_source._compose_fast(text, "f.yaml")
    if fast is None:
        return
    assert careful is not None and len(careful) == 1
    got, want = fast[0].data, careful[0].data
    assert repr(got) == repr(want)
    assert [type(v) for v in got.values()] == [type(v) for v in want.values()]
    assert list(fast[0].positions.items()) == list(careful[0].positions.items())


def _placeholder_reference(data: Any, raw: tuple[Any, ...] = ()) -> Any:
    """The placeholder search as it was written: every value visited with its path."""
    from iac_gen.spec.cliv2 import _FREE_TEXT, _PLACEHOLDER

    if isinstance(data, dict):
        for key, value in data.items():
            if key in _FREE_TEXT:
                continue
            hit = _placeholder_reference(value, (*raw, key))
            if hit is not None:
                return hit
    elif isinstance(data, list):
        for index, value in enumerate(data):
            hit = _placeholder_reference(value, (*raw, index))
            if hit is not None:
                return hit
    elif isinstance(data, str):
        match = _PLACEHOLDER.search(data)
        if match is not None:
            return raw, match.group(0)
    return None


_PLACEHOLDER_TEXT = st.one_of(
    st.sampled_from(
        [
            "{{ENDPOINT_NAME}}",
            "${{secrets.X}}",
            "<scoring-script>",
            "<1x>",
            "a < b",
            "my_place_holder",
            "PLACE_HOLDER",
            "place_holders",
            "x_PLACE_holder y",
            "Place_Holder",
            "{x}}{{y}}",
            "{{a{b}}",
            "{ {x} }",
            "plain",
            "Standard_DS3_v2",
            "",
            "<<",
            "{{}}",
        ]
    ),
    st.text(alphabet="{}<>_$aZ0 -", max_size=8),
)
_PLACEHOLDER_DATA = st.recursive(
    st.one_of(_PLACEHOLDER_TEXT, st.integers(), st.none(), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["name", "description", "tags", "model", "x"]), inner, max_size=4
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(data=_PLACEHOLDER_DATA)
def test_placeholder_search_equals_visiting_every_value(data: Any) -> None:
    from iac_gen.spec.cliv2 import find_placeholder

    assert find_placeholder(data) == _placeholder_reference(data)


_PART = st.sampled_from(["a", "src", "ep-00001", "..", ".", "b c", "é"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_PART, max_size=5), st.sampled_from(["", "/"]), st.sampled_from(["x.yml", "d.yaml"])
)
def test_the_folder_of_a_spec_file_is_its_path_s_parent(parts, root, name) -> None:
    """`model._folder_of` (text first, a `Path` per folder) is `Path(file).parent` for a file
    named in `Path`'s form, as every `Location` names it."""
    from iac_gen.spec.model import _folder_of

    file = str(Path(root + "/".join([*parts, name])))
    assert _folder_of(file) == Path(file).parent
