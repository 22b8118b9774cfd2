"""A message or a document that sends the reader to a menu or a command names one that exists,
spelled as the window and the command line spell it: « Fichier > Restaurer la base… »,
« Membre > Nouveau membre… (Ctrl+Maj+N) », « comptoir offers reprice --apply ».

The references are collected from the program's strings (docstrings and comments aside) and
from the Markdown files, then checked against the real menus and the real command parser."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QKeySequence

from desktop import cli
from desktop.ui.help_dialogs import action_text

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ("README.md", "db/README.md")

# « Fichier > Restaurer la base… », « clic droit > Recalculer… »: a capitalised word (a menu)
# or « clic droit » (a context menu), then what to choose in it
MENU_PATH = re.compile(r"(\b[A-ZÉ]\w+|clic droit) > (.+)")
KEYS = re.compile(r"\s*\(((?:Ctrl|Maj|Alt|F\d)[^)]*)\)")
# « comptoir offers reprice --apply », up to where the sentence goes on
COMMAND = re.compile(r"\bcomptoir ((?:[a-z][\w-]*|--[a-z][\w-]*)(?:[^»();,`]*?))(?=[»();,`]|\. |\.$| ou | puis |$)")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _strings(path: Path) -> list[str]:
    """The string literals of a module, docstrings aside; an f-string's values read « X »."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    texts: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        elif isinstance(node, ast.JoinedStr):
            skipped.update(id(v) for v in node.values)
            texts.append("".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values))
    texts.extend(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped
    )
    return texts


def _program_texts() -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(ROOT)), text)
        for path in sorted((ROOT / "desktop").rglob("*.py"))
        for text in _strings(path)
    ]


def _document_texts() -> list[tuple[str, str]]:
    """Each Markdown file as one line (a path may wrap), and its code spans on their own."""
    texts = []
    for name in DOCUMENTS:
        text = " ".join((ROOT / name).read_text(encoding="utf-8").split())
        texts.append((name, text))
    return texts


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def command_problem(parser: argparse.ArgumentParser, reference: str) -> str | None:
    """What is wrong with « comptoir <reference> », or None: its words must name a command
    (then a sub-command, when there are some), and each --option must be one it takes."""
    words = reference.split()
    command, named = parser, 0
    for word in words:
        choices = _subcommands(command)
        if word not in choices:
            break
        command, named = choices[word], named + 1
    if named == 0 and not words[0].startswith("--"):
        return f"« {words[0]} » n'est pas une commande"
    if _subcommands(command) and named < len(words) and re.fullmatch(r"[a-z][\w-]*", words[named]):
        return f"« {words[named]} » n'est pas une commande de « comptoir {' '.join(words[:named])} »"
    unknown = [o for o in OPTION.findall(" ".join(words[named:])) if o not in _options(command)]
    if unknown:
        return f"{', '.join(unknown)} : pas une option de « comptoir {' '.join(words[:named])} »"
    return None


@pytest.fixture
def menus(window) -> dict[str, dict[str, QAction]]:
    """Each menu of the window (« clic droit » for the lists' own) and its actions by text."""
    window.editor  # noqa: B018  # its line actions join the Édition menu
    found: dict[str, dict[str, QAction]] = {}
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        menu.aboutToShow.emit()  # the Offre menu is filled when shown
        found[action_text(menu_action)] = {action_text(a): a for a in menu.actions() if not a.isSeparator()}
    lists = (window.offers_list, window.editor)
    found["clic droit"] = {action_text(a): a for w in lists for a in w.findChildren(QAction)}
    return found


def menu_problem(menus: dict[str, dict[str, QAction]], title: str, rest: str) -> str | None:
    if title not in menus:
        return f"pas de menu « {title} » (menus : {', '.join(menus)})"
    named = [text for text in menus[title] if re.match(re.escape(text) + r"(?!\w)", rest)]
    if not named:
        return f"« {title} » n'a pas « {rest[:40]} » (il a : {', '.join(menus[title])})"
    text = max(named, key=len)
    keys = KEYS.match(rest[len(text):])
    if keys:
        action = menus[title][text]
        real = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys.group(1) not in real:
            return f"« {title} > {text} » a pour touches {' ou '.join(real) or 'aucune'}, pas {keys.group(1)}"
    return None


def test_every_menu_path_named_by_a_message_or_a_document_exists(french, menus) -> None:
    wrong = [
        f"{where} : « {match.group(0)[:60]} » : {problem}"
        for where, text in [*_program_texts(), *_document_texts()]
        for match in MENU_PATH.finditer(text)
        if (problem := menu_problem(menus, match.group(1), match.group(2)))
    ]
    assert wrong == [], "\n".join(wrong)


def test_every_command_named_by_a_message_or_a_document_exists() -> None:
    parser = cli.build_parser()
    wrong = [
        f"{where} : « comptoir {match.group(1)} » : {problem}"
        for where, text in [*_program_texts(), *_document_texts()]
        for match in COMMAND.finditer(text)
        if (problem := command_problem(parser, match.group(1)))
    ]
    assert wrong == [], "\n".join(wrong)


def test_every_command_line_of_the_readme_table_exists() -> None:
    """The README's table writes its commands without « comptoir »: `offers list [--state S]`."""
    parser = cli.build_parser()
    commands = set(_subcommands(parser))
    text = re.sub(r"```.*?```", "", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.DOTALL)
    spans = re.findall(r"`([^`]+)`", text)
    lines = [span for span in spans if span.split() and span.split()[0] in commands]
    assert len(lines) > 20
    wrong = [f"`{span}` : {problem}" for span in lines if (problem := command_problem(parser, span))]
    assert wrong == [], "\n".join(wrong)


def test_every_option_a_message_names_is_one_of_a_command() -> None:
    """« --category avec --member et --save » : each is an option of some command."""
    parser = cli.build_parser()
    every: set[str] = set()
    stack = [parser]
    while stack:
        command = stack.pop()
        every |= _options(command)
        stack.extend(_subcommands(command).values())
    wrong = sorted(
        f"{where} : {option}"
        for where, text in _program_texts()
        if where.startswith("desktop/cli") or "comptoir" in text
        for option in OPTION.findall(text)
        if option not in every
    )
    assert wrong == [], "\n".join(wrong)


def test_a_wrong_reference_is_told(french, menus) -> None:
    """The checks above do find what they are for."""
    parser = cli.build_parser()
    assert command_problem(parser, "offers reprice --apply") is None
    assert command_problem(parser, "offers reprice --force") is not None
    assert command_problem(parser, "offers lists") is not None
    assert command_problem(parser, "frobnicate") is not None
    assert menu_problem(menus, "Fichier", "Restaurer la base… ou") is None
    assert menu_problem(menus, "Membre", "Nouveau membre… (Ctrl+Maj+N).") is None
    assert menu_problem(menus, "Membre", "Nouveau membre… (Ctrl+N).") is not None
    assert menu_problem(menus, "Fichier", "Restaurer).") is not None
    assert menu_problem(menus, "Offres", "Recalculer sur le tarif en vigueur") is not None
