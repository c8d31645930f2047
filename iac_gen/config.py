"""Project settings: `iac-gen.toml` or `[tool.iac-gen]` in `pyproject.toml`, and `IAC_GEN_*`.

A pipeline and a developer should run the same check with the same short command, so the
settings a repository always passes (target, gate, waivers, environment, report formats and
folder) can live in a file next to the specs. The file is found upwards from the working
folder (the first `iac-gen.toml`, or `pyproject.toml` with a `[tool.iac-gen]` table, wins);
every setting can also come from an environment variable `IAC_GEN_<NAME>`. Precedence:
command line > environment > file > the command's default. Paths in a file are relative to
that file's folder.

```toml
# iac-gen.toml
fail_on = "high"
environment = "prod"
waivers = "waivers.yaml"
report = "evidence"
formats = ["md", "sarif"]

[target]
subscription = "00000000-0000-0000-0000-000000000000"
resource_group = "rg-ml"
workspace = "mlw"
location = "westeurope"
```

A bad file is one line `file:line:col: error IAC36x message`, like a bad spec.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iac_gen.diagnostics import Diagnostic, InputError, Location
from iac_gen.severity import SEVERITIES

CONFIG_NAME = "iac-gen.toml"
PYPROJECT = "pyproject.toml"
ENV_PREFIX = "IAC_GEN_"

TARGET_KEYS = ("subscription", "resource_group", "workspace", "location")
# name -> (kind, help). Kinds: str, severity, path, formats.
SETTINGS: dict[str, tuple[str, str]] = {
    "subscription": ("str", "subscription id where a spec names none"),
    "resource_group": ("str", "resource group where a spec names none"),
    "workspace": ("str", "Azure ML workspace where a spec names none"),
    "location": ("str", "Azure region where a spec names none"),
    "environment": ("str", "environment overlay (--env)"),
    "fail_on": ("severity", "lowest severity that fails lint and drift (--fail-on)"),
    "waivers": ("path", "waivers file for drift (--waivers)"),
    "report": ("path", "evidence folder for drift (--report)"),
    "formats": ("formats", "report formats for drift (--format, repeatable)"),
}


@dataclass(frozen=True)
class Setting:
    name: str
    value: Any
    source: str  # "command line" | "environment IAC_GEN_X" | "file:line" | "default"


@dataclass
class Config:
    """The settings found in the environment and the file, with where each came from."""

    file: Path | None = None
    values: dict[str, Setting] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        found = self.values.get(name)
        return None if found is None else found.value

    def pick(self, name: str, given: Any, default: Any = None) -> Any:
        """`given` (the command line) when set, else the environment, the file, `default`."""
        if given is not None and given != [] and given != ():
            return given
        value = self.get(name)
        return default if value is None else value

    def effective(self, cli: Mapping[str, Any] | None = None) -> list[Setting]:
        """Every setting with its value and source, the command line first."""
        cli = cli or {}
        out = []
        for name in SETTINGS:
            if cli.get(name) is not None:
                out.append(Setting(name, cli[name], "command line"))
            elif name in self.values:
                out.append(self.values[name])
            else:
                out.append(Setting(name, None, "default"))
        return out


def find_file(start: Path | None = None) -> tuple[Path, str] | None:
    """The nearest `iac-gen.toml`, or `pyproject.toml` with `[tool.iac-gen]`, upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / CONFIG_NAME
        if own.is_file():
            return own, ""
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"^\s*\[\s*tool\s*\.\s*[\"']?iac-gen[\"']?\s*\]", text, re.M):
                return pyproject, "tool.iac-gen"
    return None


def _error(code: str, message: str, path: Path, line: int = 0, col: int = 0) -> InputError:
    return InputError([Diagnostic(code, message, Location(str(path), line, col))])


_TOML_POS = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOML_END = re.compile(r"^(?P<msg>.*?)\s*\(at end of document\)$")


def _key_position(text: str, key: str, table: str) -> tuple[int, int]:
    """Line and column of `key` (first occurrence inside `table`, if any) in the file."""
    in_table = not table
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("["):
            name = stripped.strip("[] ").replace('"', "").replace("'", "")
            in_table = not table or name == table or name.startswith(table + ".")
            continue
        match = re.match(rf"^(\s*)[\"']?{re.escape(key)}[\"']?\s*=", raw)
        if in_table and match:
            return number, len(match.group(1)) + 1
    return 1, 1


