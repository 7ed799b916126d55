"""Project defaults from `gatekeeper.toml` (or `[tool.gatekeeper]` in `pyproject.toml`), found from a folder upwards.

A programme office keeps its profile, its ledger and the reports its CI wants beside its packs,
the way pre-commit, ruff and check-jsonschema users keep theirs: one file the tools find on their
own, so a command line stays `gatekeeper check packs/tees-valley`. What the command line says
always wins; the config only fills what it left out. Paths in the file are relative to the file.

    profile = "profiles/my-org.yml"      # --profile
    ledger = "decisions.sqlite3"         # --ledger (a path, sqlite:///path or postgresql://...)
    jobs = 2                             # --jobs (portfolio)

    [format]                             # --format, per command
    check = ["text", "junit:reports/gate.xml"]
    audit = ["csv:reports/register-audit.csv"]
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gatekeeper.problems import InputError, Problem

CONFIG_NAME = "gatekeeper.toml"
PYPROJECT = "pyproject.toml"
# The commands whose --format a config may set.
FORMAT_COMMANDS = (
    "audit",
    "check",
    "commercial",
    "explain",
    "ledger",
    "portfolio",
    "rules",
    "validate",
)
_KEYS = ("profile", "ledger", "jobs", "format")
_MAX_JOBS = 256
_MAX_BYTES = 1 << 20


@dataclass(frozen=True)
class Config:
    """The defaults one config file gives; `source` is the file, for the line that names it."""

    source: Path
    profile: Path | None = None
    ledger: str | None = None
    jobs: int | None = None
    formats: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def formats_for(self, command: str) -> tuple[str, ...]:
        """The formats the config gives `command` (empty: none)."""
        return self.formats.get(command, ())


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    near = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {near[0]}?)" if near else ""


def _locate(text: str, key: str) -> tuple[int, int]:
    """The line and column where `key` is first assigned in the TOML text (tomllib keeps no positions)."""
    found = re.search(rf"^([ \t]*)\"?{re.escape(key)}\"?[ \t]*=", text, re.M)
    if found is None:
        return 0, 0
    return text.count("\n", 0, found.start()) + 1, len(found.group(1)) + 1


def _problem(path: Path, text: str, key: str, message: str) -> Problem:
    line, col = _locate(text, key.rsplit(".", 1)[-1])
    return Problem(str(path), line, col, message)


def _relative(base: Path, value: str) -> Path:
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else base / candidate


def _format_value(base: Path, value: str) -> str:
    """`NAME[:PATH]` with PATH made relative to the config file's folder (`-` stays standard output)."""
    name, sep, target = value.partition(":")
    if not sep or target in ("", "-"):
        return value
    return f"{name}:{_relative(base, target)}"


def parse(path: Path, text: str, *, table: dict[str, Any]) -> Config:
    """Check the settings table of one config file and resolve its paths; every problem at once."""
    problems: list[Problem] = []
    base = path.parent
    profile: Path | None = None
    ledger: str | None = None
    jobs: int | None = None
    formats: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        if key not in _KEYS:
            message = f"unknown setting {key!r}{_suggest(key, _KEYS)}; the settings: {', '.join(_KEYS)}"
            problems.append(_problem(path, text, key, message))
        elif key == "profile":
            if isinstance(value, str) and value:
                profile = _relative(base, value)
            else:
                problems.append(_problem(path, text, key, "profile must be a file path (a string)"))
        elif key == "ledger":
            if isinstance(value, str) and value:
                ledger = value if "://" in value else str(_relative(base, value))
            else:
                problems.append(_problem(path, text, key, "ledger must be a file path or a URL (a string)"))
        elif key == "jobs":
            if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= _MAX_JOBS:
                jobs = value
            else:
                problems.append(_problem(path, text, key, f"jobs must be a whole number from 1 to {_MAX_JOBS}"))
        elif not isinstance(value, dict):
            problems.append(_problem(path, text, key, 'format must be a table: command = ["NAME[:PATH]", ...]'))
        else:
            for command, given in value.items():
                if command not in FORMAT_COMMANDS:
                    message = (
                        f"format for unknown command {command!r}{_suggest(command, FORMAT_COMMANDS)}; "
                        f"the commands: {', '.join(FORMAT_COMMANDS)}"
                    )
                    problems.append(_problem(path, text, command, message))
                elif not (isinstance(given, list) and given and all(isinstance(v, str) and v for v in given)):
                    message = f'format.{command} must be a list of "NAME[:PATH]" strings'
                    problems.append(_problem(path, text, command, message))
                else:
                    formats[command] = tuple(_format_value(base, v) for v in given)
    if problems:
        raise InputError(problems)
    return Config(source=path, profile=profile, ledger=ledger, jobs=jobs, formats=formats)


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        raw = path.read_bytes()[: _MAX_BYTES + 1]
    except OSError as error:
        raise InputError(Problem(str(path), message=f"cannot read: {error.strerror or error}")) from None
    if len(raw) > _MAX_BYTES:
        raise InputError(Problem(str(path), message=f"larger than {_MAX_BYTES} bytes: not a config file"))
    try:
        text = raw.decode("utf-8")
        return text, tomllib.loads(text)
    except UnicodeDecodeError:
        raise InputError(Problem(str(path), message="not UTF-8 text")) from None
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line, col = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error)) or "not valid TOML"
        raise InputError(Problem(str(path), line, col, f"not valid TOML: {message}")) from None


def find(start: Path) -> Path | None:
    """The first gatekeeper.toml, or pyproject.toml with a [tool.gatekeeper] table, from `start` upwards.

    In each folder gatekeeper.toml is looked for first. A pyproject.toml without the table is
    passed over, as ruff and pytest do, so a package's own pyproject.toml does not stop the search.
    """
    folder = start if start.is_dir() else start.parent
    try:
        folder = folder.resolve()
    except OSError:
        return None
    for candidate in (folder, *folder.parents):
        config = candidate / CONFIG_NAME
        if config.is_file():
            return config
        pyproject = candidate / PYPROJECT
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if re.search(r"^\s*\[tool\.gatekeeper(\.[A-Za-z_]+)?\]", text, re.M):
                return pyproject
    return None


def load(path: Path) -> Config:
    """Read and check one config file (InputError, every problem located, when it is wrong)."""
    text, data = _read(path)
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        table = tool.get("gatekeeper", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise InputError(Problem(str(path), message="[tool.gatekeeper] must be a table"))
    else:
        table = data
    return parse(path, text, table=table)


def discover(start: Path) -> Config | None:
    """The config that applies to `start` (a pack folder, or the working folder), or None."""
    found = find(start)
    return None if found is None else load(found)
