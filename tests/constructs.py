"""What Python and pandas an exercise asks for, and where the course shows it first.

``used(code)`` extracts the constructs a piece of code uses: syntax (``def``, ``return``, ``if``,
``for``, comprehensions, ``lambda``, ``in``, ``&`` on masks …), methods and attributes (``.sum()``,
``.loc``, ``.idxmax()`` …) and functions (``int()``, ``pd.isna()`` …). ``shown(text)`` extracts the
same from course material: code cells, and the code in a markdown cell's backticks and code blocks.
tests/test_constructs.py uses both to keep the README's promise to learners who never programmed:
every construct a model solution uses is shown before the question that needs it.
"""

from __future__ import annotations

import ast
import re

SYNTAX = {
    ast.FunctionDef: "def", ast.Return: "return", ast.If: "if", ast.IfExp: "if … else (expression)",
    ast.For: "for", ast.While: "while", ast.Break: "break", ast.Continue: "continue", ast.Lambda: "lambda",
    ast.ListComp: "list comprehension", ast.DictComp: "dict comprehension", ast.SetComp: "set comprehension",
    ast.GeneratorExp: "generator expression", ast.Try: "try/except", ast.With: "with", ast.JoinedStr: "f-string",
    ast.AugAssign: "augmented assignment (+=)", ast.Slice: "slice [a:b]",
}
OPERATORS = {
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.And: "and", ast.Or: "or",
    ast.Not: "not", ast.BitAnd: "& (both conditions)", ast.BitOr: "| (either condition)", ast.Invert: "~ (negation)",
}
KEYWORDS = {"def": "def", "return": "return", "if": "if", "for": "for", "while": "while", "break": "break",
            "lambda": "lambda", "try": "try/except", "with": "with", "in": "in", "is": "is", "and": "and",
            "or": "or", "not": "not"}
# names so basic, or so much part of the question's own wording, that they are not counted
IGNORED = {"print()", "None", "True", "False"}


def _dotted(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def used(code: str, modules: tuple[str, ...] = ("pd", "np", "chain", "data", "claims")) -> set[str]:
    """The constructs ``code`` uses (raises SyntaxError if it is not Python)."""
    tree = ast.parse(code)
    found: set[str] = set()
    for node in ast.walk(tree):
        for kind, name in SYNTAX.items():
            if isinstance(node, kind):
                found.add(name)
        if isinstance(node, (ast.Compare,)):
            for op in node.ops:
                if type(op) in OPERATORS:
                    found.add(OPERATORS[type(op)])
        if isinstance(node, (ast.BoolOp, ast.BinOp, ast.UnaryOp)):
            op = type(node.op)
            if op in OPERATORS:
                found.add(OPERATORS[op])
        if isinstance(node, ast.If) and node.orelse:
            found.add("else")
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Tuple) for t in node.targets):
            found.add("tuple unpacking (a, b = …)")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                found.add(f"{func.id}()")
            elif isinstance(func, ast.Attribute):
                dotted = _dotted(func)
                if dotted and dotted.split(".")[0] in modules:
                    found.add(f"{dotted}()")
                else:
                    found.add(f".{func.attr}()")
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if not (dotted and dotted.split(".")[0] in modules):
                found.add(f".{node.attr}")
    # an attribute that is only ever called counts as the call
    for name in [f for f in found if f.startswith(".") and not f.endswith("()")]:
        if f"{name}()" in found and not _attribute_uncalled(tree, name[1:]):
            found.discard(name)
    return found - IGNORED


def _attribute_uncalled(tree, attr: str) -> bool:
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return any(isinstance(n, ast.Attribute) and n.attr == attr and id(n) not in called for n in ast.walk(tree))


_FENCE = re.compile(r"```(?:python)?\n(.*?)```", re.S)
_INLINE = re.compile(r"`([^`\n]+)`")


def _loose(snippet: str) -> set[str]:
    """Constructs named in a snippet that is not a whole Python statement (e.g. `.idxmax()`, `return`)."""
    found = set()
    for name in re.findall(r"\.(\w+)\s*\(", snippet):
        found.add(f".{name}()")
    for name in re.findall(r"\.(\w+)\b(?!\s*\()", snippet):
        found.add(f".{name}")
    for name in re.findall(r"(?<![.\w])(\w+(?:\.\w+)*)\s*\(", snippet):
        if name not in KEYWORDS:
            found.add(f"{name}()")
    for word in re.findall(r"\b(\w+)\b", snippet):
        if word in KEYWORDS:
            found.add(KEYWORDS[word])
    if "&" in snippet:
        found.add(OPERATORS[ast.BitAnd])
    return found


def shown(text: str, is_code: bool) -> set[str]:
    """The constructs a learner meets in a cell of course material."""
    snippets = [text] if is_code else _FENCE.findall(text) + _INLINE.findall(_FENCE.sub("", text))
    found: set[str] = set()
    for snippet in snippets:
        try:
            found |= used(snippet)
        except SyntaxError:
            found |= _loose(snippet)
    return found
