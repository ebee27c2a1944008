"""Broken and hostile submissions (tests/hostile_submissions.yaml) are graded correctly, in a sandbox,
without harm to anyone else's work or to the gradebook, and the instructor is told what happened.

One class of exercise 00 (the correct learner, the blank release and every case of the corpus) is
graded with the course's command (sandboxed kernels, two nbgrader processes sharing the gradebook)
and again with plain serial `nbgrader autograde`: the two gradebooks must agree."""

from __future__ import annotations

import copy
import csv
import hashlib
import os
import socket
import sqlite3
from pathlib import Path

import nbformat
import pytest
import yaml

import harness
from manyhands import grading
from manyhands.grading import sandbox

pytestmark = pytest.mark.nbgrader

A = N = "ex00"
CORPUS = yaml.safe_load(Path(__file__).with_name("hostile_submissions.yaml").read_text(encoding="utf-8"))
TESTS = ["q1_tests", "q2_tests", "q3_tests", "q4_tests"]
FAST = "\n# tests: a short cell time limit keeps the infinite loop case quick\nc.Execute.timeout = 8\n"


def _cell_index(nb, grade_id):
    for i, cell in enumerate(nb.cells):
        if harness.nbgrader_meta(cell).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def build(case: dict, solved, source, fill: dict, release=None):
    """The learner's notebook for one case (and the name it is saved under)."""
    change = case["change"]
    nb = copy.deepcopy(release if change.get("base") == "blank" else solved)
    answers = {gid: _fill(code, fill) for gid, code in change.get("answers", {}).items()}
    nb = harness.with_answers(nb, answers) if answers else nb
    for gid, code in change.get("tests", {}).items():
        nb.cells[_cell_index(nb, gid)].source = code
    for gid in change.get("duplicate", []):
        i = _cell_index(nb, gid)
        nb.cells.insert(i + 1, copy.deepcopy(nb.cells[i]))
    if "move" in change:
        moved, before = change["move"]
        cell = nb.cells.pop(_cell_index(nb, moved))
        nb.cells.insert(_cell_index(nb, before), cell)
    for gid in change.get("delete", []):
        del nb.cells[_cell_index(nb, gid)]
    for gid, settings in change.get("settings", {}).items():
        nb.cells[_cell_index(nb, gid)].metadata.nbgrader.update(settings)
    for gid, new_id in change.get("rename", {}).items():
        nb.cells[_cell_index(nb, gid)].metadata.nbgrader["grade_id"] = new_id
    for pasted in change.get("insert", []):
        cell = nbformat.v4.new_code_cell(pasted["source"])
        cell.metadata["nbgrader"] = {"grade_id": pasted["id"], "schema_version": 3, "task": False,
                                     **pasted.get("settings", {})}
        nb.cells.insert(_cell_index(nb, pasted["after"]) + 1, cell)
    for gid, meta in change.get("metadata", {}).items():  # any cell metadata (tags, say), not nbgrader's
        nb.cells[_cell_index(nb, gid)].metadata.update(copy.deepcopy(meta))
    for extra in change.get("extra", []):  # a plain code cell of the learner's own after a cell
        nb.cells.insert(_cell_index(nb, extra["after"]) + 1, nbformat.v4.new_code_cell(_fill(extra["source"], fill)))
    for gid, outputs in change.get("outputs", {}).items():  # outputs saved in the submission
        nb.cells[_cell_index(nb, gid)].outputs = [nbformat.from_dict(o) for o in outputs]
    if "notebook_metadata" in change:
        nb.metadata.update(copy.deepcopy(change["notebook_metadata"]))
    if change.get("crlf"):
        for cell in nb.cells:
            cell.source = cell.source.replace("\r\n", "\n").replace("\n", "\r\n")
    if change.get("no_ids"):  # nbformat 4.4: cells carry no ids
        nb.nbformat_minor = 4
        for cell in nb.cells:
            cell.pop("id", None)
    return nb, change.get("notebook", N)


def _fill(code: str, fill: dict) -> str:
    for key, value in fill.items():
        code = code.replace(f"@{key}@", str(value))
    return code


