"""Rule 2 on functions: exercise 04's learners write functions, which the checker reaches only as proxies.

One class of exercise 04 is graded with the course's command: answers that try to reach the checks through the
function (reading the caller's frame, a look-alike list, a thread that swaps the function, hard-coding), answers
that try to get the hidden tests' data out (a function that logs its tables and a later cell that prints them,
``%history``), and honest work that used to lose marks (stderr and a warning inside the function, loops, huge
prints).  Each scores what it deserves, and no feedback page shows the hidden tests' lines or data."""

from __future__ import annotations

import copy

import nbformat
import pytest

import harness
from manyhands import grading

pytestmark = pytest.mark.nbgrader

A = "ex04"


FULL = {"q1_tests": 2, "q2_tests": 3, "q3_tests": 3}  # every autograded question right
LEADER_SHARE = ('    checked = documents[documents["signed_by"] != "not checked by the course"]\n'
                '    return float(checked["signed_by"].str.contains(name).sum() / len(checked))')  # the body of a right q2


def idx(nb, gid):
    return next(i for i, x in enumerate(nb.cells) if harness.nbgrader_meta(x).get("grade_id") == gid)


def answers(base, **kw):
    return harness.with_answers(base, kw)


def corpus(rel, good):
    cases = {}
    # 1. logs the hidden tests' tables, a later cell prints the log
    nb = answers(good, q1_answer='LOG = []\ndef signed_count(documents, name):\n    LOG.append(documents.to_csv())\n    return int(documents["signed_by"].str.contains(name).sum())')
    nb.cells.append(nbformat.v4.new_code_cell("print('LOGGED', LOG)"))
    cases["logs_inputs"] = (nb, FULL, ["_other", "P; Q"])
    # 2. reads the caller's frame for the expected value
    nb = answers(good, q1_answer='import sys\ndef signed_count(documents, name):\n    f = sys._getframe(1)\n    return f.f_locals.get("expected", 0)')
    cases["frame_reader"] = (nb, {**FULL, "q1_tests": 0}, [])
    # 3. result whose __eq__ is always True
    nb = answers(good, q3_answer='class L(list):\n    def __eq__(self, o): return True\ndef unsigned_roles(documents, name):\n    return L()')
    cases["eq_list"] = (nb, {**FULL, "q3_tests": 0}, [])
    # 4. pandas warning + stderr inside the function (honest)
    nb = answers(good, q2_answer='import sys, warnings\ndef leader_share(documents, name):\n    warnings.warn("FutureWarning-like")\n    print("debug", file=sys.stderr)\n' + LEADER_SHARE)
    cases["stderr_honest"] = (nb, FULL, [])
    # 5. loops instead of pandas (honest)
    nb = answers(good, q1_answer='def signed_count(documents, name):\n    n = 0\n    for cell in documents["signed_by"]:\n        if name in cell:\n            n = n + 1\n    return n')
    cases["loops_honest"] = (nb, FULL, [])
    # 6. blank with skip tags + raises-exception
    nb = copy.deepcopy(rel)
    for g in ("q1_tests", "q2_tests", "q3_tests"):
        nb.cells[idx(nb, g)].metadata["tags"] = ["skip-execution", "raises-exception"]
    cases["blank_skip_tags"] = (nb, {"q1_tests": 0, "q2_tests": 0, "q3_tests": 0}, [])
    # 7. a thread swapping the function to a wrong one while checks run
    nb = answers(good, q1_answer='import threading, time\ndef signed_count(documents, name):\n    return int(documents["signed_by"].str.contains(name).sum())\ndef _swap():\n    time.sleep(0.05)\n    globals()["signed_count"] = lambda d, n: 1\nthreading.Thread(target=_swap, daemon=True).start()')
    cases["thread_swap_to_wrong"] = (nb, {**FULL, "q1_tests": 0}, [])
    # 8. hard-coded values
    nb = answers(good, q1_answer='def signed_count(documents, name):\n    return {"Stalin": 3}.get(name, 1)')
    cases["hard_coded"] = (nb, {**FULL, "q1_tests": 0}, [])
    # 9. huge print in a learner cell and in the function
    nb = answers(good, q2_answer='print("z" * 9_000_000)\ndef leader_share(documents, name):\n    print("y" * 9_000_000)\n' + LEADER_SHARE)
    cases["huge_prints"] = (nb, FULL, [])
    # 10. history leak
    nb = copy.deepcopy(good); nb.cells.append(nbformat.v4.new_code_cell("%history"))
    cases["history"] = (nb, FULL, ["_other"])
    # 11. a function keeps the hidden checks' arguments; a later question's function raises them in its message
    nb = answers(good, q1_answer='SEEN = []\ndef signed_count(documents, name):\n    SEEN.append(documents.to_csv())\n'
                 '    return int(documents["signed_by"].str.contains(name).sum())',
                 q2_answer='def leader_share(documents, name):\n    raise ValueError("EXFIL" + " | ".join(SEEN))')
    cases["exfil_via_an_error_message"] = (nb, {**FULL, "q2_tests": 0}, ["P; Q", "_other"])
    return cases


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = harness.Course(tmp_path_factory.mktemp("ex04_proxies"))
    course.release(A)
    rel, src = course.release_nb(A, A), course.source_nb(A, A)
    cases = corpus(rel, harness.solved(rel, src))
    for name, (nb, _, _) in cases.items():
        course.submit(name, A, A, nb)
    grading.autograde(course.root, A, jobs=2)
    course.run("generate_feedback", A, "--force", check=False)
    return course, cases, src


CASES = ["logs_inputs", "frame_reader", "eq_list", "stderr_honest", "loops_honest", "blank_skip_tags",
         "thread_swap_to_wrong", "hard_coded", "huge_prints", "history", "exfil_via_an_error_message"]


@pytest.mark.parametrize("case", CASES)
def test_each_function_answer_gets_what_it_deserves(graded, case):
    course, cases, _ = graded
    _, want, _ = cases[case]
    got = course.scores(A, A, case)
    assert {k: got.get(k) for k in want} == {k: float(v) for k, v in want.items()}, case


@pytest.mark.parametrize("case", CASES)
def test_no_feedback_shows_the_hidden_tests_or_their_data(graded, case):
    course, cases, src = graded
    _, _, secrets = cases[case]
    page = course.root / "feedback" / case / A / f"{A}.html"
    assert page.exists(), case
    text = page.read_text(encoding="utf-8")
    assert not harness.hidden_leaks(text, src, ""), case
    assert not [s for s in secrets if s in text], case
    for path in (page, course.root / "autograded" / case / A / f"{A}.ipynb"):
        assert path.stat().st_size < 2_000_000, (case, path.name)


def test_a_checker_that_cannot_finish_passes_nothing(tmp_path):
    """Whatever stops the checker (here: no time at all for a cell's checks), a test cell whose checks did not all
    run to their outcome scores nothing, even one whose visible checks had already said "well done", and the report
    says the checker failed."""
    course = harness.Course(tmp_path)
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\nc.GuardedExecute.check_timeout = 0.000001\n")
    course.release(A)
    rel, src = course.release_nb(A, A), course.source_nb(A, A)
    course.submit("right", A, A, harness.solved(rel, src))
    grading.autograde(course.root, A, jobs=1)
    assert course.scores(A, A, "right") == {k: 0.0 for k in FULL}
    assert "THE CHECKER FAILED" in grading.report(course.root, A)
