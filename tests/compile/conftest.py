"""Compiled outputs of the bundled fixtures, shared by the compile tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from iac_gen.spec.model import Spec
from tests.conftest import FIXTURES

CI_TARGET = {
    "subscription": "00000000-0000-0000-0000-000000000000",
    "resource_group": "rg-ci",
    "workspace": "mlw-ci",
    "location": "westeurope",
}
# case folder -> (spec path, target overrides)
CASES: dict[str, tuple[Path, dict[str, str]]] = {
    "example": (FIXTURES / "example" / "spec.yaml", {}),
    "cliv2-basic": (FIXTURES / "cliv2-basic", CI_TARGET),
    "compile-tricky-values": (FIXTURES / "compile-tricky-values" / "spec.yaml", {}),
    **{p.name: (p, CI_TARGET) for p in sorted(FIXTURES.glob("oracle-*")) if p.is_dir()},
}


def load_case(case: str) -> list[Spec]:
    from iac_gen.spec.load import load_specs

    path, overrides = CASES[case]
    return load_specs([path], overrides)


@pytest.fixture(scope="session")
def example_spec() -> Spec:
    (spec,) = load_case("example")
    return spec


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """case -> the endpoint folder its compile wrote."""
    from iac_gen.emit.compile import compile_specs
    from iac_gen.output_files import write_tree

    out: dict[str, Path] = {}
    for case in CASES:
        specs = load_case(case)
        root = tmp_path_factory.mktemp(case)
        write_tree(root, compile_specs(specs))
        out[case] = root / specs[0].endpoint.name
    return out