def _digests(folder: Path) -> dict[str, str]:
    """Every file's digest, and every link's target, never following a link (nor opening a pipe)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_symlink():
            out[str(p.relative_to(folder))] = "link to " + os.readlink(p)
        elif p.is_file():
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def add_files(folder: Path, change: dict, fill: dict) -> None:
    """The files a case submits beside its notebook: plain files, symbolic links and named pipes."""
    for rel, text in change.get("files", {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(_fill(text, fill), encoding="utf-8")
    for rel, target in change.get("links", {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(_fill(target, fill), folder / rel)
    for rel in change.get("fifos", []):
        os.mkfifo(folder / rel)


def make_class(root: Path, port: int, serial: bool = False) -> harness.Course:
    course = harness.Course(root)
    with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(FAST)
    course.release(A)
    release, source = course.release_nb(A, N), course.source_nb(A, N)
    solved = harness.solved(release, source)
    course.submit("correct", A, N, solved)
    course.submit("blank", A, N, release)
    fill = {"course": course.root, "package": sandbox.PACKAGE, "port": port,
            "other": course.root / "submitted" / "correct" / A / f"{N}.ipynb", "pad": "p" * 3_150_000}
    for name, case in CORPUS.items():
        if serial and case["change"].get("fifos"):
            continue  # plain nbgrader copies a named pipe by reading it: it would wait for ever
        nb, saved_as = build(case, solved, source, fill, release)
        folder = course.root / "submitted" / name / A
        folder.mkdir(parents=True, exist_ok=True)
        if saved_as:
            nbformat.write(nb, folder / f"{saved_as}.ipynb")
        if "text" in case["change"]:
            (folder / f"{N}.ipynb").write_text(case["change"]["text"], encoding="utf-8")
        add_files(folder, case["change"], fill)
    return course


@pytest.fixture(scope="module")
def listener():
    """A port on 127.0.0.1 that a learner's code would reach if the sandbox let it onto the network."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listener):
    """The class graded with the course's command (two processes, sandboxed)."""
    # Without the sandbox this corpus really does overwrite the course package and the gradebook
    # (tried once: it did); never run it unsandboxed.
    assert os.environ.get(sandbox.UNSAFE_ENV) != "1", "the hostile corpus must not run without the sandbox"
    course = make_class(tmp_path_factory.mktemp("hostile"), listener)
    protected = {name: _digests(course.root / name) for name in ("submitted", "source")}
    protected["package"] = _digests(sandbox.PACKAGE)
    config = (course.root / "nbgrader_config.py").read_bytes()
    code = grading.autograde(course.root, A, jobs=2)
    report = grading.report(course.root, A)
    course.run("generate_feedback", A, "--force", check=False)
    return course, code, report, protected, config


@pytest.fixture(scope="module")
def graded_serially(tmp_path_factory, listener):
    """The same class graded with plain `nbgrader autograde` (one process), for comparison."""
    course = make_class(tmp_path_factory.mktemp("serial"), listener, serial=True)
    course.run("autograde", A, "--force", check=False)
    return course


def _scores(course, student):
    try:
        return course.scores(A, N, student)
    except Exception:  # no submission notebook in the gradebook: nothing was graded
        return {}


def test_sandbox_is_available():
    assert sandbox.bwrap_path(), sandbox.INSTALL_HINT


def test_correct_and_blank_are_untouched_by_the_rest_of_the_class(graded):
    course, code, _, _, _ = graded
    maxima = course.max_scores(A, N)
    assert course.scores(A, N, "correct") == {t: maxima[t] for t in TESTS}
    assert set(course.scores(A, N, "blank").values()) == {0.0}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_each_case_gets_the_right_grade(graded, case):
    course, _, _, _, _ = graded
    expect = CORPUS[case]["expect"]
    maxima = course.max_scores(A, N)
    want = {t: (0.0 if t in expect["zero"] else maxima[t]) for t in TESTS}
    got = _scores(course, case)
    got = {t: got.get(t, 0.0) or 0.0 for t in TESTS}
    assert got == want, f"{case}: scores {got}, expected {want}"


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_the_instructor_is_told_what_happened(graded, case):
    course, _, report, _, _ = graded
    notes = "\n".join(grading.review(course.root, A, case))
    for text in CORPUS[case]["expect"].get("notes", []):
        assert text in notes, f"{case}: the report should say {text!r}; it says:\n{notes}"
    for text in CORPUS[case]["expect"].get("unsaid", []):
        assert text not in notes, f"{case}: the report should not say {text!r}; it says:\n{notes}"
    assert case in report


@pytest.mark.parametrize("case", sorted(c for c in CORPUS if CORPUS[c]["expect"].get("absent")))
def test_nothing_leaks_out_of_the_sandbox(graded, case):
    course, _, _, _, _ = graded
    text = (course.root / "autograded" / case / A / f"{N}.ipynb").read_text(encoding="utf-8")
    learner_outputs = "".join(
        str(out) for cell in nbformat.reads(text, 4).cells if cell.cell_type == "code"
        and not harness.nbgrader_meta(cell).get("grade") for out in cell.outputs)
    for secret in CORPUS[case]["expect"]["absent"]:
        assert secret not in learner_outputs, f"{case}: {secret!r} in the learner's output"
    assert "refused" in learner_outputs or "Error" in learner_outputs


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_graded_notebook_and_feedback_stay_small(graded, case):
    """Whatever a submission prints, displays, updates or raises, its graded notebook and feedback stay under 2 MB."""
    course = graded[0]
    for path in (course.root / "autograded" / case / A / f"{N}.ipynb", course.root / "feedback" / case / A / f"{N}.html"):
        if path.exists():
            assert path.stat().st_size < 2_000_000, (case, path.name, path.stat().st_size)


