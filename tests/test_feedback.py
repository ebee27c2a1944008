"""Feedback a history student can read: a failed check shows one short message (no traceback) yet
still fails the cell; multi-item answers name the items to revisit; the mistakes novices make
(no return, a Series for a value, the placeholder left in, a stale definition after a SyntaxError,
text used as a number, a loop that never ends) each get a message of their own."""

from __future__ import annotations

import functools
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from manyhands import feedback


def test_a_failed_check_renders_as_its_message_alone():
    err = feedback.AnswerError("`x` is well formed but not yet right. " + "Look again. " * 20)
    lines = err._render_traceback_()
    assert "Not yet" in lines[0]
    assert all(len(line) <= 100 for line in lines[1:])
    assert "Traceback" not in "".join(lines) and "feedback.py" not in "".join(lines)
    assert isinstance(err, AssertionError)  # nbgrader still counts it as a failed test


def test_multi_item_answers_name_the_items_to_revisit_without_the_key():
    key = {"e1": "empirical", "e2": "interpretive", "e3": "normative"}
    digests = feedback.item_digests(key)
    feedback.check_items(key, digests, "x", hint="Think again.")
    with pytest.raises(feedback.AnswerError) as err:
        feedback.check_items({**key, "e2": "empirical", "e3": "empirical"}, digests, "x", hint="Think again.")
    text = str(err.value)
    assert "1 of 3 are right" in text and "e2, e3" in text and "e1" not in text.split("Look again at")[1]
    assert "interpretive" not in text and "normative" not in text
    with pytest.raises(feedback.AnswerError, match="Look again at e3"):
        feedback.check_items({"e1": "empirical", "e2": "interpretive"}, digests, "x", hint="")


def test_a_function_that_gives_back_nothing_is_told_to_return():
    def printer(table):
        print(len(table))

    with pytest.raises(feedback.AnswerError, match=r"gave back nothing \(None\).*return"):
        feedback.call(printer, pd.DataFrame({"a": [1]}), name="printer")
    assert feedback.call(lambda: None, none_ok=True) is None


def test_a_loop_that_never_ends_is_stopped_and_explained():
    def forever(threshold, bias):
        n = 1
        while True:
            n += 1

    start = time.perf_counter()
    with pytest.raises(feedback.AnswerError, match="still running after 1 seconds.*loop"):
        feedback.call(forever, 1.0, 0.0, name="fewest_offices", seconds=1)
    assert time.perf_counter() - start < 5

    def swallows(x):  # a learner's `except Exception` cannot hide the time limit
        while True:
            try:
                time.sleep(0.01)
            except Exception:
                pass

    with pytest.raises(feedback.AnswerError, match="still running"):
        feedback.call(swallows, 1, seconds=0.5)


def test_a_series_where_one_value_is_asked_for():
    # a number asked for: count or add up with .sum(), or take one value out with .iloc[0]
    with pytest.raises(feedback.AnswerError, match=r"column of values, not one number.*\.sum\(\).*\.iloc\[0\]"):
        feedback.check_type(pd.Series([1934, 1935]), int, "largest_gap(harvest)")
    # one row kept: only .iloc[0] fits (E02-2: .sum() was suggested for a percentage)
    with pytest.raises(feedback.AnswerError) as one_row:
        feedback.check_type(pd.Series([50.0]), float, "overstatement(harvest, 1933)")
    assert "column holding one value" in str(one_row.value) and ".sum()" not in str(one_row.value)
    # a list asked for: .tolist(), for a Series and for a pandas array alike
    with pytest.raises(feedback.AnswerError, match=r"a pandas Series \(a column\)\. It is a column of values from pandas.*\.tolist\(\)"):
        feedback.check_type(pd.Series(["n04"]), list, "unsigned_roles(nazi, \"Hitler\")")
    with pytest.raises(feedback.AnswerError, match=r"column of values \(a StringArray\).*\.tolist\(\)"):
        feedback.check_type(pd.array(["signed"], dtype="string"), list, "roles_of(roles, \"Hitler\")")
    # what a function gave back, empty: nothing passed the condition (the learner did write it)
    with pytest.raises(feedback.AnswerError, match="gave back an empty list: nothing passed your condition"):
        feedback.check_type([], list, "initiator_not_signer(roles)")
    with pytest.raises(feedback.AnswerError, match="DataFrame is a whole table"):
        feedback.check_type(pd.DataFrame({"a": [1]}), float, "x")
    with pytest.raises(feedback.AnswerError, match="number written as text"):
        feedback.check_type("1934", int, "x")


