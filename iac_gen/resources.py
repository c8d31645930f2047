"""Find the shipped `templates/` and `schemas/` folders.

In a wheel they are force-included as `iac_gen/_data/...` beside this module;
in a source checkout (editable install, tests) they sit at the repository root.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


def _data_dir(name: str) -> Path:
    # the package's own folder, as `importlib.resources.files("iac_gen")` names it for an
    # installed wheel (without importing importlib.resources, tempfile and zipfile)
    packaged = Path(__file__).parent / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def templates_dir() -> Path:
    return _data_dir("templates")


def schemas_dir() -> Path:
    return _data_dir("schemas")


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Load `schemas/<name>` (e.g. "spec.schema.json") as a dict, cached."""
    text = (schemas_dir() / name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