def test_no_submission_source_or_package_file_changed(graded):
    course, _, _, protected, config = graded
    assert _digests(course.root / "submitted") == protected["submitted"]
    assert _digests(course.root / "source") == protected["source"]
    assert _digests(sandbox.PACKAGE) == protected["package"]
    assert (course.root / "nbgrader_config.py").read_bytes() == config


def test_gradebook_is_intact(graded):
    course, _, _, _, _ = graded
    db = sqlite3.connect(course.root / "gradebook.db")
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    assert db.execute("select count(*) from grade where manual_score = 99").fetchone() == (0,)
    graded_students = {row[0] for row in db.execute("select student_id from submitted_assignment")}
    refused = {c for c in CORPUS if CORPUS[c]["expect"].get("graded") is False}
    assert {"correct", "blank"} | set(CORPUS) - {"renamed_notebook", "nothing_submitted"} - refused <= graded_students
    assert not refused & graded_students


def test_output_is_capped(graded):
    course, _, _, _, _ = graded
    size = (course.root / "autograded" / "megabytes_of_output" / A / f"{N}.ipynb").stat().st_size
    assert size < 400_000, f"the autograded notebook holds {size:,} bytes"


def test_parallel_grading_agrees_with_serial_nbgrader(graded, graded_serially):
    """Same class, same gradebook rows, whether two course processes or one plain nbgrader graded it
    (the sandbox and the course preprocessors change the hostile cases, so compare the benign ones)."""
    course, _, _, _, _ = graded
    benign = ["correct", "blank", "syntax_error_in_one_answer", "edited_test_cell", "deleted_test_cell_wrong_answer"]
    for student in benign:
        assert _scores(course, student) == _scores(graded_serially, student), student


def test_exported_grades_cover_the_class(graded, tmp_path):
    course, _, _, _, _ = graded
    out = tmp_path / "grades.csv"
    course.run("export", "--to", str(out))
    rows = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(out.open()) if r["assignment"] == A}
    assert rows["correct"] == 8.0 and rows["blank"] == 0.0
    assert set(rows) >= {"correct", "blank"} | set(CORPUS)


def test_the_report_says_which_answers_were_left_blank(graded):
    course, _, _, _, _ = graded
    notes = grading.review(course.root, A, "blank")
    assert "ex00: q1_answer not answered" in notes and not any("raised" in n for n in notes)
    assert grading.review(course.root, A, "correct") == []


@pytest.mark.parametrize("case", sorted(c for c in CORPUS if CORPUS[c]["change"].get("files") or CORPUS[c]["change"].get("links")
                                        or CORPUS[c]["change"].get("fifos")))
def test_submitted_files_never_reach_nbgrader(graded, case):
    """Only the learner's notebooks reach the autograded folder: no submitted file, link or pipe, and
    nothing of the instructor's that a link pointed to."""
    course, _, _, _, _ = graded
    folder = course.root / "autograded" / case / A
    if CORPUS[case]["expect"].get("graded") is False:
        assert not folder.exists() or not any(folder.rglob("*.ipynb"))
        return
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) in ([f"{N}.ipynb"], [f"{N}.ipynb", "timestamp.txt"], [f"{N}.ipynb", "submission_secret.txt", "timestamp.txt"])
    assert not (course.root / grading.STAGING).exists()


@pytest.mark.parametrize("case", sorted(CORPUS) + ["correct", "blank"])
def test_feedback_never_shows_hidden_tests(graded, case):
    """Every feedback page and every output of every autograded notebook (test cells included) is read
    for the hidden tests' lines and for what the case's code printed from inside them."""
    course, _, _, _, _ = graded
    source = course.source_nb(A, N)
    release = (course.root / "release" / A / f"{N}.ipynb").read_text(encoding="utf-8")
    unseen = CORPUS.get(case, {}).get("expect", {}).get("unseen", [])
    texts = {}
    page = course.root / "feedback" / case / A / f"{N}.html"
    if page.exists():
        texts["feedback"] = page.read_text(encoding="utf-8")
    autograded = course.root / "autograded" / case / A / f"{N}.ipynb"
    if autograded.exists():
        texts["autograded outputs"] = harness.outputs_text(nbformat.read(autograded, 4))
    if autograded.exists():
        assert "feedback" in texts, f"{case}: no feedback page"
    for where, text in texts.items():
        leaks = harness.hidden_leaks(text, source, release)
        if case == "hidden_marker_in_a_learner_cell":  # the learner's own cell shows the marker's text, nothing more
            leaks = [line for line in leaks if line != harness.HIDDEN_BEGIN]
        assert not leaks, f"{case}: hidden tests in the {where}: {leaks[:3]}"
        seen = harness.page_text(text)
        for secret in unseen:
            assert harness.page_text(secret) not in seen, f"{case}: {secret!r} in the {where}"
    if case == "passes_visible_fails_hidden":
        assert "a hidden check of question 3 failed" in harness.page_text(texts["feedback"])


