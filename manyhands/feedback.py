"""Checks for learners' answers.

Each check raises ``AnswerError`` (a subclass of AssertionError, so nbgrader counts it as a
failed test) with a message that says what is wrong *with the form* of an answer (wrong type,
empty, unknown label, a function that crashes) in plain English, and, when the form is right but
the content is not, a hint that does not give the answer away.

Correctness checks compare a SHA-256 digest of the learner's answer with the digest of the
key, so a released notebook can tell a learner "not yet" without containing the answer.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import numbers
from collections.abc import Callable, Iterable, Mapping

_SALT = "many-hands/v1"


class AnswerError(AssertionError):
    """A learner's answer is malformed or not yet right; the message explains why."""


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _type_name(value) -> str:
    if value is None:
        return "None (nothing)"
    if value is Ellipsis:
        return "... (the placeholder)"
    return type(value).__name__


def defined(namespace: Mapping, name: str):
    """Return the learner's ``name`` from the notebook's namespace, or explain that it is missing.

    Use as ``answer = feedback.defined(globals(), "my_answer")`` at the top of a test cell, so a
    learner who has not run (or has deleted) the answer cell reads what to do, not a NameError.
    """
    if name not in namespace:
        raise AnswerError(
            f"`{name}` is not defined yet. Write your answer in the cell above, run it, then run this cell. "
            "If that cell was deleted, start again from a fresh copy of the notebook."
        )
    return namespace[name]


def check_answered(value, name: str) -> None:
    """Fail with a clear message when an answer is still empty or a placeholder."""
    if value is None or value is Ellipsis:
        raise AnswerError(f"`{name}` has no answer yet: replace the placeholder with your answer and run the cell again.")
    if isinstance(value, (str, list, tuple, set, dict, frozenset)) and len(value) == 0:
        raise AnswerError(f"`{name}` is empty. Fill it in and run the cell again.")


def check_type(value, expected: type | tuple[type, ...], name: str, example: str = "") -> None:
    """Fail unless ``value`` is of the expected type; the message says what it is instead."""
    check_answered(value, name)
    types = expected if isinstance(expected, tuple) else (expected,)
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        wanted = " or ".join(t.__name__ for t in types)
        hint = f" For example: {example}" if example else ""
        for plain, kind in ((int, numbers.Integral), (float, numbers.Real)):
            if plain in types and isinstance(value, kind) and not isinstance(value, bool):
                # a numpy or pandas number where a plain Python one is asked for: say how to convert it
                hint = f" Wrap it in {plain.__name__}(...) to turn it into a plain Python {plain.__name__}.{hint}"
                break
        raise AnswerError(f"`{name}` should be {_a(wanted)}, but it is {_a(_type_name(value))}.{hint}")


