"""The nbgrader pipeline proves its own tests: solutions get full marks, the blank release gets zero,
every plausible wrong answer gets zero on its question (hidden tests catch the hard-coded ones),
feedback is generated for every submission and the exported grades are the expected ones.
Everything here runs the real nbgrader commands on a scratch copy of the course root."""

from __future__ import annotations

import csv

import nbformat
import pytest
from nbclient import NotebookClient

import harness
from manyhands import grading

pytestmark = pytest.mark.nbgrader

CASES = [(a, n) for a in harness.assignments() for n in harness.notebooks(a)]
WRONG = harness.load_wrong_answers()


def _wrong_sets(assignment, notebook):
    """Submission k holds the k-th wrong answer of every question that has one."""
    questions = WRONG[assignment][notebook]
    depth = max(len(q["wrong"]) for q in questions.values())
    subs = []
    for k in range(depth):
        answers = {cell: q["wrong"][k] for cell, q in questions.items() if k < len(q["wrong"])}
        subs.append(answers)
    return subs


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release, submit (solution, blank, wrong answers), autograde, feedback and export, once per module."""
    course = harness.Course(tmp_path_factory.mktemp("course"))
    expected = {}
    for assignment, notebook in CASES:
        course.release(assignment)
        release = course.release_nb(assignment, notebook)
        source = course.source_nb(assignment, notebook)
        solved = harness.solved(release, source)
        course.submit("solution", assignment, notebook, solved)
        course.submit("blank", assignment, notebook, release)
        # each wrong submission is the solution with some answers replaced by wrong ones
        for k, answers in enumerate(_wrong_sets(assignment, notebook), start=1):
            nb = harness.with_answers(solved, {cell: a["code"] for cell, a in answers.items()})
            course.submit(f"wrong{k}", assignment, notebook, nb)
            expected[(assignment, notebook, f"wrong{k}")] = answers
    for assignment in {a for a, _ in CASES}:
        course.autograde(assignment)
        course.run("generate_feedback", assignment, "--force")
    course.run("export", "--to", str(course.root / "grades.csv"))
    return course, expected


@pytest.mark.parametrize("assignment,notebook", CASES)
def test_solution_gets_full_marks(graded, assignment, notebook):
    course, _ = graded
    scores = course.scores(assignment, notebook, "solution")
    maxima = course.max_scores(assignment, notebook)
    assert scores, "no autograded cells found"
    for cell, score in scores.items():
        assert score == maxima[cell], f"{assignment}/{notebook}: the solution scores {score}/{maxima[cell]} on {cell}"


@pytest.mark.parametrize("assignment,notebook", CASES)
def test_blank_release_gets_zero(graded, assignment, notebook):
    course, _ = graded
    scores = course.scores(assignment, notebook, "blank")
    assert scores and all(s == 0 for s in scores.values()), f"the blank release scores {scores}"


@pytest.mark.parametrize("assignment,notebook", CASES)
def test_every_autograded_question_has_two_wrong_answers(assignment, notebook):
    source = nbformat.read(harness.SOURCE / assignment / f"{notebook}.ipynb", as_version=4)
    tests = {harness.nbgrader_meta(c)["grade_id"] for c in source.cells
             if harness.nbgrader_meta(c).get("grade") and c.cell_type == "code"}
    covered = {q["tests"] for q in WRONG[assignment][notebook].values() if len(q["wrong"]) >= 2}
    assert tests <= covered, f"test cells without two wrong answers: {sorted(tests - covered)}"


@pytest.mark.parametrize("assignment,notebook", CASES)
def test_wrong_answers_score_zero(graded, assignment, notebook):
    course, expected = graded
    questions = WRONG[assignment][notebook]
    checked = 0
    for (a, n, student), answers in expected.items():
        if (a, n) != (assignment, notebook):
            continue
        scores = course.scores(a, n, student)
        for cell, wrong in answers.items():
            test_cell = questions[cell]["tests"]
            assert scores[test_cell] == 0, f"wrong answer ({wrong['why']}) scored {scores[test_cell]} on {test_cell}"
            checked += 1
    assert checked >= 2 * len(questions)


@pytest.mark.parametrize("assignment,notebook", CASES)
def test_only_hard_coding_is_left_to_the_hidden_tests(assignment, notebook):
    """The rule: a visible check catches every ordinary mistake in the corpus, with a teaching message;
    only answers that hard-code what the visible check asks may pass it (the hidden tests defeat them)."""
    for cell, question in WRONG[assignment][notebook].items():
        for wrong in question["wrong"]:
            assert wrong["caught_by"] in ("visible", "hidden"), wrong["why"]
            if wrong["caught_by"] == "hidden":
                assert wrong.get("hard_codes"), (
                    f"{assignment} {cell}: '{wrong['why']}' is an ordinary mistake that only a hidden test catches; "
                    "add a visible check that catches it with a teaching message")


@pytest.mark.parametrize("assignment,notebook", CASES)
def test_hidden_tests_are_what_catch_hard_coding(assignment, notebook, tmp_path):
    """Run the learner's own release (visible checks only): answers marked caught_by: hidden must pass
    there, so the hidden tests are the ones that catch them; caught_by: visible must already fail."""
    release = nbformat.read(harness.ROOT / "exercises" / assignment / f"{notebook}.ipynb", as_version=4)
    release = harness.solved(release, nbformat.read(harness.SOURCE / assignment / f"{notebook}.ipynb", as_version=4))
    questions = WRONG[assignment][notebook]
    for answers in _wrong_sets(assignment, notebook):
        nb = harness.with_answers(release, {cell: a["code"] for cell, a in answers.items()})
        NotebookClient(nb, timeout=120, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
        by_id = {harness.nbgrader_meta(c).get("grade_id"): c for c in nb.cells}
        for cell, wrong in answers.items():
            outputs = by_id[questions[cell]["tests"]].outputs
            failed = any(o.output_type == "error" for o in outputs)
            if wrong["caught_by"] == "hidden":
                assert not failed, f"{wrong['why']}: expected to pass the visible checks, got {outputs}"
            else:
                assert failed, f"{wrong['why']}: the visible checks should already fail"
                error = next(o for o in outputs if o.output_type == "error")
                assert error.ename == "AnswerError", f"{wrong['why']}: failed with {error.ename}, not a teaching message"


def _students(expected, assignment, notebook):
    return {"solution", "blank", *{s for (a, n, s) in expected if (a, n) == (assignment, notebook)}}


def test_feedback_for_every_submission(graded):
    course, expected = graded
    for assignment, notebook in CASES:
        for student in _students(expected, assignment, notebook):
            html = course.root / "feedback" / student / assignment / f"{notebook}.html"
            assert html.exists(), f"no feedback for {student} on {assignment}"
            text = html.read_text(encoding="utf-8")
            assert "Score:" in text or "score" in text.lower()
        # feedback never shows the instructor's hidden tests or the model answer
        blank = (course.root / "feedback" / "blank" / assignment / f"{notebook}.html").read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in blank and "Model answer" not in blank


def test_export_has_expected_scores(graded):
    course, expected = graded
    rows = list(csv.DictReader((course.root / "grades.csv").open()))
    score = {(row["assignment"], row["student_id"]): float(row["score"]) for row in rows}
    for assignment, notebook in CASES:
        maxima = course.max_scores(assignment, notebook)
        auto_max = sum(v for k, v in maxima.items() if k.endswith("_tests"))
        assert score[(assignment, "solution")] == pytest.approx(auto_max)
        assert score[(assignment, "blank")] == 0
        for (a, n, student), answers in expected.items():
            if (a, n) == (assignment, notebook):
                lost = sum(maxima[WRONG[a][n][cell]["tests"]] for cell in answers)
                assert score[(a, student)] == pytest.approx(auto_max - lost), (a, student)


def test_feedback_never_shows_hidden_tests(graded):
    """Every feedback page (solution, blank, every wrong answer, those the hidden tests catch included)
    and every autograded notebook's outputs are read for the hidden tests' lines; an answer that only the
    hidden tests catch is told which question's hidden check failed."""
    course, expected = graded
    for assignment, notebook in CASES:
        source = course.source_nb(assignment, notebook)
        release = (course.root / "release" / assignment / f"{notebook}.ipynb").read_text(encoding="utf-8")
        for student in _students(expected, assignment, notebook):
            page = (course.root / "feedback" / student / assignment / f"{notebook}.html").read_text(encoding="utf-8")
            outputs = harness.outputs_text(nbformat.read(
                course.root / "autograded" / student / assignment / f"{notebook}.ipynb", as_version=4))
            for where, text in (("feedback", page), ("autograded outputs", outputs)):
                leaks = harness.hidden_leaks(text, source, release)
                assert not leaks, f"{assignment} {student}: hidden tests in the {where}: {leaks[:3]}"
        for (a, n, student), answers in expected.items():
            if (a, n) != (assignment, notebook):
                continue
            page = harness.page_text((course.root / "feedback" / student / a / f"{n}.html").read_text(encoding="utf-8"))
            for cell, wrong in answers.items():
                if wrong["caught_by"] == "hidden" and wrong.get("crosses", True) is False:
                    # a look-alike value never reaches the checker: its visible check says the grader cannot read it
                    assert "the grader cannot read" in page, (a, student, wrong["why"])
                elif wrong["caught_by"] == "hidden":
                    question = grading.question_of(WRONG[a][n][cell]["tests"])  # q5e_tests: question 5
                    assert f"a hidden check of {question} failed" in page, (a, student, wrong["why"])