def test_text_used_as_a_number():
    def adds(table):
        return table["name"] + 1

    with pytest.raises(feedback.AnswerError, match="is text \\(str\\), not a number"):
        feedback.call(adds, pd.DataFrame({"name": ["Stalin"]}), name="adds")


def test_the_placeholder_left_in_a_function():
    def todo():
        raise NotImplementedError()

    with pytest.raises(feedback.AnswerError, match="not written yet"):
        feedback.call(todo)


def _run(cells):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True).execute()
    return nb


def test_in_a_kernel_the_learner_sees_the_message_and_the_cell_still_fails():
    nb = _run([
        "from manyhands import feedback",
        "answer = 1",
        "feedback.check_digest(answer, feedback.digest(2), 'answer', hint='Count again.')",
    ])
    error = nb.cells[2].outputs[0]
    assert error.output_type == "error" and error.ename == "AnswerError"
    shown = "\n".join(error.traceback)
    assert "Count again." in shown and "feedback.py" not in shown and "check_digest" not in shown


def test_a_stale_definition_after_a_syntax_error_is_not_checked():
    nb = _run([
        "from manyhands import feedback",
        "def f():\n    return 1",
        "def f()\n    return 2",          # the learner's new version: missing colon
        "feedback.defined(globals(), 'f')",
    ])
    error = nb.cells[3].outputs[0]
    assert error.output_type == "error" and "SyntaxError" in " ".join(error.traceback)
    assert "run that cell again" in " ".join(error.traceback)


def test_the_placeholder_raise_left_above_an_answer():
    nb = _run([
        "from manyhands import feedback",
        "# YOUR CODE HERE\nraise NotImplementedError()\nanswer = 3",
        "feedback.defined(globals(), 'answer')",
        "answer = 3\nraise NotImplementedError()",
        "print(feedback.defined(globals(), 'answer'))",
    ])
    assert "stopped at `raise NotImplementedError()`" in " ".join(nb.cells[2].outputs[0].traceback)
    assert "Delete that line" in nb.cells[4].outputs[0].text and "3" in nb.cells[4].outputs[-1].text


def test_a_historians_number_is_told_how_python_writes_numbers():
    from manyhands import checkpoints

    message = checkpoints.evaluate("03.4", (387, 0))  # what 387,000 / 75,950 gives after Python splits it
    assert message.kind == "no" and "387000" in message.text and "thousands separators" in message.text
    try:
        compile("x = 0,024", "<cell>", "exec")
    except SyntaxError as exc:
        assert "leading zeros" in exc.msg  # the error the learner meets, which the course's hook explains
    from manyhands import feedback

    assert "0.024, not 0,024" in feedback.NUMBER_FORMAT


def test_a_true_false_column_where_a_number_is_asked_is_told_to_count_it():
    import pandas as pd

    from manyhands import checkpoints

    column = pd.Series([True, False, True])
    message = checkpoints.evaluate("03.4", column)
    assert ".sum()" in message.text and ".iloc[0]" not in message.text


def test_a_year_used_as_a_row_label_is_told_to_set_the_index():
    from manyhands import checkpoints

    text = checkpoints.explain_error(KeyError, KeyError(1933))
    assert 'set_index("year")' in text and "copy the name" not in text
    assert "copy the name" in checkpoints.explain_error(KeyError, KeyError("Stalin "))


