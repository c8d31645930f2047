"""Problems with the user's input, reported as `file:line:col: error CODE message`.

Library code raises `InputError` carrying diagnostics; only the CLI prints them and picks
exit code 2. Codes are stable; `iac_gen.codes` lists every one with its stage, meaning and
the modules that raise it.
"""

from __future__ import annotations

from collections.abc import Iterable

from iac_gen.spec.frozen import frozen


@frozen(order=True)
class Location:
    """A place in a source file; line and column are 1-based (0 = unknown)."""

    file: str
    line: int = 0
    col: int = 0

    def __reduce__(self) -> tuple[type[Location], tuple[str, int, int]]:
        # Rebuilt through `__init__` when a worker process sends loaded specs back: an
        # unpickled instance otherwise gets a full `__dict__` (1.5x the size; a fleet holds
        # half a million locations).
        return (Location, (self.file, self.line, self.col))


@frozen
class Diagnostic:
    """One problem with the input: a stable code, a message and where it was written."""

    code: str
    message: str
    location: Location
    severity: str = "error"

    def __str__(self) -> str:
        loc = self.location
        return f"{loc.file}:{loc.line}:{loc.col}: {self.severity} {self.code} {self.message}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.file, loc.line, loc.col, self.code, self.message)


class InputError(Exception):
    """Raised by library code for invalid input; the CLI prints each diagnostic, exits 2."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def error(code: str, message: str, file: str, line: int = 0, col: int = 0) -> InputError:
    """Shorthand for a single-diagnostic InputError."""
    return InputError([Diagnostic(code, message, Location(file, line, col))])