# ---- the answer audit reads IPython syntax and flags tricks aimed at the test cells (issue 17, class 5)

@pytest.mark.parametrize("code,reason", [
    ("%time x = 1\nimport builtins", "built-ins"),
    ("!ls\nmy_claim_types = {}", "runs shell commands"),
    ("%%time\nabs = lambda v: 0", "shadows the built-in abs"),
    ("get_ipython().input_transformers_post.append(lambda lines: lines)", "IPython input transformers"),
    ("import sys\nsys.displayhook = print", "display hook"),
    ("get_ipython().display_pub.publish({'text/plain': '2'})", "display publisher"),
    ("ip = get_ipython()\nip.events.register('pre_run_cell', print)", "registers IPython event callbacks"),
    ("type = lambda v: dict", "shadows the built-in type"),
    ("sorted = list", "shadows the built-in sorted"),
    ("def isinstance(*args):\n    return True", "shadows the built-in isinstance"),
    ("float, set = int, list", "shadows the built-in float"),
    ("for abs in range(3):\n    pass", "shadows the built-in abs"),
    ("def f():\n    global sorted\n    sorted = list", "shadows the built-in sorted"),
    ("import pandas\npd = None", "rebinds pd"),
    ("np = object()", "rebinds np"),
    ("from manyhands import data as feedback", "rebinds feedback"),
    ("class Count(int):\n    pass", "subclass of int"),
    ("class Answer(dict):\n    pass", "subclass of dict"),
    ("import collections\nclass C(collections.Counter):\n    pass", "subclass of Counter"),
    ("Loud = type('Loud', (str,), {})", "subclass of str"),
    ("x = __import__('builtins').len", "built-ins"),
    ("f.__globals__['__builtins__']['len'] = None", "built-ins"),
])
def test_audit_flags_ipython_tricks_and_shadowing(code, reason):
    reasons = grading.audit_source(code)
    assert any(reason in r for r in reasons), reasons


