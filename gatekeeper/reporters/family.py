"""An output family: one result type, the formats it can be written in, and the one way to render any of them."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from gatekeeper.reporters.options import RenderOptions


@dataclass(frozen=True)
class Family:
    """The formats of one kind of result, each a module with `render(result, options) -> str | bytes`.

    `formats` maps a format name to the module that writes it. Modules are imported only when
    their format is asked for, so a command pays for Jinja2 or openpyxl only when it uses them.
    The CLI's --format choices are `choices`, in the order the registry lists them.
    """

    name: str
    result: type | tuple[type, ...]
    formats: Mapping[str, str]
    suffixes: Mapping[str, str]
    binary: frozenset[str] = field(default_factory=frozenset)

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self.formats)

    def render(self, result: object, fmt: str, *, options: RenderOptions) -> str | bytes:
        """`result` in format `fmt`; the same inputs give the same text (or bytes, for a binary format)."""
        try:
            module = self.formats[fmt]
        except KeyError:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(self.formats)}") from None
        if not isinstance(result, self.result):
            raise TypeError(f"the {self.name} formats render {self.result}, not {type(result).__name__}")
        rendered: str | bytes = importlib.import_module(module).render(result, options)
        return rendered
