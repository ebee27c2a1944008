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
import os
import re
import signal
import textwrap
import threading
import hashlib
import json
import math
import numbers
from collections.abc import Callable, Iterable, Mapping

_SALT = "many-hands/v1"


class AnswerError(AssertionError):
    """A learner's answer is malformed or not yet right; the message explains why.

    IPython shows an exception that defines ``_render_traceback_`` with the lines it returns instead
    of a traceback, so the learner reads one short message, not the source of this module; the cell
    still ends in an error, which is what nbgrader scores (and what ``nbgrader validate`` reports).
    """

    def _render_traceback_(self) -> list[str]:
        return render_message(str(self))


_RED, _BOLD, _RESET = "\x1b[31m", "\x1b[1m", "\x1b[0m"


def render_message(message: str, width: int = 80) -> list[str]:
    """The lines a failed check shows: a bold 'Not yet' and the message wrapped to 80 characters, so that nbgrader's
    Validate (which cuts each line of an error at 83 characters) shows the whole message."""
    lines = []
    for paragraph in str(message).split("\n"):
        lines.extend(textwrap.wrap(paragraph, width) or [""])
    return [f"{_BOLD}{_RED}✗ Not yet.{_RESET}", *lines]


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _type_name(value) -> str:
    if value is None:
        return "None (nothing)"
    if value is Ellipsis:
        return "... (the placeholder)"
    return type(value).__name__


# What a check asks for, in words, with Python's name in brackets where the hints use it (int(...), float(...))
_KIND_WORDS = {int: "a whole number (int)", float: "a number with a decimal point (float)", bool: "True or False",
               str: "text in quotes", dict: "a dictionary (dict)", list: "a list", tuple: "a tuple", set: "a set",
               frozenset: "a set"}
_COLLECTIONS = (set, frozenset, list, tuple)


def _kind_in_words(types: tuple) -> str:
    """What a check asks for, in words: (set, frozenset, list, tuple) is "several values in brackets"."""
    if sum(t in _COLLECTIONS for t in types) > 1:
        types = ("several values in brackets", *(t for t in types if t not in _COLLECTIONS))
    return " or ".join(t if isinstance(t, str) else _KIND_WORDS.get(t, _a(t.__name__)) for t in types)


def _value_in_words(value) -> str:
    """What a value is, in words, with the value itself when it is short: "a number with a decimal point (0.0667)",
    not "np.float64(0.0667) (float64)"."""
    if value is None or value is Ellipsis:
        return _type_name(value)
    kind = type(value).__name__
    if isinstance(value, bool) or kind in ("bool_", "bool"):
        return f"True or False ({bool(value)})"
    if isinstance(value, numbers.Integral):
        return f"a whole number ({int(value)})"
    if isinstance(value, numbers.Real):
        return f"a number with a decimal point ({float(value):.6g})"
    if isinstance(value, str):
        return f"text in quotes ({value!r})" if len(value) <= 40 else "text in quotes"
    if kind == "DataFrame":
        return "a pandas DataFrame (a whole table)"
    if kind == "Series":
        return "a pandas Series (a column)"
    if kind.endswith("Array") or kind == "ndarray":
        return f"a column of values (a {kind})"
    return {"dict": "a dictionary", "list": "a list", "tuple": "a tuple", "set": "a set",
            "frozenset": "a set"}.get(kind, _a(kind))


_LAST_CELL: dict = {}


def _remember_cell(result) -> None:
    """IPython post_run_cell hook: remember the source of the last cell run and how it ended."""
    info = getattr(result, "info", None)
    error = result.error_before_exec or result.error_in_exec
    _LAST_CELL.clear()
    _LAST_CELL.update(source=getattr(info, "raw_cell", "") or "", error=error)
    if isinstance(error, SyntaxError) and "leading zeros" in str(getattr(error, "msg", "")):
        print(NUMBER_FORMAT)


NUMBER_FORMAT = ("Python writes numbers with a decimal point and without thousands separators: 0.024, not 0,024; "
                 "387000 (or 387_000), not 387,000. A comma separates two values, and a number cannot start with 0.")


