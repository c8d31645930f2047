"""ISO 8601 durations as ARM writes them (`PT5S`, `PT0.5S`, `PT1M30S`) from seconds."""

from __future__ import annotations


def iso_duration(seconds: float) -> str:
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs = rest / 1000
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs or text == "PT":
        text += f"{secs:g}S"
    return text
