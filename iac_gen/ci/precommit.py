"""pre-commit: which spec folders hold the changed YAML files.

pre-commit passes the changed files one by one, but a CLI v2 deployment file means nothing
without the endpoint file beside it (alone it is refused as an orphan), so each changed YAML
file that is part of a spec is replaced by its folder, and `iac-gen validate` / `lint` runs
once over those folders. YAML files that are not specs (CI configs, conda files, compose
files) are left alone, as `validate` skips them inside folders; a changed file that does not
even parse is passed as it is, so its syntax error is reported.
"""

from __future__ import annotations

from pathlib import Path

from iac_gen.diagnostics import InputError
from iac_gen.spec.cliv2 import classify
from iac_gen.spec.yaml_source import parse_yaml


def spec_targets(files: list[str]) -> list[str]:
    """The folders (or, for unreadable files, the files) to check, in a stable order."""
    targets: set[str] = set()
    for name in files:
        path = Path(name)
        try:
            docs = parse_yaml(path, name)
        except InputError:
            targets.add(name)
            continue
        data = docs[0].data if len(docs) == 1 else None
        if isinstance(data, dict) and classify(data, explicit=False)[0] is not None:
            targets.add(str(path.parent))
    return sorted(targets)
