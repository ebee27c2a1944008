"""The exercises' visible checks, kept in the package so that a check cell is one line: ``check("ex03", "q1")``.

Each ``manyhands.checks.exNN`` module holds one function per question.  ``check`` runs it in the namespace of the
notebook that called it (the learner's kernel, or the grader's checker, which fills that namespace with the course's
tables and the learner's answers as plain data).  The hidden tests stay in the check cells, where nbgrader keeps them
out of the release.  ``names_read`` tells the grader which of the learner's names a check reads.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys

from manyhands import feedback  # also watches the cells run, so a check knows how the answer cell ended

_EXERCISE = re.compile(r"ex\d\d")
_QUESTION = re.compile(r"q\d+[a-z]?")


def _function(exercise: str, question: str):
    if not (isinstance(exercise, str) and _EXERCISE.fullmatch(exercise)
            and isinstance(question, str) and _QUESTION.fullmatch(question)):
        raise ValueError(f"no check named {exercise!r}, {question!r}: a check cell reads check(\"ex03\", \"q1\")")
    module = importlib.import_module(f"{__name__}.{exercise}")
    func = getattr(module, question, None)
    if func is None:
        raise ValueError(f"exercise {exercise} has no check for {question}")
    return func


def check(exercise: str, question: str, *given, **named) -> None:
    """Run question ``question``'s visible checks of ``exercise`` on the calling notebook's names.  When a check
    fails, a slip it cannot see in the learner's function (a ``return`` inside a loop, values printed and not kept)
    is named before its message."""
    namespace = sys._getframe(1).f_globals
    if given or named:  # check("ex00", "q1", my_claim_types), as a lesson's checkpoints are written
        print(f'(An exercise\'s check finds your answer by its name: check("{exercise}", "{question}") is enough, and '
              "what you added in the brackets is not used.)")
    try:
        _function(exercise, question)(namespace)
    except feedback.AnswerError as exc:
        for name in names_read(exercise, question):
            func = namespace.get(name)
            slip = feedback.slip_behind(func, str(exc)) if callable(func) and not isinstance(func, type) else ""
            if slip and slip not in str(exc):
                raise feedback.AnswerError(f"{slip} {exc}") from None
        raise


def names_read(exercise: str, question: str) -> list[str]:
    """The names a check reads from the notebook: every ``ns.get("name")`` and ``feedback.defined(ns, "name")``."""
    tree = ast.parse(inspect.getsource(_function(exercise, question)))
    names = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "defined")
                and node.args):
            key = node.args[-1] if node.func.attr == "defined" else node.args[0]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
    return sorted(names)


def calls_in(code: str) -> list[tuple[str, str]]:
    """The ``check("exNN", "qN")`` calls written in a cell's code, as (exercise, question) pairs."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "check"
                and len(node.args) == 2 and all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                for a in node.args)):
            found.append((node.args[0].value, node.args[1].value))
    return found