def _watch_cells() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there in a notebook
        return
    shell = get_ipython()
    if shell is None:
        return
    callbacks = shell.events.callbacks["post_run_cell"]
    # one hook, even when the module is imported again (reloading replaces the function object)
    for cb in list(callbacks):
        if getattr(cb, "__qualname__", "") == "_remember_cell" and getattr(cb, "__module__", "") == __name__:
            shell.events.unregister("post_run_cell", cb)
    shell.events.register("post_run_cell", _remember_cell)
    if os.environ.get("JPY_SESSION_NAME"):  # JupyterLab's own kernel: Run All goes past a "Not yet" (see run_check)
        shell.input_transformers_post[:] = [t for t in shell.input_transformers_post
                                            if getattr(t, "__qualname__", "") != "_keep_going"]
        shell.input_transformers_post.append(_keep_going)


CHECK_CELL = "# Checks for question"
GOES_ON = ("(This question is not yet right. Run All goes on to the next question; Validate and the grade still count "
           "this one as not yet right.)")


def _keep_going(lines: list[str]) -> list[str]:
    """IPython input transformer, installed only in a JupyterLab session's kernel: an exercise's check cell runs
    through ``run_check``, so a "Not yet" shows its message and ends the cell without an error, and an answer cell
    that still holds nbgrader's top-level stub says so instead of raising it; Run All reaches every question.  nbgrader's kernels (Validate, autograde) have no session, so there a failed check still ends
    its cell in an error, which is what Validate reports and nbgrader scores."""
    source = "".join(lines)
    stub = _STUB.search(source)
    if stub and not source.lstrip().startswith(CHECK_CELL):  # an answer cell not yet answered: say so, go on
        rest = source[stub.end():].strip()
        return [source[:stub.start()],
                f"__import__('manyhands.feedback', fromlist=['not_answered']).not_answered({bool(rest)})\n"]
    if not source.lstrip().startswith(CHECK_CELL):
        return lines
    return [f"__import__('manyhands.feedback', fromlist=['run_check']).run_check({source!r}, globals())\n"]


# nbgrader's stub for an answer written at the top level of a cell (not inside a function)
_STUB = re.compile(r"^raise NotImplementedError\(\)[ \t]*(#.*)?$", re.M)
NOT_ANSWERED = ("Not answered yet: this cell still holds the line raise NotImplementedError(), which only marks where "
                "your answer goes. Write your answer in its place (delete that line), then run the cell again.")


def not_answered(lines_after: bool = False) -> None:
    """What an answer cell that still holds nbgrader's stub shows in JupyterLab, instead of stopping Run All there
    (see ``_keep_going``); Validate and the grade still meet the stub's error."""
    print(NOT_ANSWERED + (" The lines after it did not run." if lines_after else ""))


def run_check(source: str, namespace: dict) -> None:
    """Run a check cell's code; a "Not yet" is shown, not raised (see ``_keep_going``)."""
    try:
        exec(compile(source, "<check>", "exec"), namespace)
    except AnswerError as exc:
        print("\n".join([*render_message(str(exc)), "", GOES_ON]))


