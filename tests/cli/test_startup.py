"""Start-up of `iac-gen validate`: what it imports, and the spec model classes built for it.

`validate` of one file imports only its own command module and none of the modules a fleet,
an export or a report needs (multiprocessing, tempfile, zipfile, ...): each probe runs the
console entry point in a fresh interpreter and lists `sys.modules` afterwards. The spec model
(and the loader's other frozen classes) is built by `iac_gen.spec.frozen` instead of
`dataclass(frozen=True)`; the last tests compare the two, on a loaded spec.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import operator
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from iac_gen.cli.app import COMMAND_MODULES
from iac_gen.diagnostics import Diagnostic, Location
from iac_gen.spec import model
from iac_gen.spec.discover import Candidate
from iac_gen.spec.frozen import frozen
from iac_gen.spec.load import load_specs
from iac_gen.spec.schema_subset import SchemaError
from iac_gen.spec.yaml_source import YamlDocument

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "fixtures" / "example" / "spec.yaml"

PROBE = """
import importlib, json, sys
for name in json.loads(sys.argv[2]):  # modules imported first (the probe's own check)
    importlib.import_module(name)
from iac_gen.cli.app import main
sys.argv = ["iac-gen", *json.loads(sys.argv[1])]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "modules": sorted(sys.modules)}) + "\\n")
"""

# what validating one spec file never needs (a fleet's second process, an export's archive
# reader, the crash log's temporary file, the jsonschema and Jinja2 libraries, ...)
NOT_FOR_VALIDATE = (
    "multiprocessing",
    "concurrent.futures",
    "tempfile",
    "zipfile",
    "importlib.resources",
    "logging",
    "socket",
    "jsonschema",
    "jinja2",
    "rich",
    "deepdiff",
    "azure",
    "iac_gen.parallel",
    "iac_gen.live",
    "iac_gen.report",
)
# `--help` lists every command, so it imports every command module (and the report formats
# they offer), but no more than that
NOT_FOR_HELP = (
    *(name for name in NOT_FOR_VALIDATE if name != "iac_gen.report"),
    *("yaml", "iac_gen.spec.model", "iac_gen.spec.load"),
)


def probe(args: list[str], first: tuple[str, ...] = ()) -> tuple[int, list[str]]:
    """Exit code and `sys.modules` after `iac-gen ARGS` (`first` imported before it)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(first)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    lines = [x for x in done.stderr.splitlines() if x.startswith("PROBE ")]
    assert lines, done.stderr
    found = json.loads(lines[-1][len("PROBE ") :])
    return found["code"], found["modules"]


