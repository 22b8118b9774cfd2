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
COMMAND = re.compile(
    r"\bcomptoir ((?:[a-z][\w-]*|--[a-z][\w-]*)(?:[^»();,`]*?))(?=[»();,`]|\. |\.$| ou | puis |$)"
)
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
    """Each Markdown file as one line: a menu path or a command may wrap."""
    return [(name, " ".join((ROOT / name).read_text(encoding="utf-8").split())) for name in DOCUMENTS]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def _command(parser: argparse.ArgumentParser, words: list[str]) -> tuple[argparse.ArgumentParser, int]:
    """The (sub-)command the first words name, and how many words named it."""
    command, named = parser, 0
    while named < len(words) and words[named] in _subcommands(command):
        command, named = _subcommands(command)[words[named]], named + 1
    return command, named


def command_problem(parser: argparse.ArgumentParser, reference: str) -> str | None:
    """What is wrong with « comptoir <reference> », or None: its words must name a command
    (then a sub-command, when there are some), and each --option must be one it takes."""
    words = reference.split()
    command, named = _command(parser, words)
    if named == 0 and not words[0].startswith("--"):
        return f"{words[0]} is not a command"
    if _subcommands(command) and named < len(words) and re.fullmatch(r"[a-z][\w-]*", words[named]):
        return f"{words[named]} is not a command of comptoir {' '.join(words[:named])}"
    unknown = [o for o in OPTION.findall(" ".join(words[named:])) if o not in _options(command)]
    if unknown:
        return f"{', '.join(unknown)}: not an option of comptoir {' '.join(words[:named])}"
    return None


@pytest.fixture
def menus(window) -> dict[str, dict[str, QAction]]:
    """Each menu of the window (« clic droit » for the lists' own) and its actions by text."""
    window.editor  # noqa: B018  # its line actions join the Édition menu
    found: dict[str, dict[str, QAction]] = {}
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        menu.aboutToShow.emit()  # the Offre menu is filled when shown
        found[action_text(menu_action)] = {
            action_text(a): a for a in menu.actions() if not a.isSeparator()
        }
    lists = (window.offers_list, window.editor)
    found["clic droit"] = {action_text(a): a for w in lists for a in w.findChildren(QAction)}
    return found


def menu_problem(menus: dict[str, dict[str, QAction]], title: str, rest: str) -> str | None:
    if title not in menus:
        return f"no menu {title} (menus: {', '.join(menus)})"
    named = [text for text in menus[title] if re.match(re.escape(text) + r"(?!\w)", rest)]
    if not named:
        return f"{title} has no « {rest[:40]} » (it has: {', '.join(menus[title])})"
    text = max(named, key=len)
    keys = KEYS.match(rest[len(text):])
    if keys:
        action = menus[title][text]
        real = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys.group(1) not in real:
            return f"{title} > {text} has the keys {' ou '.join(real) or 'none'}, not {keys.group(1)}"
    return None


def test_every_menu_path_named_by_a_message_or_a_document_exists(french, menus) -> None:
    wrong = [
        f"{where}: « {match.group(0)[:60]} »: {problem}"
        for where, text in [*_program_texts(), *_document_texts()]
        for match in MENU_PATH.finditer(text)
        if (problem := menu_problem(menus, match.group(1), match.group(2)))
    ]
    assert wrong == [], "\n".join(wrong)


def test_every_command_named_by_a_message_or_a_document_exists() -> None:
    parser = cli.build_parser()
    wrong = [
        f"{where}: « comptoir {match.group(1)} »: {problem}"
        for where, text in [*_program_texts(), *_document_texts()]
        for match in COMMAND.finditer(text)
        if (problem := command_problem(parser, match.group(1)))
    ]
    assert wrong == [], "\n".join(wrong)


def _readme_table(parser: argparse.ArgumentParser) -> list[str]:
    """The command lines of the README's table, without « comptoir »: `offers list [--state S]`."""
    rows = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    firsts = [row.split(" | ")[0] for row in rows if row.startswith("| `")]
    spans = [span for first in firsts for span in re.findall(r"`([^`]+)`", first)]
    lines = [span for span in spans if span.split()[0] in _subcommands(parser)]
    assert len(lines) > 20
    return lines


def test_every_command_line_of_the_readme_table_exists() -> None:
    parser = cli.build_parser()
    wrong = [
        f"`{span}`: {problem}" for span in _readme_table(parser) if (problem := command_problem(parser, span))
    ]
    assert wrong == [], "\n".join(wrong)


def usage_problem(parser: argparse.ArgumentParser, line: str) -> str | None:
    """What the README's `offers export [--since DATE] --out FILE` says wrongly of which options
    are required: one between [ ] is optional, one in ( | ) is one of a required choice, any
    other must be given."""
    words = line.split()
    command, named = _command(parser, words)
    actions = {option: action for action in command._actions for option in action.option_strings}
    chosen = {
        id(action)
        for group in command._mutually_exclusive_groups
        if group.required
        for action in group._group_actions
    }
    optional = grouped = 0
    for token in re.findall(r"\[|\]|\(|\)|--[a-z][a-z-]*", " ".join(words[named:])):
        optional += {"[": 1, "]": -1}.get(token, 0)
        grouped += {"(": 1, ")": -1}.get(token, 0)
        action = actions.get(token)
        if action is None:
            continue
        needed = action.required or id(action) in chosen
        if optional:
            said, real = "optional", "required" if needed else "optional"
        elif grouped:
            said, real = "one of a choice", "one of a choice" if id(action) in chosen else "not so"
        else:
            said, real = "required", "required" if action.required else "optional"
        if real != said:
            return f"{token} is written {said}, but is {real}"
    return None


def test_the_readme_table_says_which_options_are_required() -> None:
    parser = cli.build_parser()
    wrong = [
        f"`{span}`: {problem}" for span in _readme_table(parser) if (problem := usage_problem(parser, span))
    ]
    assert wrong == [], "\n".join(wrong)
    assert usage_problem(parser, "offers export (--since DATE | --number N) --out FILE") is not None
    assert usage_problem(parser, "backup [--out FILE]") is not None


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
        f"{where}: {option}"
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
