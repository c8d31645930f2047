"""Start-up of `iac-gen validate`: what it imports, and the spec model classes built for it.

`validate` of one file imports only its own command module and none of the modules a fleet,
an export or a report needs (multiprocessing, tempfile, zipfile, ...): each probe runs the
console entry point in a fresh interpreter and lists `sys.modules` afterwards. The spec model
is built by `iac_gen.spec.frozen` instead of `dataclass(frozen=True)`; the last tests compare
the two on a loaded spec.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from iac_gen.cli.app import COMMAND_MODULES
from iac_gen.spec import model
from iac_gen.spec.load import load_specs

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
    "iac_gen.parallel",
    "iac_gen.live",
    "iac_gen.report.render",
)
# `--help` lists every command, so it imports every command module, but no more than that
NOT_FOR_HELP = (*NOT_FOR_VALIDATE, "yaml", "iac_gen.spec.model", "iac_gen.spec.load")


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


def _reference_model() -> types.ModuleType:
    """`iac_gen/spec/model.py` with every class built by `dataclass(frozen=True)`."""
    source = Path(model.__file__).read_text(encoding="utf-8")
    source = source.replace("from iac_gen.spec.frozen import frozen\n", "")
    source = source.replace("\n@frozen\n", "\n@dataclasses.dataclass(frozen=True)\n")
    future = "from __future__ import annotations\n"
    source = source.replace(future, future + "import dataclasses\n", 1)
    assert "@frozen" not in source
    module = types.ModuleType("reference_model")
    sys.modules[module.__name__] = module  # dataclass() looks its module up
    try:
        exec(compile(source, "reference_model", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module


REFERENCE = _reference_model()
CLASSES = sorted(
    name
    for name, value in vars(model).items()
    if isinstance(value, type) and value.__module__ == model.__name__
)


def _as_reference(value: Any) -> Any:
    """`value` with every model object rebuilt from the reference classes."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = getattr(REFERENCE, type(value).__name__)
        return cls(
            **{f.name: _as_reference(getattr(value, f.name)) for f in dataclasses.fields(value)}
        )
    if isinstance(value, tuple):
        return tuple(_as_reference(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_reference(v) for k, v in value.items()}
    return value


def _fields(cls: type) -> list[tuple[Any, ...]]:
    return [
        (f.name, f.type, f.default, getattr(f.default_factory, "__name__", f.default_factory))
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize("name", CLASSES)
def test_model_class_reads_as_a_frozen_dataclass(name: str) -> None:
    ours, reference = getattr(model, name), getattr(REFERENCE, name)
    assert dataclasses.is_dataclass(ours)
    assert str(inspect.signature(ours)) == str(inspect.signature(reference))
    assert ours.__doc__ == reference.__doc__
    assert ours.__match_args__ == reference.__match_args__
    assert _fields(ours) == _fields(reference)
    for method in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        assert getattr(ours, method).__qualname__ == f"{name}.{method}"


def _objects(value: Any) -> list[Any]:
    """Every model object inside `value`, `value` first."""
    found = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found.append(value)
        for f in dataclasses.fields(value):
            found += _objects(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for v in value:
            found += _objects(v)
    elif isinstance(value, dict):
        for v in value.values():
            found += _objects(v)
    return found


def test_model_objects_behave_as_frozen_dataclasses() -> None:
    (spec,) = load_specs([EXAMPLE])
    objects = [o for o in _objects(spec) if type(o).__module__ == model.__name__]
    assert {type(o).__name__ for o in objects} >= {"Spec", "Deployment", "Endpoint", "Probe"}
    for ours in objects:
        reference = _as_reference(ours)
        assert repr(ours) == repr(reference)
        assert ours == dataclasses.replace(ours)
        assert ours != reference and ours.__eq__(reference) is NotImplemented
        try:
            expected: Any = hash(reference)
        except TypeError as exc:  # a field holds a dict: unhashable, with the same message
            expected = str(exc)
        try:
            got: Any = hash(ours)
        except TypeError as exc:
            got = str(exc)
        assert got == expected
        first = dataclasses.fields(ours)[0].name
        for act in (
            lambda o, name=first: setattr(o, name, None),
            lambda o, name=first: delattr(o, name),
            lambda o: setattr(o, "other", 1),
        ):
            with pytest.raises(dataclasses.FrozenInstanceError) as ours_error:
                act(ours)
            with pytest.raises(dataclasses.FrozenInstanceError) as reference_error:
                act(reference)
            assert str(ours_error.value) == str(reference_error.value)
    assert dataclasses.asdict(spec) == dataclasses.asdict(_as_reference(spec))


def test_model_defaults_are_fresh_per_object() -> None:
    first, second = model.Endpoint("a"), model.Endpoint("b")
    assert first.tags == {} and first.tags is not second.tags
    assert model.Spec(Path("s.yaml"), "native", model.Target(), first).policies == model.Policies()
