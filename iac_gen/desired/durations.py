"""ISO 8601 durations from the CLI v2 integer units (ms and s).

Azure ML wants `format: duration` strings (`PT0.5S`, `PT1M30S`). The output matches what
`isodate.duration_isoformat(timedelta(...))` gives (what Azure's own SDK sends), without a
run-time dependency on isodate. Zero follows the SDK: `0` is falsy there and is sent as
null, so it is dropped (returns None) rather than written as `PT0S`.
"""

from __future__ import annotations

_MS_PER = {"D": 86_400_000, "H": 3_600_000, "M": 60_000}


def iso_duration_ms(ms: int | None) -> str | None:
    """Milliseconds -> ISO 8601 (500 -> PT0.5S, 90000 -> PT1M30S); None/0 -> None."""
    if not ms:
        return None
    if ms < 0:
        raise ValueError(f"negative duration: {ms} ms")
    days, rest = divmod(int(ms), _MS_PER["D"])
    hours, rest = divmod(rest, _MS_PER["H"])
    minutes, rest = divmod(rest, _MS_PER["M"])
    seconds, millis = divmod(rest, 1000)
    text = "P"
    if days:
        text += f"{days}D"
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if seconds or millis:
        frac = f".{millis:03d}".rstrip("0") if millis else ""
        clock += f"{seconds}{frac}S"
    if clock:
        text += "T" + clock
    return text


def iso_duration_s(seconds: int | None) -> str | None:
    """Seconds -> ISO 8601 (10 -> PT10S, 600 -> PT10M); None/0 -> None."""
    if not seconds:
        return None
    return iso_duration_ms(int(seconds) * 1000)


def iso_minutes(minutes: int) -> str:
    """Whole minutes -> ISO 8601 for Azure Monitor windows (5 -> PT5M, 60 -> PT1H)."""
    return iso_duration_ms(int(minutes) * 60_000) or "PT0M"