def test_a_method_without_brackets_is_told_to_add_them():
    import pandas as pd

    from manyhands import checkpoints, feedback

    column = pd.Series([True, False, True])
    assert "Add () at the end: .sum()" in checkpoints.evaluate("03.4", column.sum).text
    try:
        feedback.check_type(column.sum, int, "signed_count(soviet, \"Stalin\")")
    except feedback.AnswerError as err:
        assert "Add () at the end: .sum()" in str(err)
    else:
        raise AssertionError("a method passed as a whole number")


def test_sort_that_returns_none_is_explained():
    from manyhands import feedback

    def ids(documents):
        found = list(documents)
        return found.sort()

    try:
        feedback.call(ids, ["b", "a"], name="ids")
    except feedback.AnswerError as err:
        assert "`.sort()` sorts a list where it stands" in str(err)
    else:
        raise AssertionError("None passed")


def _shell_run(code: str, session: bool, monkeypatch):
    """Run one cell in a real IPython shell, as a JupyterLab session's kernel (session=True) or nbgrader's."""
    from IPython.core.interactiveshell import InteractiveShell

    from manyhands import feedback

    if session:
        monkeypatch.setenv("JPY_SESSION_NAME", "/tmp/ex03.ipynb")
    else:
        monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    shell = InteractiveShell.instance()
    shell.input_transformers_post[:] = [t for t in shell.input_transformers_post
                                        if getattr(t, "__qualname__", "") != "_keep_going"]
    feedback._watch_cells()  # what importing the course's feedback does in a kernel
    try:
        return shell.run_cell(code, store_history=False)
    finally:
        shell.input_transformers_post[:] = [t for t in shell.input_transformers_post
                                            if getattr(t, "__qualname__", "") != "_keep_going"]


CHECK = ("# Checks for question 1 (run me)\nfrom manyhands import feedback\n"
         "feedback.expect(False, 'On a small table, the answer is not 1.')\nprint('Question 1: well done.')\n")


def test_in_jupyterlab_a_not_yet_does_not_stop_run_all(monkeypatch, capsys):
    result = _shell_run(CHECK, session=True, monkeypatch=monkeypatch)
    out = capsys.readouterr().out
    assert result.success and "Not yet" in out and "Run All goes on" in out and "well done" not in out


def test_under_nbgrader_a_not_yet_still_fails_the_cell(monkeypatch, capsys):
    result = _shell_run(CHECK, session=False, monkeypatch=monkeypatch)
    assert not result.success and type(result.error_in_exec).__name__ == "AnswerError"


def test_yes_or_no_items_say_how_many_are_wrong_not_which():
    key = {"a": True, "b": False, "c": True}
    digests = feedback.item_digests(key)
    with pytest.raises(feedback.AnswerError) as err:
        feedback.check_items({"a": True, "b": True, "c": True}, digests, "the statements you judged", hint="")
    text = str(err.value)
    assert "2 of 3 are right, so 1 is not" in text and "b" not in text.split("so 1 is not")[1]


def test_a_forgotten_comma_between_letters_is_named():
    from manyhands import checkpoints

    text = checkpoints.evaluate("04.1", {"a" "c"}).text
    assert "a comma is probably missing" in text and '{"a", "c"}' in text


# ---- issue 24, item 11c: messages in words a historian reads, not Python's type names

def test_a_share_where_a_count_is_asked_is_described_in_words():
    import numpy as np

    with pytest.raises(feedback.AnswerError) as err:
        feedback.check_values({"empirical": np.float64(0.0667), "normative": 2}, int, "count_by_type(sentences, 'A')",
                              hint="Each count should be a whole number.")
    text = str(err.value)
    assert "a number with a decimal point (0.0667)" in text and "should be a whole number" in text, text
    assert "np.float64" not in text and "float64" not in text, text


def test_a_set_of_letters_asked_for_says_several_values_in_brackets():
    with pytest.raises(feedback.AnswerError) as err:
        feedback.check_choice_set("ac", ["a", "b", "c"], "true_statements")
    text = str(err.value)
    assert "several values in brackets" in text and "frozenset" not in text and " or list" not in text, text
    assert "text in quotes" in text and "{'a', 'c'}" in text, text


