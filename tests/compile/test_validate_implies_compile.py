"""A spec that `validate` accepts compiles: `compile` has no check of its own that a spec
could fail (IAC320 target, IAC321 output folders and IAC322 environment names are guards for
specs built in code, or for options `validate` is not given). One check needs the contents of
a local folder, which `validate` does not list: an entry azure-ai-ml could not upload (a named
pipe, a link to nothing or back into the folder) is IAC227 when compile hashes the folder.

Every fixture folder is tried as `validate` would read it (its `options.json` or `args.txt`
options, and a complete target where the spec names none, as a pipeline passes one); each
one that validates must compile for every target and for the base and every environment.
"""

from __future__ import annotations

import itertools
import json
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from iac_gen.diagnostics import InputError
from iac_gen.emit.compile import TARGETS, compile_specs
from iac_gen.spec.load import load_specs
from iac_gen.spec.overlay import resolve

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
# What a pipeline passes for a CLI v2 spec that names no target (the lint fixtures' args).
DEFAULT_TARGET = {
    "subscription": "00000000-0000-0000-0000-000000000000",
    "resource_group": "rg-fixtures",
    "workspace": "mlw-fixtures",
    "location": "westeurope",
}
_OPTIONS = {
    "--subscription": "subscription",
    "--resource-group": "resource_group",
    "--workspace": "workspace",
    "--location": "location",
}


def _options(folder: Path) -> tuple[dict[str, str], str | None]:
    """The target options and `--env` the fixture's own test passes."""
    overrides: dict[str, str] = {}
    env: str | None = None
    options_file = folder / "options.json"
    if options_file.exists():
        options: dict[str, Any] = json.loads(options_file.read_text(encoding="utf-8"))
        overrides = dict(options.get("target_overrides") or overrides)
        env = options.get("env")
    args_file = folder / "args.txt"
    if args_file.exists():
        words = shlex.split(args_file.read_text(encoding="utf-8"))
        for flag, value in itertools.pairwise(words):
            if flag in _OPTIONS:
                overrides[_OPTIONS[flag]] = value
            elif flag == "--env":
                env = value
    return overrides, env


def _validated(case: str) -> Iterator[tuple[list[Any], str | None]]:
    """The fixture's specs when `validate` accepts them (nothing otherwise)."""
    overrides, env = _options(FIXTURES / case)
    try:
        specs = load_specs([Path("fixtures") / case], overrides)
        if any(not all(getattr(s.target, k) for k in DEFAULT_TARGET) for s in specs):
            specs = load_specs([Path("fixtures") / case], {**DEFAULT_TARGET, **overrides})
        for spec in specs:
            resolve(spec, env)
    except InputError:
        return
    yield specs, env


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")


@pytest.mark.parametrize("case", CASES)
def test_every_fixture_that_validates_compiles(case: str) -> None:
    for specs, env in _validated(case):
        for target in TARGETS:
            try:
                files = compile_specs(specs, env=env, target=target)
            except InputError as exc:  # pragma: no cover - the failure this test looks for
                pytest.fail(f"fixtures/{case} validates but compile --target {target} fails: {exc}")
            assert files, case
        for spec in specs:
            for name in sorted(spec.environments):
                compile_specs([spec], env=name, target="all")


def test_enough_fixtures_validate() -> None:
    """The property is not vacuous: most spec fixtures are valid and are compiled above."""
    valid = [case for case in CASES if list(_validated(case))]
    assert len(valid) >= 20, valid
    assert {"example", "cliv2-basic", "lint-cliv2-implied", "compile-tricky-values"} <= set(valid)


@pytest.mark.parametrize("name", ["dev env", "dev\n", "pr/od", "-dev", "d" * 65])
def test_environment_names_compile_refuses_fail_validate(tmp_path: Path, name: str) -> None:
    """IAC322 is compile's guard; `validate` refuses the same names first (schema, IAC107)."""
    text = (FIXTURES / "example" / "spec.yaml").read_text(encoding="utf-8")
    assert "\n  dev:\n" in text
    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(text.replace("\n  dev:\n", f"\n  {json.dumps(name)}:\n"), "utf-8")
    with pytest.raises(InputError) as caught:
        load_specs([spec_file])
    assert [d.code for d in caught.value.diagnostics] == ["IAC107"]
