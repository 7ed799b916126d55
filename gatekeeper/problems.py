"""Located problems: the one record every loader and check reports, sorted and printed the same way."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input, at one place.

    Field order is sort order: problems sort by file, then line, then column, so output is stable.
    """

    file: str
    line: int = 0
    col: int = 0
    message: str = ""
    json_path: str = ""

    def __str__(self) -> str:
        where = f" (at {self.json_path})" if self.json_path else ""
        if self.line == 0:  # a problem with a whole file or resource, not a place in it
            return f"{self.file}: {self.message}{where}"
        return f"{self.file}:{self.line}:{self.col}: {self.message}{where}"


class InputError(Exception):
    """Input (evidence, rules, profile) cannot be used; carries every problem found.

    The CLI maps it to exit code 3 and prints one `file:line:col: message` line per problem.
    """

    def __init__(self, problems: list[Problem] | Problem) -> None:
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """The command was called wrongly (exit 2)."""