def test_a_misspelt_column_inside_a_function_is_offered_the_right_name():
    table = pd.DataFrame({"year": [1937, 1938], "convicted": [790665, 554258]})

    def peak_year(repression, column):
        return int(repression.loc[repression[column].idxmax(), "year"])

    def peak_year_typo(repression, column):
        return int(repression.loc[repression["Convicted"].idxmax(), "year"])

    with pytest.raises(feedback.AnswerError) as err:
        feedback.call(peak_year, table, "convicetd", name="peak_year")
    assert "Did you mean 'convicted'?" in str(err.value), str(err.value)
    with pytest.raises(feedback.AnswerError) as err:
        feedback.call(peak_year_typo, table, "convicted", name="peak_year")
    text = str(err.value)
    assert "Did you mean 'convicted'?" in text and "no column" in text, text
    assert "Test it on the data in a cell of your own" not in text
    with pytest.raises(feedback.AnswerError) as err:  # nothing close: the old advice stays
        feedback.call(peak_year, table, "death_sentences", name="peak_year")
    assert "Did you mean" not in str(err.value) and "cell of your own" in str(err.value)


def test_a_misspelt_column_in_a_lesson_cell_is_offered_the_right_name():
    from manyhands import checkpoints

    works = pd.DataFrame({"debate": ["x"], "source_id": ["s1"]})
    text = checkpoints.explain_error(KeyError, KeyError("sourceid"), {"works": works})
    assert "Did you mean 'source_id'?" in text, text


def test_a_whole_table_where_a_list_is_asked_is_not_told_to_take_one_value():
    from manyhands import checkpoints, data

    works = data.load("historiography")
    table = works[works["debate"] == "The famine of 1932–33"]
    text = checkpoints.evaluate("00.2", table).text
    assert ".iloc[0]" not in text and "one value" not in text, text
    assert ".tolist()" in text and "whole table" in text, text
    with pytest.raises(feedback.AnswerError) as err:  # the exercises' check says the same
        feedback.check_type(table, list, "signed_by(decisions, 'Stalin')")
    assert ".iloc[0]" not in str(err.value) and ".tolist()" in str(err.value), str(err.value)


def test_validate_shows_a_whole_message_and_only_the_one_line_check(tmp_path):
    """Item 11b of issue 24: nbgrader's Validate cuts every line of an error at 83 characters, and shows the failing
    check cell's code: a message must reach it whole, and the code must be one line with no digest or hint in it."""
    import re

    import nbformat
    from nbgrader.validator import Validator

    from manyhands import feedback
    from manyhands.checks import ex03

    root = Path(__file__).resolve().parents[1]
    long = ("`death_share` is not written yet: replace `raise NotImplementedError()` with your code, then run the "
            "cell again and run this check.")
    shown = Validator()._indent("\n".join(feedback.render_message(long)))
    assert "..." not in shown and "run this check." in shown.replace("\n", " ")
    release = nbformat.read(root / "exercises" / "ex03" / "ex03.ipynb", as_version=4)
    checks = [c for c in release.cells if c.source.startswith("# Checks for question")]
    assert len(checks) == 4
    for cell in checks:
        code = [line for line in cell.source.splitlines() if not line.startswith("#")]
        assert len(code) == 1 and re.fullmatch(r'check\("ex03", "q\d"\)', code[0]), cell.source
    # the hints live in the package and are shown only after a wrong try
    assert "idxmax" not in release_text(release) and "idxmax" in Path(ex03.__file__).read_text()