def test_feedback_pages_run_nothing_a_learner_wrote(graded):
    """A learner's HTML, script or SVG (an output, or an essay's markup) reaches a feedback page as inert text: a page
    opened by an instructor runs nothing of the learner's."""
    course = graded[0]
    page = (course.root / "feedback" / "scripts_for_whoever_opens_the_feedback" / A / f"{N}.html").read_text("utf-8")
    # the code the learner wrote is shown, highlighted and escaped; nothing of it stands in the page as markup
    import re

    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.S | re.I)
    assert not [s for s in scripts if "MANYHANDS_PWN" in s]  # no script of the learner's, the JavaScript output gone
    assert "<script>document.title" not in page and "<img src=x onerror" not in page
    assert "My essay. &lt;script&gt;" in page.replace("&amp;lt;", "&lt;")  # the essay's markup reads as text


def test_each_learner_has_its_own_nbgrader_log(graded):
    """The command keeps nbgrader's full log of each learner (and prints where): only that learner's grading
    in it; a notebook nbgrader could not grade has its cause in the report in one line, with the log's path."""
    course, _, report, _, _ = graded
    everyone = grading.students(course.root, A)
    for student in everyone:
        if grading.id_problem(student):
            continue
        text = grading.log_path(course.root, A, student).read_text(encoding="utf-8")
        notebook = course.root / "submitted" / student / A / f"{N}.ipynb"
        assert f"{grading.STUDENT_LINE}{student}'" in text or (
            text.startswith("nbgrader did not grade this learner") and (not notebook.is_file() or notebook.is_symlink()))
        others = [s for s in everyone if s != student and f"{grading.STUDENT_LINE}{s}'" in text]
        assert not others, f"{student}'s log holds the grading of {others}"
    log = grading.log_path(course.root, A, "not_a_notebook")
    assert "NotJSONError" in log.read_text(encoding="utf-8") and str(log) in report
    assert "see nbgrader's log above" not in report


# ---- Rule 1 as an equation: a grade depends on the learner's sources only

def _pasted(graded_nb, release):
    """What a person would get by pasting, into a fresh copy of the release, the learner's answers and own code
    cells as the graded notebook holds them (nothing else of the submission), in the order they ran: the
    learner's cells run in the order the learner wrote them, so the paste keeps that order."""
    by_gid = {harness.nbgrader_meta(c).get("grade_id"): c for c in release.cells}
    nb = copy.deepcopy(release)
    nb.cells = []
    keyed, last = [], -1.0
    for k, cell in enumerate(graded_nb.cells):
        order = cell.get("metadata", {}).get("manyhands", {}).get("order")
        last = float(order) if type(order) is int else last + 1e-6
        keyed.append((last, k, cell))
    for _, _, cell in sorted(keyed, key=lambda t: t[:2]):
        if cell.get("metadata", {}).get("manyhands", {}).get("learner_cell"):
            nb.cells.append(nbformat.v4.new_code_cell(cell.source))
            continue
        original = copy.deepcopy(by_gid[harness.nbgrader_meta(cell)["grade_id"]])
        if harness.nbgrader_meta(original).get("solution"):
            # an answer the submission did not hold was never run: the paste leaves that cell empty
            missing = cell.get("metadata", {}).get("manyhands", {}).get("answer_missing")
            original.source = "" if missing else cell.source
        nb.cells.append(original)
    return nb


@pytest.fixture(scope="module")
def pasted(graded, tmp_path_factory):
    """Every graded case again, as its answers pasted by hand into the release."""
    course = graded[0]
    again = harness.Course(tmp_path_factory.mktemp("pasted"))
    with open(again.root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(FAST)
    again.release(A)
    release = again.release_nb(A, N)
    cases = []
    for case in sorted(CORPUS):
        path = course.root / "autograded" / case / A / f"{N}.ipynb"
        if path.exists():
            again.submit(case, A, N, _pasted(nbformat.read(path, 4), release))
            cases.append(case)
    grading.autograde(again.root, A, jobs=2)
    return again, cases


def test_each_grade_equals_the_grade_of_its_answers_pasted_into_the_release(graded, pasted):
    course = graded[0]
    again, cases = pasted
    assert len(cases) > 30
    differ = {case: (_scores(course, case), _scores(again, case)) for case in cases
              if _scores(course, case) != _scores(again, case)}
    assert not differ, differ
