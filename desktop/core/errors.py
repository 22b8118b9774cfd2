"""Typed errors. Every error a user can cause carries a French message that says what to fix."""

from __future__ import annotations

from collections.abc import Sequence


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


class StorageError(ComptoirError):
    """The database cannot do what was asked (read-only, locked, full, corrupt...)."""