def _mentions(source: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", source) is not None


def defined(namespace: Mapping, name: str):
    """Return the learner's ``name`` from the notebook's namespace, or explain that it is missing.

    Use as ``answer = feedback.defined(globals(), "my_answer")`` at the top of a test cell, so a
    learner who has not run (or has deleted) the answer cell reads what to do, not a NameError.
    When the cell run just before the check defined ``name`` but stopped with a SyntaxError, the
    check refuses to test the older definition that Python kept.
    """
    last = dict(_LAST_CELL)
    error = last.get("error")
    if isinstance(error, SyntaxError) and _mentions(last.get("source", ""), name):
        raise AnswerError(
            f"The cell where you write `{name}` has {_a(type(error).__name__)} (line {error.lineno}: {error.msg}), "
            f"so Python did not run it and still holds your previous `{name}`, if any. Fix the line shown under "
            "that cell (a missing colon, bracket or quote, or an indent), run that cell again, then run this check."
            + (" " + NUMBER_FORMAT if "leading zeros" in str(error.msg) else "")
        )
    assigned = re.search(rf"^\s*(def\s+{re.escape(name)}\b|{re.escape(name)}\s*=[^=])", last.get("source", ""), re.M)
    if (error is not None and not isinstance(error, (SyntaxError, NotImplementedError, AnswerError)) and assigned):
        raise AnswerError(
            f"The cell where you write `{name}` stopped with {type(error).__name__} ({str(error).rstrip('.')}), so "
            f"Python did not finish it and still holds your previous `{name}`, if any: this check would judge that "
            "one. Fix the line shown under that cell, run it again, then run this check."
            + (" A word that is an answer, not a name, needs quotes: \"a\", not a." if isinstance(error, NameError)
               else "")
        )
    if name not in namespace and isinstance(error, NotImplementedError):
        raise AnswerError(
            f"The cell above stopped at `raise NotImplementedError()` before it reached your `{name}`. "
            "Delete that line (it only marks where your answer goes), run that cell again, then run this check."
        )
    if name not in namespace:
        raise AnswerError(
            f"`{name}` is not defined yet. Write your answer in the cell above, run it, then run this cell. "
            "If that cell was deleted, Edit \u25b8 Undo Cell Operation brings it back; if that fails, copy your answers "
            "somewhere safe and take a fresh copy of the exercise (from the Assignments tab, or from the course's "
            "exercises folder), renaming yours first."
        )
    if isinstance(error, NotImplementedError) and _mentions(last.get("source", ""), name):
        print(f"Note: the cell above still stops at `raise NotImplementedError()`. Delete that line; "
              f"your `{name}` is checked below as it stands.")
    return namespace[name]


def check_answered(value, name: str) -> None:
    """Fail with a clear message when an answer is still empty or a placeholder."""
    if value is None or value is Ellipsis:
        raise AnswerError(f"`{name}` has no answer yet: replace the placeholder with your answer and run the cell again.")
    if isinstance(value, (str, list, tuple, set, dict, frozenset)) and len(value) == 0:
        if "(" in name:  # what a function gave back: the learner did write it, and nothing passed its condition
            raise AnswerError(f"`{name}` gave back an empty {type(value).__name__}: nothing passed your condition. "
                              "Check the condition on the data in a cell of your own.")
        raise AnswerError(f"`{name}` is empty. Fill it in and run the cell again.")


def _pandas_hint(value, wanted: tuple = ()) -> str:
    """What to do when a pandas object arrives where a plain value (or a list) is asked for."""
    kind = type(value).__name__
    columnish = kind == "Series" or kind.endswith("Array") or kind == "ndarray"
    if columnish and list in wanted:
        return (" It is a column of values from pandas, not a Python list: turn it into a list by adding .tolist() "
                "at the end.")
    if columnish and (int in wanted or float in wanted) and len(value) == 1:
        # one row kept: the value is in it (E02-2: .sum() was suggested for a percentage)
        return (" It is a column holding one value, not the value itself: take the value out with .iloc[0] (the "
                "first).")
    if columnish and (int in wanted or float in wanted):
        return (" It is a column of values, not one number. To count the Trues of a True/False column or add up a "
                "column, end with .sum(); to take one value out of it, use .iloc[0] (the first) or .loc[label].")
    if kind == "Series" and str(getattr(value, "dtype", "")) in ("bool", "boolean") and len(value) > 1:
        return (" It is a True/False column, one True or False for each row. To count how many rows are True, end "
                "with .sum(); to get the share of rows that are True, end with .mean().")
    if kind == "Series":
        return (" A Series is a column of values with their labels, even when it holds one value. Take one "
                "value out of it with .iloc[0] (the first), .loc[label] (by its label) or .item() (its only value).")
    if kind == "DataFrame" and (list in wanted or tuple in wanted or set in wanted):
        return (" A DataFrame is a whole table, not a list. Pick the one column you need with table[\"column\"] "
                "and turn it into a list by adding .tolist() at the end.")
    if kind == "DataFrame":
        return (" A DataFrame is a whole table. Pick one column with table[\"column\"], then one value from "
                "that column, e.g. with .loc[label] or .iloc[0].")
    return ""


def uncalled_method(name: str, value) -> str:
    """The message for a method given without its brackets (``.sum`` for ``.sum()``), or '' for any other value."""
    if type(value).__name__ not in ("method", "builtin_function_or_method"):
        return ""
    method = getattr(value, "__name__", "the method")
    return (f"`{name}` is the method .{method} itself, not its result: a method runs only with brackets. "
            f"Add () at the end: .{method}().")


def _numpy_number(value, types: tuple) -> bool:
    """A numpy whole number where an int is asked for, or a numpy number where a float is asked for: the value
    that .sum(), .max() or .loc[...] gives back, fine as an answer (a bool is never a number here)."""
    if type(value).__module__ != "numpy" or isinstance(value, bool) or type(value).__name__ == "bool_":
        return False
    if int in types and isinstance(value, numbers.Integral):
        return True
    return float in types and isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral)


