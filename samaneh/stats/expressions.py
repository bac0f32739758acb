"""DHIS2-style expressions for indicators and validation rules, parsed safely (never `eval`).

Grammar: numbers, `#{dataElementUid}` (all disaggregations summed) or `#{dataElementUid.cocUid}`,
`+ - * /`, unary minus, parentheses, and the functions `if(cond, a, b)`, `isNull(x)`, `min(a, b)`,
`max(a, b)` with comparisons `< <= > >= == !=` inside `if`. Anything else — names, attributes,
calls, strings, `__import__` — is refused with a Persian message.

    expr = Expression("#{FTRrcoaog83} / #{lxAQ7Zs9VYR} * 1000")
    expr.operands        -> {("FTRrcoaog83", None), ("lxAQ7Zs9VYR", None)}
    expr.evaluate(values) where values[(uid, coc or None)] -> number or None (missing)

A missing operand counts as 0 (DHIS2's SKIP_IF_ALL_VALUES_MISSING is approximated: `evaluate`
returns None when every operand is missing); division by zero gives None.
"""
from __future__ import annotations

import ast
import operator
import re
from functools import lru_cache

from samaneh.core.text import normalize_digits

OPERAND = re.compile(r"#\{([A-Za-z][A-Za-z0-9]{10})(?:\.([A-Za-z][A-Za-z0-9]{10}))?\}")
MAX_LENGTH = 2000

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_COMPARE = {
    ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.Eq: operator.eq, ast.NotEq: operator.ne,
}
_FUNCTIONS = {"if": 3, "isNull": 1, "min": 2, "max": 2}


class ExpressionError(ValueError):
    """The expression is not one we accept; the message is Persian."""


class Expression:
    def __init__(self, text: str):
        self.text = normalize_digits(str(text or "")).strip()
        if not self.text:
            raise ExpressionError("عبارت خالی است")
        if len(self.text) > MAX_LENGTH:
            raise ExpressionError("عبارت بیش از حد طولانی است")
        self.operands: set[tuple[str, str | None]] = set()
        alias_of: dict[tuple[str, str | None], str] = {}

        def substitute(match):
            key = (match.group(1), match.group(2))
            self.operands.add(key)
            return alias_of.setdefault(key, f"_op{len(alias_of)}")

        python = OPERAND.sub(substitute, self.text).replace("if(", "_if(")
        if "#" in python or "__" in python:
            raise ExpressionError(f"عبارت «{self.text}» نماد یا نام غیرمجاز دارد")
        names = {alias: key for key, alias in alias_of.items()}
        try:
            tree = ast.parse(python, mode="eval")
        except SyntaxError:
            raise ExpressionError(f"عبارت «{self.text}» از نظر نگارشی درست نیست") from None
        self._aliases = names
        self._tree = tree.body
        self._check(self._tree)

    def _check(self, node):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ExpressionError("در عبارت فقط عدد مجاز است")
        elif isinstance(node, ast.Name):
            if node.id not in self._aliases:
                raise ExpressionError(f"نام «{node.id}» در عبارت مجاز نیست؛ عنصرها را به شکل #{{uid}} بنویسید")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise ExpressionError("فقط عملگرهای + − × ÷ مجازند")
            self._check(node.left)
            self._check(node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise ExpressionError("عملگر یکانی مجاز نیست")
            self._check(node.operand)
        elif isinstance(node, ast.Compare):
            if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
                raise ExpressionError("مقایسه باید ساده باشد (مثل a > b)")
            self._check(node.left)
            self._check(node.comparators[0])
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            name = "if" if name == "_if" else name
            if name not in _FUNCTIONS or node.keywords or len(node.args) != _FUNCTIONS[name]:
                raise ExpressionError("تابع مجاز نیست (فقط if، isNull، min و max)")
            for arg in node.args:
                self._check(arg)
        else:
            raise ExpressionError(f"عبارت «{self.text}» ساختار غیرمجاز دارد")

    def evaluate(self, values) -> float | None:
        """`values` maps (uid, coc) — and (uid, None) for the total over disaggregations — to numbers."""
        present = {key: values.get(key) for key in self.operands}
        if self.operands and all(v is None for v in present.values()):
            return None
        try:
            result = self._eval(self._tree, present)
        except ZeroDivisionError:
            return None
        return None if result is None else float(result)

    def _eval(self, node, present):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            value = present[self._aliases[node.id]]
            return 0 if value is None else value
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](self._eval(node.left, present), self._eval(node.right, present))
        if isinstance(node, ast.UnaryOp):
            value = self._eval(node.operand, present)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Compare):
            return _COMPARE[type(node.ops[0])](self._eval(node.left, present), self._eval(node.comparators[0], present))
        name = node.func.id
        if name == "_if":
            return self._eval(node.args[1] if self._eval(node.args[0], present) else node.args[2], present)
        if name == "isNull":
            arg = node.args[0]
            return 1 if isinstance(arg, ast.Name) and present[self._aliases[arg.id]] is None else 0
        a, b = (self._eval(arg, present) for arg in node.args)
        return min(a, b) if name == "min" else max(a, b)

    def __repr__(self):
        return f"Expression({self.text!r})"


@lru_cache(maxsize=2048)
def compile_expression(text: str) -> Expression:
    return Expression(text)


def validate_expression(text: str, known_elements=None, known_combos=None) -> Expression:
    """Parse and, given the known uids, refuse unknown elements or combos by name."""
    expression = Expression(text)
    for element, combo in expression.operands:
        if known_elements is not None and element not in known_elements:
            raise ExpressionError(f"عنصر داده «{element}» وجود ندارد")
        if combo and known_combos is not None and combo not in known_combos:
            raise ExpressionError(f"ترکیب گزینه «{combo}» وجود ندارد")
    return expression
