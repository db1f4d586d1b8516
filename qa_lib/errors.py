"""Errors that are the user's to fix: shown as a message, never as a traceback."""

from __future__ import annotations

from typing import Protocol


class Rendered(Protocol):
    """What an error carries for its message: anything that renders itself as text (the loader's
    ValidationReport), so this bottom module needs nothing from the layers above it."""

    def render(self, limit: int | None = ...) -> str: ...


class QAPackError(Exception):
    """A problem with the user's input, params or environment, explained in words."""


class ParamsError(QAPackError):
    """The params file is missing, unreadable or holds a value we cannot use."""


class ValidationFailed(QAPackError):
    """The audits file broke the data contract; carries every problem found."""

    def __init__(self, report: Rendered) -> None:
        self.report = report
        super().__init__(report.render())


class RunFailed(QAPackError):
    """A notebook failed while the report was being built; nothing was published."""


class RunInterrupted(QAPackError):
    """Ctrl-C or SIGTERM stopped the run; everything it made was removed and the last report is untouched."""

    def __init__(self, out: object, exit_code: int) -> None:
        self.exit_code = exit_code
        super().__init__(f"interrupted: the last good report in {out} is unchanged")


MAX_MESSAGE = 2000


def bounded(text: str, limit: int = MAX_MESSAGE) -> str:
    """A message cut to `limit` characters, saying so, so no input can make a message unbounded."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
