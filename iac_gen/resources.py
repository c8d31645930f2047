"""Find the shipped `templates/` and `schemas/` folders.

In a wheel they are force-included as `iac_gen/_data/...` and read with importlib.resources;
in a source checkout (editable install, tests) they sit at the repository root.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any


def _data_dir(name: str) -> Path:
    packaged = files("iac_gen") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
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