def _suggest(word, choices: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word.strip().lower(), list(choices), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def check_keys(answer, keys: Iterable[str], name: str, example: str = "") -> None:
    """Check a dict has exactly the given keys, naming any that are missing or extra."""
    keys = list(keys)
    check_type(answer, dict, name, example=example or "{" + f"{keys[0]!r}: ..., ..." + "}")
    missing = [k for k in keys if k not in answer]
    extra = [k for k in answer if k not in keys]
    if missing:
        raise AnswerError(f"`{name}` has nothing for {', '.join(map(repr, missing))}. It needs an entry for every one of {', '.join(map(repr, keys))}.")
    if extra:
        raise AnswerError(f"`{name}` has keys that do not belong: {', '.join(map(repr, extra))}. Use only {', '.join(map(repr, keys))}.")


def check_values(answer: dict, expected: type | tuple[type, ...], name: str, hint: str = "") -> None:
    """Check every value of a dict is of the expected type (bool never counts as a number)."""
    types = expected if isinstance(expected, tuple) else (expected,)
    # numpy and pandas numbers are fine where Python's int or float is asked for
    accepted = tuple({int: numbers.Integral, float: numbers.Real}.get(t, t) for t in types)
    for key, value in answer.items():
        if not isinstance(value, accepted) or (isinstance(value, bool) and bool not in types):
            wanted = " or ".join(t.__name__ for t in types)
            raise AnswerError(f"`{name}[{key!r}]` should be {_a(wanted)}, but it is {value!r} ({_type_name(value)}). {hint}".rstrip())


def check_labels(answer, keys: Iterable[str], allowed: Iterable[str], name: str) -> None:
    """Check a dict that gives one label (from ``allowed``) to each of ``keys``."""
    keys, allowed = list(keys), list(allowed)
    check_keys(answer, keys, name, example="{" + f"{keys[0]!r}: {allowed[0]!r}, ..." + "}")
    for key in keys:
        label = answer[key]
        if label not in allowed:
            raise AnswerError(
                f"`{name}[{key!r}]` is {label!r}, which is not one of the labels "
                f"{', '.join(map(repr, allowed))}.{_suggest(label, allowed)}"
            )


def check_choice_set(answer, allowed: Iterable[str], name: str) -> None:
    """Check a set of option letters, e.g. {'a', 'c'}."""
    allowed = list(allowed)
    check_type(answer, (set, frozenset, list, tuple), name, example="{'a', 'c'}")
    unknown = [x for x in answer if x not in allowed]
    if unknown:
        raise AnswerError(f"`{name}` contains {', '.join(map(repr, unknown))}, which are not options. The options are {', '.join(map(repr, allowed))}.")


def _canonical(value, decimals: int):
    if isinstance(value, Mapping):
        return {str(k): _canonical(v, decimals) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted(_canonical(v, decimals) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v, decimals) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy / pandas scalars
        value = value.item()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        rounded = round(value, decimals)
        return int(rounded) if rounded == int(rounded) else rounded
    return str(value).strip()


def digest(value, decimals: int = 6) -> str:
    """A salted SHA-256 of an answer's canonical form (dict order, set order and float noise removed)."""
    text = json.dumps(_canonical(value, decimals), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{_SALT}:{text}".encode("utf-8")).hexdigest()


def matches(value, expected_digest: str, decimals: int = 6) -> bool:
    try:
        return digest(value, decimals) == expected_digest
    except (TypeError, ValueError):
        return False


def check_digest(value, expected_digest: str, name: str, hint: str, decimals: int = 6) -> None:
    """Fail with ``hint`` (which must not contain the answer) unless the answer matches the key."""
    if not matches(value, expected_digest, decimals):
        raise AnswerError(f"`{name}` is well formed but not yet right. {hint}")


def call(func, *args, name: str | None = None, **kwargs):
    """Call a learner's function and turn a crash into a message that says where to look."""
    label = name or getattr(func, "__name__", "your function")
    if not isinstance(func, Callable):
        raise AnswerError(f"`{label}` should be a function (defined with `def`), but it is {_a(_type_name(func))}.")
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise AnswerError(f"`{label}` is not written yet: replace `raise NotImplementedError()` with your code.") from None
    except Exception as exc:  # the learner's code failed: say how, without a wall of traceback
        raise AnswerError(f"`{label}` raised {type(exc).__name__}: {exc}. Test it on the data in a cell of your own to find the line that fails.") from None


def expect(ok: bool, message: str) -> None:
    """Fail with ``message`` (plain English, never the answer) unless ``ok``."""
    if not ok:
        raise AnswerError(message)


def checkpoint(ok: bool, praise: str, hint: str) -> str:
    """Formative feedback in a lesson: return (and print) the praise or the hint; never raises."""
    message = f"Yes: {praise}" if ok else f"Not yet: {hint}"
    print(message)
    return message


if __name__ == "__main__":  # helper for course authors: python -m manyhands.feedback '<json answer>'
    import sys

    print(digest(json.loads(sys.argv[1])))