def imported(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules of `modules` that are one of `names` or inside one of them."""
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_validate_imports_only_what_it_needs() -> None:
    code, modules = probe(["validate", str(EXAMPLE)])
    assert code == 0
    assert imported(modules, NOT_FOR_VALIDATE) == []
    commands = {f"iac_gen.cli.{m}" for m in COMMAND_MODULES.values()}
    assert sorted(commands & set(modules)) == ["iac_gen.cli.validate"]


def test_help_imports_the_commands_and_nothing_heavy() -> None:
    code, modules = probe(["--help"])
    assert code == 0
    assert imported(modules, NOT_FOR_HELP) == []
    assert {f"iac_gen.cli.{m}" for m in COMMAND_MODULES.values()} <= set(modules)


def test_the_probe_sees_a_lazy_import_creeping_back() -> None:
    # as if a module on the validate path imported these at its top again
    code, modules = probe(["validate", str(EXAMPLE)], first=("zipfile", "iac_gen.cli.export"))
    assert code == 0
    assert "zipfile" in imported(modules, NOT_FOR_VALIDATE)
    assert "iac_gen.cli.export" in modules


def test_command_table_names_every_command_in_help_order() -> None:
    # a command run alone first, then all of them: the help order is the table's
    program = (
        "import json; from iac_gen.cli import app as a; "
        "a._register_invoked(['validate']); a._register(); "
        "print(json.dumps([c.name for c in a.app.registered_commands]))"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == list(COMMAND_MODULES)


def _frozen_classes() -> list[type]:
    """Every class built by `iac_gen.spec.frozen`: the model's and the loader's."""
    classes = [v for v in vars(model).values() if isinstance(v, type)]
    classes += [Location, Diagnostic, Candidate, YamlDocument, SchemaError]
    return [c for c in dict.fromkeys(classes) if "__dataclass_fields__" in c.__dict__]


GENERATED = {
    *("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"),
    *("__lt__", "__le__", "__gt__", "__ge__", "__match_args__", "__annotations__"),
    *("__dataclass_fields__", "__dataclass_params__", "__dict__", "__weakref__", "__module__"),
}


def _reference(cls: type) -> type:
    """The same fields, methods and docstring, built by `dataclass(frozen=True)`."""
    fields = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        given: dict[str, Any] = {}
        if f.default is not dataclasses.MISSING:
            given["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            given["default_factory"] = f.default_factory
        fields.append((f.name, f.type, dataclasses.field(**given)))
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    namespace = {k: v for k, v in vars(cls).items() if k not in GENERATED | names}
    order = "__lt__" in vars(cls)
    return dataclasses.make_dataclass(
        cls.__name__, fields, namespace=namespace, frozen=True, order=order
    )


CLASSES = _frozen_classes()
REFERENCE = {cls: _reference(cls) for cls in CLASSES}


def _as_reference(value: Any) -> Any:
    """`value` with every object of a `frozen` class rebuilt from its reference class."""
    if type(value) in REFERENCE:
        return REFERENCE[type(value)](
            **{f.name: _as_reference(getattr(value, f.name)) for f in dataclasses.fields(value)}
        )
    if isinstance(value, tuple):
        return tuple(_as_reference(v) for v in value)
    if isinstance(value, dict):
        return {_as_reference(k): _as_reference(v) for k, v in value.items()}
    return value


def _fields(cls: type) -> list[tuple[Any, ...]]:
    return [
        (f.name, f.type, f.default, getattr(f.default_factory, "__name__", f.default_factory))
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
    ]


def test_frozen_builds_every_model_class() -> None:
    assert len(CLASSES) == 26 and model.Spec in CLASSES


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_frozen_class_reads_as_a_frozen_dataclass(cls: type) -> None:
    reference = REFERENCE[cls]
    assert dataclasses.is_dataclass(cls)
    assert str(inspect.signature(cls)) == str(inspect.signature(reference))
    assert cls.__doc__ == reference.__doc__
    assert cls.__match_args__ == reference.__match_args__  # type: ignore[attr-defined]
    assert _fields(cls) == _fields(reference)
    for method in GENERATED & set(vars(reference)):
        if callable(vars(reference)[method]) and method != "__dict__":
            assert getattr(cls, method).__qualname__ == f"{cls.__name__}.{method}"


def _objects(value: Any) -> list[Any]:
    """Every object of a `frozen` class inside `value`, `value` first."""
    found = []
    if type(value) in REFERENCE:
        found.append(value)
        for f in dataclasses.fields(value):
            found += _objects(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for v in value:
            found += _objects(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            found += _objects(k) + _objects(v)
    return found


def _outcome(act: Any) -> Any:
    try:
        return act()
    except (TypeError, dataclasses.FrozenInstanceError) as exc:
        return (type(exc).__name__, str(exc))


def _samples() -> list[Any]:
    (spec,) = load_specs([EXAMPLE])
    where = Location("spec.yaml", 3, 5)
    return [
        spec,
        Diagnostic("IAC101", "top level is a list", where, "warning"),
        Candidate(EXAMPLE, True),
        YamlDocument("spec.yaml", {"name": "a"}, {("name",): where}),
        SchemaError("type", "string", 3, {"type": "string"}, ("name",), "3 is not of type"),
    ]


def test_frozen_objects_behave_as_frozen_dataclasses() -> None:
    objects = _objects(_samples())
    assert {type(o) for o in objects} >= {model.Spec, model.Deployment, model.Probe, Location}
    for ours in objects:
        reference = _as_reference(ours)
        assert repr(ours) == repr(reference)
        assert ours == dataclasses.replace(ours) and ours == ours
        assert ours != reference and ours.__eq__(reference) is NotImplemented
        assert _outcome(lambda o=ours: hash(o)) == _outcome(lambda r=reference: hash(r))
        first = dataclasses.fields(ours)[0].name
        for act in (
            lambda o, name=first: setattr(o, name, None),
            lambda o, name=first: delattr(o, name),
            lambda o: setattr(o, "other", 1),
        ):
            assert _outcome(lambda o=ours, a=act: a(o)) == _outcome(lambda r=reference, a=act: a(r))
    (spec, *_) = _samples()
    assert dataclasses.asdict(spec) == dataclasses.asdict(_as_reference(spec))


def test_locations_order_as_dataclass_orders_them() -> None:
    places = [Location(f, line, col) for f in ("a", "b") for line in (0, 2) for col in (1, 0)]
    for ours in places:
        for other in [*places, "a"]:
            reference, theirs = _as_reference(ours), _as_reference(other)
            for op in (operator.lt, operator.le, operator.gt, operator.ge):
                got = _outcome(lambda a=ours, b=other, o=op: o(a, b))
                assert got == _outcome(lambda a=reference, b=theirs, o=op: o(a, b))
    assert sorted(places) == sorted(places, key=lambda p: (p.file, p.line, p.col))


def test_model_defaults_are_fresh_per_object() -> None:
    first, second = model.Endpoint("a"), model.Endpoint("b")
    assert first.tags == {} and first.tags is not second.tags
    assert model.Spec(Path("s.yaml"), "native", model.Target(), first).policies == model.Policies()


def test_an_undocumented_class_is_named_by_its_signature() -> None:
    def point(decorate: Any) -> Any:
        class Point:
            x: int
            y: int = 0

        return decorate(Point)

    ours, reference = point(frozen), point(dataclasses.dataclass(frozen=True))
    assert ours.__doc__ == reference.__doc__ == "Point(x: 'int', y: 'int' = 0)"
    assert repr(ours(1)) == repr(reference(1))
    assert repr(ours(1)).endswith(".<locals>.Point(x=1, y=0)")


def test_frozen_refuses_what_it_does_not_build() -> None:
    with pytest.raises(TypeError, match="plain fields"):

        @frozen
        class Custom:
            x: int

            def __eq__(self, other: object) -> bool:
                return True
