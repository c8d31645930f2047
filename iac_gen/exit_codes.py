"""Exit codes shared by every command (DESIGN section 5 contract)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # success / valid / in sync
    FINDINGS = 1  # lint findings at or above --fail-on, or drift found
    INVALID = 2  # invalid input or usage; nothing written
    INCOMPLETE = 3  # live state could not be read completely (status not_checked)
    INTERNAL = 4  # internal error; one line plus the path of a log with the traceback