def _parse_file(path: Path, table: str) -> tuple[str, dict[str, Any]]:
    import tomllib

    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise _error("IAC360", f"cannot read: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError as exc:
        raise _error("IAC360", f"not UTF-8 (byte {exc.start})", path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        pos = _TOML_POS.match(message)
        if pos:
            line, col = int(pos["line"]), int(pos["col"])
            raise _error("IAC360", _lower(pos["msg"]), path, line, col) from None
        end = _TOML_END.match(message)
        lines = text.splitlines() or [""]
        if end:
            raise _error(
                "IAC360", _lower(end["msg"]), path, len(lines), len(lines[-1]) + 1
            ) from None
        raise _error("IAC360", message, path, 1, 1) from None
    if table:
        data = data.get("tool", {}).get("iac-gen", {})
        if not isinstance(data, dict):
            line, col = _key_position(text, "iac-gen", "tool")
            raise _error("IAC362", "[tool.iac-gen] must be a table", path, line, col)
    return text, data


def _check(name: str, value: Any, kind: str, where: tuple[Path, int, int] | None) -> Any:
    """`value` converted for `kind`, or an IAC362 error at `where`."""

    def bad(message: str) -> InputError:
        if where is None:
            return InputError(
                [
                    Diagnostic(
                        "IAC362",
                        f"{ENV_PREFIX}{name.upper()}: {message}",
                        Location("<environment>"),
                    )
                ]
            )
        return _error("IAC362", f"{name}: {message}", *where)

    if kind == "formats":
        from iac_gen.report.registry import REPORTERS

        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("must be a list of format names")
        unknown = [v for v in value if v not in REPORTERS]
        if unknown:
            raise bad(f"unknown format {unknown[0]!r} (choose from {', '.join(REPORTERS)})")
        return value
    if not isinstance(value, str) or not value.strip():
        raise bad("must be a non-empty string")
    if kind == "severity":
        if value.lower() not in SEVERITIES:
            raise bad(f"{value!r} is not one of {', '.join(SEVERITIES)}")
        return value.lower()
    return value


def load(start: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The file (if any) and the environment, checked; the command line comes later."""
    env = os.environ if env is None else env
    config = Config()
    found = find_file(start)
    if found is not None:
        path, table = found
        text, data = _parse_file(path, table)
        config.file = path
        flat: dict[str, tuple[Any, str]] = {}
        for key, value in data.items():
            if key == "target":
                if not isinstance(value, dict):
                    line, col = _key_position(text, key, table)
                    raise _error("IAC362", "target must be a table", path, line, col)
                sub = f"{table}.target" if table else "target"
                for tkey, tvalue in value.items():
                    if tkey not in TARGET_KEYS:
                        line, col = _key_position(text, tkey, sub)
                        hint = _did_you_mean(tkey, TARGET_KEYS)
                        raise _error(
                            "IAC361", f"unknown target setting {tkey!r}{hint}", path, line, col
                        )
                    flat[tkey] = (tvalue, sub)
            elif key in SETTINGS:
                flat[key] = (value, table)
            else:
                line, col = _key_position(text, key, table)
                hint = _did_you_mean(key, (*SETTINGS, "target"))
                raise _error("IAC361", f"unknown setting {key!r}{hint}", path, line, col)
        for key, (value, where_table) in flat.items():
            line, col = _key_position(text, key, where_table)
            checked = _check(key, value, SETTINGS[key][0], (path, line, col))
            if SETTINGS[key][0] == "path":
                checked = str(_relative_to_cwd(path.parent / checked))
            config.values[key] = Setting(key, checked, f"{path}:{line}")
    for name, (kind, _help) in SETTINGS.items():
        var = f"{ENV_PREFIX}{name.upper()}"
        if env.get(var):
            config.values[name] = Setting(
                name, _check(name, env[var], kind, None), f"environment {var}"
            )
    return config


def _relative_to_cwd(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path.resolve()


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _lower(message: str) -> str:
    """tomllib's "Invalid value" as the other diagnostics write it: "invalid value"."""
    return message[:1].lower() + message[1:] if message[1:2].islower() else message