def check_type(value, expected: type | tuple[type, ...], name: str, example: str = "") -> None:
    """Fail unless ``value`` is of the expected type; the message says what it is instead."""
    check_answered(value, name)
    types = expected if isinstance(expected, tuple) else (expected,)
    if _numpy_number(value, types):
        return  # numpy's 1937 is a whole number to a historian, and to every check (the digests and the hidden
        #         tests compare its .item())
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        wanted = _kind_in_words(types)
        hint = f" For example: {example}" if example else ""
        if float in types and int not in types and isinstance(value, numbers.Integral) and not isinstance(value, bool):
            # a whole number where a share or a percentage is asked: the division is missing, not float(...)
            raise AnswerError(
                f"`{name}` should be {wanted}, but it is {_value_in_words(value)}. That looks like a count: a share "
                "is a count divided by a total (3 of 12 is 3 / 12 = 0.25), and a percentage is that share times 100. "
                f"Divide by the total your question names.{hint}")
        if isinstance(value, str) and (int in types or float in types):
            hint = (" It looks like a number written as text (in quotes). Leave out the quotes, or convert it "
                    f"with {types[0].__name__}(...).{hint}")
        hint = _pandas_hint(value, types) + hint
        uncalled = uncalled_method(name, value)
        if uncalled and not isinstance(value, types):
            raise AnswerError(uncalled)
        raise AnswerError(f"`{name}` should be {wanted}, but it is {_value_in_words(value)}.{hint}")


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
            raise AnswerError(f"`{name}[{key!r}]` should be {_kind_in_words(types)}, but it is "
                              f"{_value_in_words(value)}. {hint}".rstrip())


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


def item_digest(key, value) -> str:
    """The digest of one item of a multi-item answer (its key and its value together)."""
    return digest([str(key), value])


def item_digests(answer: Mapping) -> dict[str, str]:
    """For course authors: the per-item digests of a key, to paste into a check cell."""
    return {str(k): item_digest(k, v) for k, v in answer.items()}


def check_items(answer: Mapping, expected: Mapping[str, str], name: str, hint: str) -> None:
    """Check a multi-item answer item by item (``expected`` maps each key to ``item_digest(key, value)``).

    The message names the items to look at again, never the right value for any of them.
    """
    wrong = [k for k, d in expected.items() if k not in answer or item_digest(k, answer[k]) != d]
    if wrong:
        right = len(expected) - len(wrong)
        if answer and all(isinstance(v, bool) for v in answer.values()):
            # yes-or-no items: naming the wrong ones would give their answers away, so say only how many
            raise AnswerError(f"`{name}`: {right} of {len(expected)} are right, so {len(wrong)} "
                              f"{'is' if len(wrong) == 1 else 'are'} not. Look at each again. {hint}")
        items = ", ".join(map(str, wrong))
        raise AnswerError(
            f"`{name}`: {right} of {len(expected)} are right. Look again at {items}. {hint}"
        )


class _TooSlow(BaseException):  # not an Exception: a learner's `except Exception` cannot swallow it
    pass


def _alarm(_signum, _frame):
    raise _TooSlow()


def _text_column_hint(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, ValueError) and "truth value of a Series is ambiguous" in text:
        return (" Between two True/False columns use & instead of `and` (and | instead of `or`, ~ in front of a "
                "column instead of `not`), with each condition in its own brackets.")
    if isinstance(exc, TypeError) and "unsupported operand type(s) for &" in text:
        return " Put each condition in its own brackets before joining them with &."
    if "NAType" in text or "NaN" in text:
        return (" A calculation met a missing value (<NA>). Often that means a condition kept no rows at all, for"
                " example a column of text such as \"1930\" compared with the number 1930: look at the column's"
                " values and compare like with like.")
    if isinstance(exc, KeyError) and exc.args and type(exc.args[0]) is int and 1000 <= exc.args[0] <= 2100:
        return (f" There is no row labelled {exc.args[0]}: a table's rows are labelled 0, 1, 2 … (or keep older labels"
                " after a filter), and the year is a column, not a row label. Find the row by its year:"
                " table[table[\"year\"] == year], or table.set_index(\"year\").loc[year, column].")
    if isinstance(exc, KeyError) and exc.args and type(exc.args[0]) is int:
        return (f" There is no row labelled {exc.args[0]} in this table: a row number read off the course's table"
                " does not fit another table, and a table's rows keep their old labels when it is filtered or"
                " reordered. Find the row by a value it holds, table[table[\"column\"] == value], using the value"
                " your function is given, not a row number.")
    if isinstance(exc, TypeError) and "str" in text and any(w in text for w in ("not supported", "concatenate", "unsupported operand")):
        return (" One of the values you compute with is text (str), not a number: a column of words, or a number "
                "written in quotes. Look at the table's columns (table.dtypes) and use the one that holds numbers.")
    return ""


