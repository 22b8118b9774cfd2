"""Typed errors. Every error a user can cause carries a French message that says what to fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class ComptoirError(Exception):
    """Base of every expected error. ``str(error)`` is the French message shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(ComptoirError):
    """A value typed by the user (or passed on the command line) is not acceptable.

    ``field`` names what to fix (a parameter key, a form field), when known.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidInputs(InvalidInput):
    """Several values of one form to fix at once, one message per field (``errors``, in the
    order they were checked). ``field`` and the first line of the message are the first's."""

    def __init__(self, errors: Sequence[InvalidInput]) -> None:
        super().__init__("\n".join(str(e) for e in errors), field=errors[0].field)
        self.errors = tuple(errors)


class FieldProblems:
    """Checks a form field by field and says every field to fix, not only the first.

    ``check`` runs one reader and keeps its ``InvalidInput`` (the first one of each field);
    ``raise_found`` raises nothing, the one error, or ``InvalidInputs`` for several.
    """

    def __init__(self) -> None:
        self.found: list[InvalidInput] = []

    def add(self, error: InvalidInput) -> None:
        for e in getattr(error, "errors", (error,)):
            if e.field is None or e.field not in self.fields:
                self.found.append(e)

    @property
    def fields(self) -> set[str]:
        return {e.field for e in self.found if e.field is not None}

    def check(self, reader: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """``reader(*args, **kwargs)``, or None once its error is kept."""
        try:
            return reader(*args, **kwargs)
        except InvalidInput as error:
            self.add(error)
            return None

    def raise_found(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise InvalidInputs(self.found)


class NotFound(ComptoirError):
    """A member, product, offer... that was asked for does not exist."""


class Ambiguous(ComptoirError):
    """A query matches several things; ``candidates`` lists them (display strings)."""

    def __init__(self, message: str, candidates: Sequence[str]) -> None:
        super().__init__(message)
        self.candidates = tuple(candidates)


class CatalogueError(ComptoirError):
    """Seed or catalogue data breaks a rule. ``location`` is ``file:line`` when known."""

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(f"{location} : {message}" if location else message)
        self.location = location
        self.reason = message


class RuleViolation(ComptoirError):
    """A business rule refuses an action (exclusive products, missing parent, transition...)."""


class ClockBehind(RuleViolation):
    """The computer's date is before the last offer this device finalised: numbering now would
    date the offer on the wrong day (a clock set back), unless that last offer was dated on a
    clock set ahead, which the user confirms."""


class ChangedElsewhere(RuleViolation):
    """The stored draft was changed or deleted by another program (the command line, say)
    since the window read it: writing or finalising what the window holds would undo that
    change, or freeze what the screen does not show, without a word."""


class StorageError(ComptoirError):
    """The database cannot do what was asked (read-only, locked, full, corrupt...)."""
