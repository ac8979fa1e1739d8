"""Derivations: a computed number with the arithmetic that made it, checked rather than trusted.

An answer that says a total writes `"134.85=89.9*2-89.9/2"` in its derived numbers. The guard
re-evaluates the right-hand side, and takes the value only when every number in it traces to the
catalog facts of the products concerned (or to an earlier checked derivation, or is a small count
a viewer asked for) and the result equals it: to the cent, or rounded to a whole number where the
host says 大约 (days a pack lasts). A wrong or unfounded derivation vouches for nothing.
Pure: no I/O.
"""
from __future__ import annotations

import ast
import math
import operator
from decimal import Decimal

from .spoken_numbers import canonical

MAX_COUNT = 366  # counts and spans a viewer asks for (两罐, 180天) need no catalog fact
UNIT_FACTORS = frozenset({Decimal(10), Decimal(100), Decimal(1000)})  # kg -> g, l -> ml, 折 -> rate
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_ROUNDINGS = (lambda x: x, math.floor, math.ceil, round)


def derivation(value: float | str, expression: str) -> str:
    """The derived-number entry for `value` (as the host says it: to the cent) computed as
    `expression` ("89.9*2-89.9/2")."""
    return f"{canonical(round(Decimal(str(value)), 2))}={expression}"


def _numbers(node: ast.AST) -> list[Decimal]:
    return [canonical(n.value) for n in ast.walk(node) if isinstance(n, ast.Constant)]


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return _OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    raise ValueError(f"not plain arithmetic: {ast.dump(node)[:60]}")


def checked_value(entry: str, known: set[Decimal]) -> Decimal | None:
    """The value an entry "value=expression" vouches for, or None when its arithmetic is wrong, not
    plain arithmetic, or uses a number that traces to nothing in `known`."""
    value_text, _, expression = entry.partition("=")
    if not expression or len(expression) > 200:
        return None
    try:
        value = canonical(value_text.strip())
        tree = ast.parse(expression.strip(), mode="eval")
        for number in _numbers(tree):
            if number not in known and number not in UNIT_FACTORS and not (
                    number == number.to_integral() and 0 <= number <= MAX_COUNT):
                return None
        if not any(n in known for n in _numbers(tree)):
            return None  # arithmetic on counts alone ("30=30") vouches for nothing the catalog says
        result = _evaluate(tree)
    except (ValueError, SyntaxError, ZeroDivisionError, ArithmeticError, TypeError):
        return None
    if not math.isfinite(result):
        return None
    if any(abs(Decimal(str(rounding(result))) - value) < Decimal("0.006") for rounding in _ROUNDINGS):
        return value
    return None


def vouched_values(entries: tuple[str, ...], known: set[Decimal]) -> set[Decimal]:
    """Every value the entries vouch for: derivations that check out (in order, so one may build on
    an earlier one)."""
    vouched: set[Decimal] = set()
    for entry in entries:
        if "=" not in str(entry):
            continue
        value = checked_value(str(entry), known | vouched)
        if value is not None:
            vouched.add(value)
    return vouched
