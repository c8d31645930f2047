"""Print pip constraints that pin every dependency of pyproject.toml to its lower bound.

`make test-lowest` installs with these, so the suite is proven against the oldest versions
the package claims to support as well as against today's newest (`make test` in a fresh
clone resolves those). A dependency without a `>=` bound is an error: every dependency must
be bounded from below at a version the suite passes with.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$")


def lower_bounds(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    reqs = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    pins: dict[str, str] = {}
    for req in reqs:
        m = _REQ.match(req.split(";")[0])
        if m is None:
            raise SystemExit(f"cannot read requirement {req!r}")
        name, spec = m.group(1).lower(), m.group(3)
        low = re.search(r">=\s*([0-9][^,\s]*)", spec)
        if low is None:
            raise SystemExit(f"{name}: no lower bound (>=) in {req!r}")
        pins[name] = low.group(1)
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    print("\n".join(lower_bounds(root / "pyproject.toml")))