def release_text(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


def test_every_check_cell_calls_a_package_check_that_reads_the_answer_it_checks():
    """A one-line check cell, check("exNN", "qN"), reaches the learner's answer only through the names its function
    reads: the grader fetches exactly those, so each must include what the question's answer cell defines."""
    import ast

    import nbformat

    from manyhands import checks
    from manyhands.grading.checker import names_used

    root = Path(__file__).resolve().parents[1]
    seen = 0
    for path in sorted((root / "instructor" / "source").glob("ex*/ex*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        for gid, cell in by_id.items():
            if not (gid or "").endswith("_tests"):
                continue
            visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
            (call,) = checks.calls_in(visible)
            assert call == (path.stem, gid[: -len("_tests")]), (path.name, gid, call)
            answer = by_id[gid.replace("_tests", "_answer")]
            defined = {n.id for n in ast.walk(ast.parse(answer.source)) if isinstance(n, ast.Name)
                       and isinstance(n.ctx, ast.Store)} | {n.name for n in ast.walk(ast.parse(answer.source))
                                                             if isinstance(n, ast.FunctionDef)}
            read = set(checks.names_read(*call))
            assert read & defined and set(names_used(visible)) >= read, (path.name, gid, read, defined)
            seen += 1
    assert seen == 23
    with pytest.raises(ValueError, match="no check named"):
        checks.check("../etc", "q1")


# ---- messages that name the learner's actual slip (novice reviews, 7 December 2026) -------------------------------

def test_a_numpy_whole_number_is_a_whole_number():
    """EX03-1, EX04-1: a year read from pandas or a .sum() was told "should be a whole number (int), but it is a
    whole number (1937)"; it is accepted, so the check goes on to say whether the value is right."""
    import numpy as np

    feedback.check_type(np.int64(1937), int, 'peak_year(repression, "convicted")')
    feedback.check_type(pd.Series([3, 4]).sum(), int, 'signed_count(soviet, "Stalin")')
    with pytest.raises(feedback.AnswerError, match="True or False"):
        feedback.check_type(np.bool_(True), int, "x")  # a True/False is still not a count


def test_a_count_where_a_share_is_asked_is_told_to_divide_not_to_wrap_it_in_float():
    """EX04-3, EX05-2: "Wrap it in float(...)" for a count sent the learner to 7.0; a share is a count divided by
    a total."""
    import numpy as np

    for count in (7, np.int64(7)):
        with pytest.raises(feedback.AnswerError) as err:
            feedback.check_type(count, float, 'leader_share(nazi, "Hitler")', example="0.25")
        text = str(err.value)
        assert "looks like a count" in text and "divided by a total" in text and "Wrap it" not in text, text


def test_a_function_without_return_is_told_it_has_no_return_line():
    """P-1, ex01 Q1: the formula written without `return` in front of it."""
    def overstatement(official, revised):
        (official - revised) / revised * 100

    with pytest.raises(feedback.AnswerError, match=r"has no line that gives back a value.*`return` in front"):
        feedback.call(overstatement, 89.8, 68.4, name="overstatement")


def test_a_return_indented_into_the_loop_is_named():
    """P-2, E01-1, EX05-1: `return` inside the loop stops it in its first round; the message said "nothing
    passed your condition" or "End your function with return"."""
    def initiator_not_signer(roles):
        result = []
        for doc in roles["document"]:
            if doc != "d01":
                result.append(doc)
            return result

    roles = pd.DataFrame({"document": ["d01", "d02"]})
    with pytest.raises(feedback.AnswerError) as err:
        feedback.call(initiator_not_signer, roles, name="initiator_not_signer")
    text = str(err.value)
    assert "gave back an empty list" in text and "`return result` is indented inside the loop" in text, text
    assert "nothing passed your condition" not in text

    def fewest_offices(bias, noise):
        for n in range(1, 21):
            if n * bias > 5:
                return n
            return None

    with pytest.raises(feedback.AnswerError, match=r"`return None` is indented inside the loop.*line it up with `for`"):
        feedback.call(fewest_offices, 0.5, 0.04, name="fewest_offices", none_ok=True)

    def fewest_offices_with_continue(bias, noise):  # a right answer: the return is reached only past the continue
        for n in range(1, 21):
            if n * bias <= 50:
                continue
            return n
        return None

    assert feedback.call(fewest_offices_with_continue, 0.5, 0.04, name="fewest_offices", none_ok=True) is None


def test_a_call_names_the_check_cells_tables_as_the_learner_knows_them():
    """EX03-3, EX04-2, E00-2: "signed_count(DataFrame, 'Stalin')" named no table the learner knew."""
    def signed_count(table, name):
        print(len(table))

    toy = pd.DataFrame({"signed_by": ["X", "Y"]})
    soviet = pd.DataFrame({"signed_by": ["Stalin"]})
    with pytest.raises(feedback.AnswerError) as err:
        feedback.call(signed_count, toy, "X", name="signed_count")
    text = str(err.value)
    assert text.startswith('`signed_count(toy, "X")` (your function tried on a small test table that the check '
                           "makes, with the same columns)") and "DataFrame" not in text, text
    with pytest.raises(feedback.AnswerError, match=r'^`signed_count\(soviet, "Stalin"\)` gave back nothing'):
        feedback.call(signed_count, soviet, "Stalin", name="signed_count")


def test_a_keyerror_inside_a_function_gets_advice_that_fits_it():
    """EX03-2: a year used as a row label was told about documents and .str.contains; EX03-3: a hard-coded row
    number was told to count by position with .iloc."""
    def death_share(table, year):
        return table["death_sentences"][year] / table["convicted"][year]

    repression = pd.DataFrame({"year": [1937, 1938], "convicted": [10, 20], "death_sentences": [1, 2]})
    with pytest.raises(feedback.AnswerError) as err:
        feedback.call(death_share, repression, 1938, name="death_share")
    text = str(err.value)
    assert "no row labelled 1938" in text and 'table["year"] == year' in text, text
    assert "str.contains" not in text and "documents" not in text

    def first_category_share(table, territory):
        return table["category1_limit"][8] / table["category2_limit"][8]

    toy = pd.DataFrame({"territory": ["A", "B"], "category1_limit": [1, 2], "category2_limit": [3, 6]})
    with pytest.raises(feedback.AnswerError) as err:
        feedback.call(first_category_share, toy, "B", name="first_category_share")
    text = str(err.value)
    assert "no row labelled 8" in text and "not a row number" in text and ".iloc" not in text, text


def _failure_text(nb, i: int) -> str:
    """What a learner reads under cell ``i`` of an executed notebook, which must have failed, on one line."""
    errors = [o for o in nb.cells[i].outputs if o.output_type == "error"]
    assert errors, f"cell {i} did not fail: {nb.cells[i].outputs}"
    return " ".join(" ".join(errors[0].traceback).split())


def test_the_retake_s_exercise_slips_are_named_in_a_kernel():
    """Novice retake (nov2b): ex03 Q1 upside down was told it was a percentage and shown which column goes on top;
    Q3's .loc["RSFSR"] on numbered rows got a bare KeyError; Q4's return inside the loop was told to use the column;
    ex05 Q3 counting signature rows over documents was told "well done" and then lost its points to a hidden test."""
    nb = _run([
        "from manyhands import data\nfrom manyhands.checks import check\n"
        "repression = data.load('repression_by_year')\nlimits = data.load('order_00447_limits')\n"
        "lists = data.load('stalin_lists')\nroles = data.load('decision_roles')",
        "def death_share(table, year):\n    row = table.set_index('year').loc[year]\n"
        "    return float(row['convicted'] / row['death_sentences'])",
        "check('ex03', 'q1')",
        "def first_category_share(limits, territory):\n    row = limits.loc[territory]\n"
        "    return float(row['category1_limit'] / (row['category1_limit'] + row['category2_limit']))",
        "check('ex03', 'q3')",
        "def most_lists(lists, column):\n    for i in range(len(lists)):\n        return lists.loc[i, 'signatory']",
        "check('ex03', 'q4')",
        "def top_signed_share(roles, regime):\n    docs = roles[roles['regime'] == regime]\n"
        "    top = docs[(docs['actor_level'] == 'leader') & (docs['role'] == 'signed')]\n"
        "    return float(len(top) / docs['decision_id'].nunique())",
        "check('ex05', 'q3')",
    ])

    shown = functools.partial(_failure_text, nb)

    assert "upside down" in shown(2) and "convicted" not in shown(2).split("gave")[1]
    assert 'is a value in its column territory' in shown(4) and 'set_index("territory")' in shown(4)
    assert "indented inside the loop" in shown(6)
    assert "Count documents, not rows" in shown(8)


def test_an_answer_cell_that_failed_is_not_judged_by_its_older_value_and_ex00_slips_are_named():
    """Novice retake (nov2a): {a, c, e} without quotes raised NameError in the answer cell, and the check judged the
    value left from before ("well done"); count_by_type with its return inside the loop was told to add entries, and
    one that printed its counts was told its condition matched nothing."""
    nb = _run([
        "from manyhands import data\nfrom manyhands.checks import check\nfrom manyhands.claims import CLAIM_TYPES\n"
        "sentences = data.load('comment_sentences')",
        "true_statements = {'a'}",
        "true_statements = {a, c, e}",
        "check('ex00', 'q4')",
        "def count_by_type(sentences, comment):\n    counts = {}\n    part = sentences[sentences['comment'] == comment]\n"
        "    for kind in CLAIM_TYPES:\n        counts[kind] = int((part['key_type'] == kind).sum())\n        return counts",
        "check('ex00', 'q3')",
        "def count_by_type(sentences, comment):\n    counts = {}\n    part = sentences[sentences['comment'] == comment]\n"
        "    for kind in CLAIM_TYPES:\n        print(int((part['key_type'] == kind).sum()))\n    return counts",
        "check('ex00', 'q3')",
    ])

    shown = functools.partial(_failure_text, nb)

    assert "stopped with NameError" in shown(3) and "needs quotes" in shown(3)
    assert "indented inside the loop" in shown(5)
    assert "prints values" in shown(7) and "nothing passed your condition" not in shown(7).split("prints values")[0]


def test_in_jupyterlab_an_unanswered_top_level_stub_does_not_stop_run_all(capsys):
    """Novice retake (nov2a): exercise 00's answer cells hold nbgrader's stub at the top level, so Run All stopped at
    question 1, though the exercise says it goes on. In JupyterLab's kernel the stub now prints what to do; the lines
    before it run, the lines after it do not (as when it raised), and Validate's kernels, which have no such
    transformer, still meet the error."""
    source = ('# Your answer, in this form:\n# my_claim_types = {"e1": "..."}\n# YOUR CODE HERE\nbefore = 1\n'
              'raise NotImplementedError()\nafter = 2\n')
    code = "".join(feedback._keep_going(source.splitlines(keepends=True)))
    namespace: dict = {}
    exec(compile(code, "<cell>", "exec"), namespace)
    shown = capsys.readouterr().out
    assert "Not answered yet" in shown and "lines after it did not run" in shown
    assert namespace["before"] == 1 and "after" not in namespace
    inside = "def f():\n    raise NotImplementedError()\n"  # a function's stub is left alone: calling f raises
    assert feedback._keep_going(inside.splitlines(keepends=True)) == inside.splitlines(keepends=True)


def test_a_percentage_check_names_the_slip_not_the_formula():
    """Novice retake (nov2a): ex01 Q1 and ex02 Q2's first wrong answer printed the formula the question asks for."""
    from manyhands import data
    from manyhands.checks import ex01, ex02

    ns = {"harvest": data.load("grain_harvest")}
    exec("def overstatement(harvest, year):\n    row = harvest.set_index('year').loc[year]\n"
         "    return float((row['harvest_official_mt'] - row['harvest_revised_mt']) / row['harvest_official_mt'] * 100)", ns)
    with pytest.raises(feedback.AnswerError) as err:
        ex02.q2(ns)
    assert "You divided by the official figure" in str(err.value) and "* 100" not in str(err.value)
    ns = {"membership": data.load("party_membership"), "pd": pd}
    exec("def growth(table, start, end, column='members'):\n    v = table.set_index('congress')[column]\n"
         "    if pd.isna(v.get(start)) or pd.isna(v.get(end)):\n        return None\n"
         "    return float((v.loc[end] - v.loc[start]) / v.loc[start])", ns)
    with pytest.raises(feedback.AnswerError) as err:
        ex01.q1(ns)
    assert "100 times smaller" in str(err.value) and "later - earlier" not in str(err.value)
