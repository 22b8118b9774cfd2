"""A tiny, safe arithmetic evaluator over Decimal, for formulas and conditions stored as data.

Formulas such as ``0.01 * inhabitants * 12`` or ``(100 + 0.01 * inhabitants) * 12 * 0.95`` and
conditions such as ``plans > 3`` come from the catalogue. They are parsed with ``ast`` and only
a small whitelist of nodes is evaluated: numbers (read exactly, as Decimal, from their source
text), quoted strings (for comparisons), names bound by the caller, ``+ - * /``, unary minus,
comparisons, ``and``/``or``/``not``, ``a if c else b`` and the functions ``min``, ``max``,
``ceil``, ``floor``, ``abs``. Nothing else: no attribute access, no subscripts, no ``eval``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from functools import lru_cache

from desktop.core.errors import CatalogueError

Value = Decimal | str | bool
MAX_LENGTH = 500

_CMP: dict[type[ast.cmpop], Callable[[object, object], bool]] = {
    ast.Lt: lambda a, b: a < b,  # type: ignore[operator]
    ast.LtE: lambda a, b: a <= b,  # type: ignore[operator]
    ast.Gt: lambda a, b: a > b,  # type: ignore[operator]
    ast.GtE: lambda a, b: a >= b,  # type: ignore[operator]
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
}


def _ceil(x: Decimal) -> Decimal:
    return x.to_integral_value(rounding=ROUND_CEILING)


def _floor(x: Decimal) -> Decimal:
    return x.to_integral_value(rounding=ROUND_FLOOR)


_FUNCS: dict[str, Callable[..., Decimal]] = {
    "min": min,
    "max": max,
    "ceil": _ceil,
    "floor": _floor,
    "abs": abs,
}


class FormulaError(CatalogueError):
    """A formula or condition of the catalogue cannot be read or evaluated."""


_SINGLE_EQ = re.compile(r"(?<![<>=!])=(?!=)")


@lru_cache(maxsize=512)
def _parse(source: str) -> ast.Expression:
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"Formule trop longue ({len(source)} caractères) : « {source[:40]}… ».")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        raise FormulaError(f"Formule illisible : « {source} ».") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise FormulaError(
                f"Formule refusée : « {source} » (élément non autorisé : {type(node).__name__})."
            )
        if isinstance(node, ast.Call) and (
            not isinstance(node.func, ast.Name) or node.func.id not in _FUNCS or node.keywords
        ):
            raise FormulaError(f"Formule refusée : « {source} » (fonction non autorisée).")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str)):
            raise FormulaError(f"Formule refusée : « {source} » (constante non autorisée).")
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            raise FormulaError(f"Formule refusée : « {source} » (constante non autorisée).")
    return tree


_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.And,
    ast.Or,
    *_CMP.keys(),
)


@lru_cache(maxsize=512)
def names(source: str) -> frozenset[str]:
    """The variable names a formula uses (functions excluded)."""
    tree = _parse(source)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return frozenset(
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called
    )


def evaluate(source: str, variables: Mapping[str, Value]) -> Value:
    """Evaluate ``source`` with ``variables``; numbers are Decimal throughout."""
    tree = _parse(source)
    return _Evaluator(source, variables).visit(tree.body)


def evaluate_number(source: str, variables: Mapping[str, Value]) -> Decimal:
    result = evaluate(source, variables)
    if not isinstance(result, Decimal):
        raise FormulaError(f"La formule « {source} » ne donne pas un montant.")
    return result


def evaluate_condition(source: str, variables: Mapping[str, Value]) -> bool:
    """A condition such as ``plans > 3``; a single ``=`` is read as ``==``."""
    text = normalise_condition(source)
    result = evaluate(text, variables)
    if not isinstance(result, bool):
        raise FormulaError(f"La condition « {source} » n'est ni vraie ni fausse.")
    return result


class _Evaluator:
    def __init__(self, source: str, variables: Mapping[str, Value]) -> None:
        self.source = source
        self.variables = variables

    def fail(self, why: str) -> FormulaError:
        return FormulaError(f"Formule « {self.source} » : {why}.")

    def number(self, node: ast.expr) -> Decimal:
        v = self.visit(node)
        if not isinstance(v, Decimal):
            raise self.fail("un nombre est attendu")
        return v

    def visit(self, node: ast.expr) -> Value:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return node.value
            text = ast.get_source_segment(self.source, node) or repr(node.value)
            try:
                return Decimal(text.replace("_", ""))
            except InvalidOperation:
                raise self.fail(f"nombre illisible {text}") from None
        if isinstance(node, ast.Name):
            if node.id not in self.variables:
                raise self.fail(f"valeur inconnue « {node.id} »")
            return self.variables[node.id]
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return not self.truth(node.operand)
            v = self.number(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = self.number(node.left), self.number(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if b == 0:
                raise self.fail("division par zéro")
            return a / b
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And):
                return all(self.truth(v) for v in node.values)
            return any(self.truth(v) for v in node.values)
        if isinstance(node, ast.Compare):
            left = self.visit(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = self.visit(right_node)
                if isinstance(left, str) != isinstance(right, str) or isinstance(left, bool):
                    raise self.fail("comparaison entre valeurs de types différents")
                if isinstance(left, str) and not isinstance(op, (ast.Eq, ast.NotEq)):
                    raise self.fail("un texte ne se compare qu'avec == ou !=")
                if not _CMP[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            return self.visit(node.body) if self.truth(node.test) else self.visit(node.orelse)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            args = [self.number(a) for a in node.args]
            if not args or (node.func.id in ("ceil", "floor", "abs") and len(args) != 1):
                raise self.fail(f"mauvais nombre d'arguments pour {node.func.id}")
            return (
                _FUNCS[node.func.id](*args)
                if node.func.id in ("min", "max")
                else _FUNCS[node.func.id](args[0])
            )
        raise self.fail(f"élément non autorisé {type(node).__name__}")  # pragma: no cover

    def truth(self, node: ast.expr) -> bool:
        v = self.visit(node)
        if not isinstance(v, bool):
            raise self.fail("une condition (vrai/faux) est attendue")
        return v


def normalise_condition(source: str) -> str:
    """Read a single ``=`` as ``==`` (``plans=3`` means ``plans == 3``)."""
    return _SINGLE_EQ.sub("==", source)
