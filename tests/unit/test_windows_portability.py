"""What the application and its scripts ask of the system exists on Windows too: read from the
source, since these tests run on Linux."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "desktop").rglob("*.py"), *(ROOT / "scripts").glob("*.py")])
# POSIX only: AttributeError on Windows (``signal.SIGKILL``, ``os.getuid``...)
POSIX_ONLY = {
    ("signal", "SIGKILL"),
    ("signal", "SIGHUP"),
    ("signal", "SIGALRM"),
    ("os", "getuid"),
    ("os", "geteuid"),
    ("os", "fork"),
    ("os", "killpg"),
    ("os", "setsid"),
}
TEXT_CALLS = {"read_text": 0, "write_text": 1}  # the argument before encoding=
MODE_ARGUMENT = {"open": 1, "fdopen": 1}  # open(file, mode), os.fdopen(fd, mode)


def _calls(path: Path) -> Iterator[tuple[int, ast.Call]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node.lineno, node


def _name(call: ast.Call) -> tuple[str | None, str | None]:
    """(object, function): ("os", "fdopen"), (None, "open"), ("?", "read_text")."""
    func = call.func
    if isinstance(func, ast.Name):
        return None, func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else "?"
        return owner, func.attr
    return None, None


def _text_mode(call: ast.Call, position: int) -> bool | None:
    """Whether an open() call opens text (None: cannot tell, not a file open)."""
    mode: ast.expr | None = call.args[position] if len(call.args) > position else None
    for keyword in call.keywords:
        if keyword.arg == "mode":
            mode = keyword.value
    if mode is None:
        return True
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        return "b" not in mode.value
    return None


def _missing_encoding(call: ast.Call) -> str | None:
    owner, name = _name(call)
    if any(k.arg == "encoding" for k in call.keywords):
        return None
    if name in TEXT_CALLS and owner is not None:
        return None if len(call.args) > TEXT_CALLS[name] else f"{name}() without encoding="
    if name == "open" and owner in (None, "io", "builtins"):
        return "open() in text mode without encoding=" if _text_mode(call, 1) else None
    if name == "open" and owner is not None and (call.args or call.keywords):
        # Path.open(mode): a widget's or a QBuffer's open() takes no string
        first = call.args[0] if call.args else None
        if first is None or (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            return "Path.open() in text mode without encoding=" if _text_mode(call, 0) else None
    if name == "fdopen" and owner == "os":
        return "os.fdopen() in text mode without encoding=" if _text_mode(call, 1) else None
    text = {k.arg: k.value for k in call.keywords}
    if owner == "subprocess" and any(
        isinstance(text.get(k), ast.Constant) and text[k].value for k in ("text", "universal_newlines")  # type: ignore[attr-defined]
    ):
        return f"subprocess.{name}(text=True) without encoding="
    return None


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_text_file_names_its_encoding(path: Path) -> None:
    """Without encoding=, Windows reads and writes text in its ANSI code page (cp1252 on a
    French laptop) until Python 3.15: « é » written here is « Ã© » read back, and « € » or the
    narrow no-break space of amounts cannot be written at all."""
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {problem}"
        for line, call in _calls(path)
        if (problem := _missing_encoding(call))
    ]
    assert problems == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_windows_lacks_is_called(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    used = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and (node.value.id, node.attr) in POSIX_ONLY
    ]
    assert used == []


def test_the_scan_sees_what_it_looks_for() -> None:
    calls = [
        node
        for node in ast.walk(
            ast.parse(
                "open(p)\nopen(p, 'rb')\np.read_text()\np.write_text(t, encoding='utf-8')\n"
                "p.open('a')\ndialog.open()\nos.fdopen(fd, 'w')\n"
                "subprocess.run(c, text=True)\nsubprocess.run(c, capture_output=True)\n"
            )
        )
        if isinstance(node, ast.Call) and _name(node)[1] is not None
    ]
    flagged = [bool(_missing_encoding(c)) for c in sorted(calls, key=lambda c: c.lineno)]
    assert flagged == [True, False, True, False, True, False, True, True, False]