def _row_value_hint(exc: Exception, tables: Iterable) -> str:
    """A KeyError for a text that is not a row label but a value in one of the table's columns (``.loc["RSFSR"]`` on
    rows numbered 0, 1, 2 …): say so, and name that column."""
    if not (isinstance(exc, KeyError) and exc.args and isinstance(exc.args[0], str)):
        return ""
    placed = value_not_label(exc, {str(k): t for k, t in enumerate(tables)})
    if placed is None:
        return ""
    _, column, key = placed
    return (f' There is no row labelled "{key}": the rows of this table are numbered 0, 1, 2 …, and '
            f'"{key}" is a value in its column {column}. Make that column the row labels first, '
            f'table.set_index("{column}"), then use .loc; or keep the rows whose {column} is the value '
            "your function is given.")


def value_not_label(evalue, names: Mapping):
    """For a KeyError whose key is not a row label of one of the named tables but a value in one of its columns
    (``summary.loc["Stalin", ...]`` where the names stand in the column actor): (table's name, column, key), or None.
    Used by the lessons' error messages and by ``call``'s."""
    if not evalue.args or isinstance(evalue.args[0], tuple):
        return None
    key = evalue.args[0]
    for table_name, table in names.items():
        if type(table).__name__ != "DataFrame" or key in table.columns:
            continue
        try:
            if key in table.index:
                continue
        except TypeError:
            continue
        for column in table.columns:
            try:
                if (table[column] == key).any():
                    return table_name, str(column), key
            except (TypeError, ValueError):
                continue
    return None


def column_suggestion(key, tables: Iterable) -> str:
    """For a name that is not a column of any of ``tables`` (pandas tables among other values): " Did you mean
    'x'?" with the closest column name, or ''."""
    columns = [str(c) for t in tables if type(t).__name__ == "DataFrame" for c in t.columns]
    if not isinstance(key, str) or not columns or key in columns:
        return ""
    return _suggest(key, columns) or _suggest(key.replace(" ", "_"), columns)


def _column_suggestion(exc: Exception, tables: Iterable) -> str:
    """A misspelt column inside a learner's function (a KeyError naming text): which name was meant."""
    if not isinstance(exc, KeyError) or not exc.args:
        return ""
    close = column_suggestion(exc.args[0], tables)
    if not close:
        return ""
    return (f" The table has no column {exc.args[0]!r}: a column's name must be written exactly as in the table, "
            f"spaces and capitals included.{close}")


def _table_name(table) -> str:
    """The name a check cell gave this table (``repression``, ``toy``), found in the frames that called the check,
    or "a table" when it has none."""
    import sys

    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__") != __name__:
            for scope in (frame.f_locals, frame.f_globals):
                for key, value in list(scope.items()):
                    if value is table and not key.startswith("_") and key.isidentifier():
                        return key
        frame = frame.f_back
    return "a table"


def _shown(value) -> str:
    if hasattr(value, "columns"):
        return _table_name(value)
    if isinstance(value, str) and '"' not in value:
        return f'"{value}"'  # as the lessons and the check cells write text
    return repr(value)


def _described(label: str, args, kwargs) -> str:
    """How a call is named in a message: ``peak_year(repression, "convicted")``, with the table's own name, and a
    word on a check's small test table (``toy``), which the learner has not met before the check."""
    shown = [_shown(a) for a in args]
    shown += [f"{k}={_shown(v)}" for k, v in kwargs.items()]
    text = ", ".join(shown)
    return f"{label}({text})" if len(text) < 80 else label


