"""The reader interface: detect a live-input shape, read it into a `LiveState`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from iac_gen.live.state import LiveState


@dataclass(frozen=True)
class ReadContext:
    """What a reader may need besides the data: the file name for messages and a target
    (subscription, resource_group, workspace) to build ids that the input leaves out.

    `owned` says the data was parsed for this read alone and nothing else holds it
    (`read_live`): a reader may then keep its bodies rather than copy them."""

    file: str
    target: Mapping[str, str] = field(default_factory=dict)
    owned: bool = False


@dataclass(frozen=True)
class Reader:
    name: str
    description: str
    detect: Callable[[Any], bool]
    read: Callable[[Any, ReadContext], LiveState]
