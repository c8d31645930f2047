"""Live state: readers for every input shape, secret scrubbing and the export bundle."""

from __future__ import annotations

from iac_gen.live.load import read_live
from iac_gen.live.state import LiveState

__all__ = ["LiveState", "read_live"]
