"""The pre-commit hooks' entry (`.pre-commit-hooks.yaml`): `python -m iac_gen.cli.precommit
validate|lint FILE...` checks the spec folders that hold the changed files, once
(`iac_gen.ci.precommit.spec_targets` says which), with the `iac-gen` command of that name.
"""

from __future__ import annotations

import sys

from iac_gen.ci.precommit import spec_targets

COMMANDS = ("validate", "lint")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        sys.stderr.write("usage: python -m iac_gen.cli.precommit validate|lint FILE...\n")
        return 2
    targets = spec_targets(argv[1:])
    if not targets:
        return 0
    from iac_gen.cli.app import main as cli

    sys.argv = ["iac-gen", argv[0], *targets]
    cli()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
