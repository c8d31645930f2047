"""A file's positions kept as numbers behave as the dict of Locations they stand for."""

from __future__ import annotations

import pickle

from iac_gen.diagnostics import Location
from iac_gen.spec.yaml_source import Positions, _compose_fast, parse_yaml

TEXT = """name: blue
endpoint_name: credit
instance_count: 2
environment_variables:
  A: "1"
tags: [x, y]
"""


def _as_dict(file: str) -> dict[tuple[str | int, ...], Location]:
    return {
        (): Location(file, 1, 1),
        ("name",): Location(file, 1, 1),
        ("endpoint_name",): Location(file, 2, 1),
        ("instance_count",): Location(file, 3, 1),
        ("environment_variables",): Location(file, 4, 1),
        ("environment_variables", "A"): Location(file, 5, 3),
        ("tags",): Location(file, 6, 1),
        ("tags", 0): Location(file, 6, 8),
        ("tags", 1): Location(file, 6, 11),
    }


def test_fast_path_positions_are_the_locations_of_every_value() -> None:
    (doc,) = _compose_fast(TEXT, "blue.yml") or []
    assert isinstance(doc.positions, Positions)
    expected = _as_dict("blue.yml")
    assert doc.positions == expected and expected == doc.positions
    assert list(doc.positions) == list(expected)  # document order, as the event folder's
    assert list(doc.positions.values()) == list(expected.values())
    assert doc.positions.locations() == list(expected.values())
    assert dict(doc.positions) == expected
    assert doc.positions[("tags", 1)] == Location("blue.yml", 6, 11)
    assert doc.positions.get(("nope",)) is None
    assert doc.positions.get(("nope",), "d") == "d"
    assert ("tags", 0) in doc.positions and ("tags", 2) not in doc.positions
    assert len(doc.positions) == len(expected)


def test_files_of_one_shape_share_one_table_of_paths(tmp_path, monkeypatch) -> None:
    from iac_gen.spec import yaml_source

    monkeypatch.setattr(yaml_source, "_SHAPES_KEPT", 2)  # a full table starts again
    for other in ("a: 1\n", "b: 1\n", "c: 1\n"):
        _compose_fast(other, "other.yml")
    first = tmp_path / "a.yml"
    second = tmp_path / "b.yml"
    first.write_text(TEXT, encoding="utf-8")
    second.write_text(TEXT.replace("blue", "green").replace("2", "3"), encoding="utf-8")
    (a,) = parse_yaml(first, str(first))
    (b,) = parse_yaml(second, str(second))
    assert isinstance(a.positions, Positions) and isinstance(b.positions, Positions)
    assert a.positions.paths is b.positions.paths
    assert a.positions == _as_dict(str(first)) and b.positions == _as_dict(str(second))


def test_positions_pickle_and_differ_by_file_or_place() -> None:
    positions = Positions("a.yml", [(), ("name",)], [1, 1, 2, 5])
    again = pickle.loads(pickle.dumps(positions))
    assert again == positions and isinstance(again, Positions)
    assert again == {(): Location("a.yml", 1, 1), ("name",): Location("a.yml", 2, 5)}
    assert positions != Positions("b.yml", [(), ("name",)], [1, 1, 2, 5])
    assert positions != Positions("a.yml", [(), ("name",)], [1, 1, 2, 6])
    assert "Location(file='a.yml', line=2, col=5)" in repr(positions)


ENDPOINT = """$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json
name: credit
auth_mode: key
"""
DEPLOYMENT = """$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: {name}
endpoint_name: credit
instance_type: Standard_DS3_v2
instance_count: 1
"""


def _folder(tmp_path, names: tuple[str, ...]):
    from iac_gen.spec.cliv2 import ParsedFile, classify

    files = [("endpoint.yml", ENDPOINT)] + [(f"{n}.yml", DEPLOYMENT.format(name=n)) for n in names]
    parsed = []
    for name, text in files:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        (doc,) = parse_yaml(path, str(path))
        kind, compute = classify(doc.data, False)
        parsed.append(ParsedFile(path, doc.data, doc.positions, kind, compute))
    return parsed[0], parsed[1:]


def test_folded_cli_v2_positions_are_the_joined_dict_of_every_file(tmp_path) -> None:
    from iac_gen.spec.cliv2 import _fold, _joined_positions
    from iac_gen.spec.yaml_source import Stitched

    for names in ((), ("blue",), ("blue", "green")):
        ep, deps = _folder(tmp_path, names)
        doc = _fold(ep, deps, [])
        expected = _joined_positions(ep, deps)  # the same files folded into one dict
        assert isinstance(doc.positions, Stitched)
        assert list(doc.positions) == list(expected)  # the same order: first one wins alike
        assert list(doc.positions.values()) == list(expected.values())
        assert doc.positions.locations() == list(expected.values())
        assert doc.positions == expected
        assert pickle.loads(pickle.dumps(doc.positions)) == expected
    assert doc.positions[("deployments", 1, "instance_count")] == Location(
        str(tmp_path / "green.yml"), 5, 1
    )
    assert doc.positions[("deployments",)] == Location(str(tmp_path / "endpoint.yml"), 1, 1)
    assert ("$schema",) not in doc.positions and ("deployments", 0, "$schema") not in doc.positions


def test_an_entry_of_the_locations_is_the_table_s_without_building_it(tmp_path) -> None:
    from iac_gen.spec.cliv2 import _fold

    ep, deps = _folder(tmp_path, ("blue", "green"))
    doc = _fold(ep, deps, [])
    table = dict(doc.locations().items())  # built in full
    assert table["deployments.green.instance_count"].file.endswith("green.yml")
    locations = doc.locations()
    for path, loc in table.items():
        assert locations.get(path) == loc and locations[path] == loc and path in locations
    assert locations._table is None  # every answer came from the shape's index
    assert locations.get("deployments.red") is None and "deployments.red" not in locations
    assert locations.get("nope", "d") == "d"
    assert locations == table  # a full table when compared