def _call_text(label: str, args, kwargs) -> str:
    """The call in backticks, and, for a check's small test table, that it is one."""
    called = f"`{_described(label, args, kwargs)}`"
    shown = [_shown(a) for a in [*args, *kwargs.values()] if hasattr(a, "columns")]
    test = next((t for t in shown if t.startswith("toy") or t == "a table"), None)
    if test:  # the check's own table: made in the package's check, which the learner does not see in the cell
        return called + " (your function tried on a small test table that the check makes, with the same columns)"
    return called


def _function_tree(func):
    """The learner's function as Python reads it (an ``ast.FunctionDef``), or None when its source is not at hand
    (a function made elsewhere, or the grader's stand-in for a learner's function)."""
    import ast
    import inspect

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    return next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)


def _gives_back(node) -> bool:
    """Does this ``return`` give back a value (not ``return`` alone, not ``return None``)?"""
    import ast

    return node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None)


def is_skeleton(func) -> bool:
    """Is this function still the lesson's skeleton, whose body is only ``return None`` (or ``pass``, ``...``)?"""
    import ast

    tree = _function_tree(func)
    if tree is None:
        return False
    body = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return all(isinstance(n, ast.Pass) or (isinstance(n, ast.Return) and not _gives_back(n)) for n in body)


def _prints(tree) -> bool:
    """Whether a function's own lines call ``print``."""
    import ast

    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print" for n in ast.walk(tree))


def slip_in(func, label: str = "") -> str:
    """The likely slip of a function that gave back nothing (or an empty list), named from its own lines, or '':
    a ``return`` standing directly in a loop's body, so the loop stops in its first round; ``print`` where
    ``return`` belongs; no ``return`` line that gives back a value; or a ``return`` whose condition never held."""
    import ast

    tree = _function_tree(func)
    if tree is None:
        return ""
    label = label or tree.name
    for loop in ast.walk(tree):
        if isinstance(loop, (ast.For, ast.While)):
            early = next((n for n in loop.body if isinstance(n, ast.Return)), None)
            # after a `continue` a return in the loop's body is reached only by the rows that get that far: fine
            if early is not None and not any(isinstance(n, ast.Continue) for n in ast.walk(loop)):
                return (f"In `{label}`, the line `{ast.unparse(early)}` is indented inside the loop, so the function "
                        "gives back its answer in the loop's first round, before it has seen the other rows. Move "
                        f"that line out of the loop: line it up with `{'for' if isinstance(loop, ast.For) else 'while'}`, "
                        "so that it runs once the loop has finished.")
    returns = [n for n in ast.walk(tree) if isinstance(n, ast.Return)]
    prints = _prints(tree)
    if not any(_gives_back(n) for n in returns) and prints:
        return (f"`{label}` shows its result with `print` but gives nothing back: `print` only shows a value on the "
                "screen. Write `return` instead of `print`, so that the check (and any other code) receives the value.")
    if not any(_gives_back(n) for n in returns):
        return (f"`{label}` has no line that gives back a value: a function gives back only what follows the word "
                "`return`, and gives back None when it has none. Write `return` in front of your formula (or of the "
                "name that holds your result), and take out a `return None` that would come first.")
    if any(isinstance(n, (ast.If, ast.For, ast.While)) for n in ast.walk(tree)):
        return (f"`{label}` never reached a `return` line that gives back a value: the condition in front of it was "
                "not true for any row. Try your function on the data in a cell of your own, print what the "
                "condition compares, and decide what to return when nothing is found.")
    return ""


