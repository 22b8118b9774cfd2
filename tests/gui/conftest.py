"""GUI tests run offscreen; dialogs are scripted, so no test ever blocks on a modal window."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from desktop.ui.dialogs import Dialogs


class ScriptedDialogs(Dialogs):
    """Test double: answers come from queues; a question nobody scripted fails the test."""

    def __init__(self) -> None:
        self.answers: dict[str, list[object]] = {}
        self.asked: list[tuple[str, str]] = []
        self.crashes: list[str] = []
        self.informed: list[str] = []

    def script(self, kind: str, *answers: object) -> None:
        self.answers.setdefault(kind, []).extend(answers)

    def _next(self, kind: str, title: str) -> object:
        self.asked.append((kind, title))
        queue = self.answers.get(kind)
        if not queue:
            raise AssertionError(f"dialogue non prévu par le test : {kind} « {title} »")
        return queue.pop(0)

    def confirm(self, parent, title, text, *, yes="Oui", no="Non"):  # type: ignore[override]
        return bool(self._next("confirm", title))

    def ask_text(self, parent, title, label, *, text="", ok="Valider"):  # type: ignore[override]
        return self._next("ask_text", title)  # type: ignore[return-value]

    def choose(self, parent, title, label, items):  # type: ignore[override]
        return self._next("choose", title)  # type: ignore[return-value]

    def save_file(self, parent, title, suggested, filters):  # type: ignore[override]
        return self._next("save_file", title)  # type: ignore[return-value]

    def open_file(self, parent, title, filters):  # type: ignore[override]
        return self._next("open_file", title)  # type: ignore[return-value]

    def inform(self, parent, title, text):  # type: ignore[override]
        self.informed.append(text)

    def crash(self, parent, report):  # type: ignore[override]
        self.crashes.append(report)


@pytest.fixture
def dialogs() -> ScriptedDialogs:
    return ScriptedDialogs()