@pytest.mark.parametrize("code", [
    "%time my_claim_types = {'e1': 'empirical'}",
    "%matplotlib inline\nimport pandas as pd\nimport numpy as np\nfrom manyhands import feedback",
    "def count_by_type(sentences, comment):\n    sum = 0\n    type = 'x'\n    return {type: sum}",
    "evidence_for = {'m1': 'statistics'}",
])
def test_audit_leaves_plain_answers_alone(code):
    assert grading.audit_source(code) == []


def test_a_result_the_learner_publishes_in_a_test_cell_is_no_partial_credit():
    """nbgrader's own determine_grade reads the first execute_result of a graded cell as partial credit,
    even before the test's error; DropLearnerResults leaves only what the test printed and its error."""
    from nbgrader.utils import determine_grade

    cell = nbformat.v4.new_code_cell("# Checks for question 4 (run me)\nassert False")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 2,
                                 "grade_id": "q4_tests", "schema_version": 3}
    cell.outputs = [
        nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1),
        nbformat.v4.new_output("display_data", data={"text/plain": "2"}),
        nbformat.v4.new_output("stream", name="stdout", text="checking\n"),
        nbformat.v4.new_output("error", ename="AssertionError", evalue="", traceback=[]),
    ]
    assert determine_grade(cell)[0] == 2.0  # what nbgrader alone would give
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb, _ = grading.DropLearnerResults().preprocess(nb, {})
    assert [o.output_type for o in nb.cells[0].outputs] == ["stream", "error"]
    assert determine_grade(nb.cells[0])[0] == 0
