"""The words a user reads, as written in ``desktop/``: one thing, one name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import desktop

SOURCE = Path(desktop.__file__).parent


def _texts() -> list[tuple[str, str]]:
    """Every string constant of ``desktop/`` but docstrings, with where it is."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found.append((f"{path.relative_to(SOURCE)}:{node.lineno}", node.value))
    return found


def test_devis_is_only_ever_a_separate_quote() -> None:
    """« Sur devis » is a price iMio gives apart: an offer's own amounts are never « le devis »
    (« Le devis n'est pas calculé » read as the separate quote the offer waits for)."""
    wrong = re.compile(r"\b(le|du|pas de) devis\b(?! séparé)", re.IGNORECASE)
    assert [(where, text) for where, text in _texts() if wrong.search(text)] == []
