"""YAML text for imported specs: block style, keys in the order a person writes them, comments
where a note belongs, the same bytes for the same document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from iac_gen.secrets import redact_text

Comments = dict[str, list[str]]


def scalar(value: Any) -> str:
    """One YAML scalar as safe_dump spells it (quoted when it would read back as another type)."""
    text = yaml.safe_dump(value, width=10**9, allow_unicode=True, default_flow_style=True)
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    return text.rstrip("\n")


def _key(key: str) -> str:
    return scalar(str(key))


def _comment(lines: list[str], message: str, pad: str) -> None:
    text = " ".join(redact_text(message).split())
    lines.append(f"{pad}# {text}")


def _exists(doc: Mapping[str, Any], parts: Sequence[str]) -> bool:
    node: Any = doc
    for part in parts:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list):
            match = [i for i in node if isinstance(i, Mapping) and i.get("name") == part]
            if not match:
                return False
            node = match[0]
        else:
            return False
    return True


def place(doc: Mapping[str, Any], path: str) -> str:
    """The deepest written spec path at or above `path` ('' for the top of the file)."""
    parts = [p for p in path.split(".") if p]
    while parts and not _exists(doc, parts):
        parts.pop()
    return ".".join(parts)


def _emit(node: Any, pad: str, path: str, comments: Comments, lines: list[str]) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            sub = f"{path}.{key}" if path else str(key)
            for message in comments.get(sub, ()):
                _comment(lines, message, pad)
            _field(f"{pad}{_key(key)}:", value, pad, sub, comments, lines)
        return
    raise TypeError(type(node))


def _field(
    head: str, value: Any, pad: str, path: str, comments: Comments, lines: list[str]
) -> None:
    if isinstance(value, Mapping):
        if not value:
            lines.append(f"{head} {{}}")
            return
        lines.append(head)
        _emit(value, pad + "  ", path, comments, lines)
    elif isinstance(value, list):
        if not value:
            lines.append(f"{head} []")
        elif all(not isinstance(v, Mapping | list) for v in value):
            lines.append(f"{head} [{', '.join(scalar(v) for v in value)}]")
        else:
            lines.append(head)
            for index, item in enumerate(value):
                name = item.get("name") if isinstance(item, Mapping) else None
                sub = f"{path}.{name}" if path == "deployments" and name else f"{path}.{index}"
                for message in comments.get(sub, ()):
                    _comment(lines, message, pad + "  ")
                if isinstance(item, Mapping) and item:
                    first = True
                    for key, val in item.items():
                        lead = f"{pad}  - " if first else f"{pad}    "
                        inner = f"{sub}.{key}"
                        for message in comments.get(inner, ()):
                            _comment(lines, message, pad + ("  " if first else "    "))
                        _field(f"{lead}{_key(key)}:", val, pad + "    ", inner, comments, lines)
                        first = False
                else:
                    lines.append(f"{pad}  - {scalar(item)}")
    else:
        lines.append(f"{head} {scalar(value)}")


def render(doc: Mapping[str, Any], header: Sequence[str], notes: Sequence[tuple[str, str]]) -> str:
    """The YAML text of `doc`: `header` comment lines, then the body with each note as a
    comment above the field it belongs to (or at the top when no written field is near)."""
    comments: Comments = {}
    for path, message in notes:
        comments.setdefault(place(doc, path), []).append(message)
    lines = [f"# {h}" if h else "#" for h in header]
    for message in comments.get("", ()):
        _comment(lines, message, "")
    _emit(doc, "", "", comments, lines)
    return "\n".join(lines) + "\n"