def call(func, *args, name: str | None = None, seconds: float = 10, none_ok: bool = False, **kwargs):
    """Call a learner's function and turn a crash into a message that says where to look.

    ``seconds`` bounds the call (a loop that never ends is stopped and explained); ``none_ok`` says
    whether ``None`` is a right answer for these arguments (otherwise a function that gives back
    nothing is told to end with ``return``).
    """
    label = name or getattr(func, "__name__", "your function")
    if not isinstance(func, Callable):
        raise AnswerError(f"`{label}` should be a function (defined with `def`), but it is {_value_in_words(func)}.")
    timed = seconds and threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        result = func(*args, **kwargs)
    except _TooSlow:
        raise AnswerError(
            f"{_call_text(label, args, kwargs)} was still running after {seconds:g} seconds, so it was stopped. "
            "A loop that never ends is the usual cause: give a `for` loop a fixed range, or make sure a `while` "
            "loop's condition becomes false, and decide what to `return` when nothing is found."
        ) from None
    except NotImplementedError:
        raise AnswerError(f"`{label}` is not written yet: replace `raise NotImplementedError()` with your code.") from None
    except AnswerError:
        raise
    except Exception as exc:  # the learner's code failed: say how, without a wall of traceback
        close = _column_suggestion(exc, [*args, *kwargs.values()]) or _row_value_hint(exc, [*args, *kwargs.values()])
        said = str(exc).split(". Use a.empty")[0]  # pandas' own advice (a.any(), a.all()) leads a novice astray
        raise AnswerError(
            f"{_call_text(label, args, kwargs)} raised {type(exc).__name__}: {said.rstrip('.')}."
            + (close or f"{_text_column_hint(exc)} Test it on the data in a cell of your own to find the line that fails.")
        ) from None
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if result is None or (isinstance(result, (list, tuple, set, dict, str)) and len(result) == 0):
        try:
            import inspect

            own = inspect.getsource(func)
        except (OSError, TypeError):
            own = ""
        called = _call_text(label, args, kwargs)
        if result is None and not none_ok and ".sort(" in own:
            raise AnswerError(
                f"{called} gave back nothing (None). `.sort()` sorts a list where it stands "
                "and gives back None, so `return my_list.sort()` returns None: sort first, then `return my_list`, or "
                "`return sorted(my_list)`."
            )
        slip = slip_in(func, label)
        # a return inside the loop is always a slip; the others only when None is not a right answer
        if slip and (" inside the loop" in slip or (result is None and not none_ok)):
            gave = "nothing (None)" if result is None else "an empty " + type(result).__name__
            raise AnswerError(f"{called} gave back {gave}. {slip}")
        if result is None and not none_ok:
            raise AnswerError(
                f"{called} gave back nothing (None). End your function with "
                "`return ...` followed by the value: `print` only shows a value on the screen, and a cell's last line "
                "only displays it; neither gives it back to whoever called the function."
            )
    return result


def percentage_slip(result, base: float, other: float, base_name: str, other_name: str) -> str:
    """For a percentage of ``other`` over ``base`` that is not right: the usual slip it matches, named without giving
    the formula ('' when none matches).  The check knows the two figures it asked about; the learner does not see it."""
    if not isinstance(result, numbers.Real) or not base or not other:
        return ""
    slips = (((other - base) / base, "That is a share, 100 times smaller than a percentage: multiply by 100."),
             ((other - base) / other * 100, f"You divided by the {other_name}; a percentage is taken of its base, "
                                            f"here the {base_name}."),
             ((base - other) / base * 100, f"The sign is the wrong way round: take the {base_name} from the "
                                           f"{other_name}, not the other way."),
             (other - base, f"That is the difference itself, in the table's units; the question asks what share of the "
                            f"{base_name} it is, as a percentage."))
    for value, words in slips:
        if math.isclose(float(result), value, rel_tol=1e-3, abs_tol=1e-6):
            return words
    return ""


def expect(ok: bool, message: str) -> None:
    """Fail with ``message`` (plain English, never the answer) unless ``ok``."""
    if not ok:
        raise AnswerError(message)


def slip_behind(func, message: str, label: str = "") -> str:
    """What a failed check's ``message`` cannot see in the learner's function, named first: a ``return`` standing
    inside a loop (the function answers from the first row only), or values printed, not kept, where the function
    gave back something empty.  '' when neither is there (or the function's source is not at hand)."""
    slip = slip_in(func, label)
    if " inside the loop" in slip:
        return slip
    tree = _function_tree(func)
    prints = tree is not None and _prints(tree)
    if prints and any(words in message for words in ("gave back an empty", "has nothing for")):
        return (f"`{label or tree.name}` prints values: `print` shows a value on the screen but does not keep it. "
                "Store each value in what your function gives back (for a dictionary, counts[key] = value), and "
                "return that.")
    return ""


_watch_cells()


if __name__ == "__main__":  # helper for course authors: python -m manyhands.feedback '<json answer>'
    import sys

    print(digest(json.loads(sys.argv[1])))
