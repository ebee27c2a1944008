"""The whole round trip through nbgrader's exchange, as an instructor and three learners do it:
release, fetch, answer, submit, collect, autograde (the course's sandboxed command), generate and
return feedback, fetch feedback, export.  Every step is the real nbgrader command; each learner
has a home folder of their own; the exchange is a folder this test creates."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import harness
from manyhands import grading

pytestmark = pytest.mark.nbgrader

A = N = "ex00"
LEARNERS = {"ada": "correct", "ben": "partly right", "cleo": "blank"}
EXPECTED = {"ada": 8.0, "ben": 4.0, "cleo": 0.0}
NBGRADER = str(Path(sys.executable).parent / "nbgrader")


def as_learner(name: str, home: Path, *args: str) -> subprocess.CompletedProcess:
    """Run nbgrader as the learner `name` would on a shared hub: their own HOME, user name and folder."""
    user = "".join(ch for ch in name if ch.isalnum()) or "learner"
    env = {**os.environ, "HOME": str(home), "USER": user, "LOGNAME": user,
           "JUPYTER_CONFIG_DIR": str(home / ".jupyter"), "JUPYTER_DATA_DIR": str(home / ".local/share/jupyter")}
    proc = subprocess.run([NBGRADER, *args], cwd=home, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, f"{name}: nbgrader {' '.join(args)} failed:\n{proc.stderr[-2000:]}"
    return proc


def learner_config(exchange: Path, name: str) -> str:
    """A learner's nbgrader_config.py naming the course, the exchange and (all learners here share one Unix account)
    the learner; the exchange's permissions decide, whatever authenticator the machine's /etc/jupyter names."""
    return (f"c = get_config()\nc.CourseDirectory.course_id = 'manyhands'\nc.Exchange.root = {str(exchange)!r}\n"
            f"c.CourseDirectory.student_id = {name!r}\nc.Authenticator.plugin_class = 'nbgrader.auth.NoAuthPlugin'\n")


def _released_through_an_exchange(base):
    """A scratch course whose instructor has released the assignment to a fresh exchange folder everyone can write."""
    exchange = base / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    x = f"--Exchange.root={exchange}"
    course = harness.Course(base / "instructor")
    course.release(A)
    course.run("release_assignment", A, x, "--force")
    return exchange, x, course


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    base = tmp_path_factory.mktemp("exchange-round-trip")
    exchange, x, course = _released_through_an_exchange(base)
    source = course.source_nb(A, N)
    homes = {}
    for name, kind in LEARNERS.items():
        home = homes[name] = base / "home" / name
        home.mkdir(parents=True)
        # each learner has their own nbgrader config naming the course and the exchange; on a hub the
        # learner is a separate system user, here all run as one, so the config names the learner
        (home / ".jupyter").mkdir()
        (home / ".jupyter" / "nbgrader_config.py").write_text(learner_config(exchange, name))
        as_learner(name, home, "fetch_assignment", A)
        path = home / A / f"{N}.ipynb"
        fetched = nbformat.read(path, as_version=4)
        if kind == "correct":
            answered = harness.solved(fetched, source)
        elif kind == "partly right":  # questions 1 and 3 right, 2 and 4 wrong
            wrong = harness.load_wrong_answers()[A][N]
            answered = harness.with_answers(harness.solved(fetched, source), {
                "q2_answer": wrong["q2_answer"]["wrong"][0]["code"],
                "q4_answer": wrong["q4_answer"]["wrong"][0]["code"]})
        else:
            answered = fetched
        nbformat.write(answered, path)
        as_learner(name, home, "submit", A)
    # the instructor collects, grades, and returns feedback
    course.run("collect", A, x)
    code = grading.autograde(course.root, A, jobs=2)
    course.run("generate_feedback", A, "--force")
    course.run("release_feedback", A, x)
    for name, home in homes.items():
        as_learner(name, home, "fetch_feedback", A)
    grades = base / "grades.csv"
    course.run("export", "--to", str(grades))
    return course, homes, code, grades


def test_every_submission_is_collected_and_graded(round_trip):
    course, _, code, _ = round_trip
    assert code == 0
    assert sorted(p.name for p in (course.root / "submitted").iterdir()) == sorted(LEARNERS)
    assert sorted(p.name for p in (course.root / "autograded").iterdir()) == sorted(LEARNERS)


def test_exported_scores_are_the_expected_ones(round_trip):
    _, _, _, grades = round_trip
    rows = {r["student_id"]: float(r["raw_score"]) for r in csv.DictReader(grades.open()) if r["assignment"] == A}
    assert rows == EXPECTED


def test_every_learner_receives_their_own_feedback(round_trip):
    _, homes, _, _ = round_trip
    for name, home in homes.items():
        pages = list((home / A / "feedback").rglob(f"{N}.html"))
        assert len(pages) == 1, f"{name} has {len(pages)} feedback pages"
        html = pages[0].read_text(encoding="utf-8")
        assert f"Score: {EXPECTED[name]:.1f} / 12.0" in html, f"{name}'s feedback does not show their score"
        assert "BEGIN HIDDEN TESTS" not in html and "hidden:" not in html
        assert not harness.hidden_leaks(html, harness.Course.source_nb_of(A, N))


def test_the_report_names_every_learner(round_trip):
    course, _, _, _ = round_trip
    text = grading.report(course.root, A)
    for name in LEARNERS:
        assert name in text


# ---- learner ids are data: hostile ids through the real exchange (class 2 of "Grading that holds")

HOSTILE = {  # id: (what they submit, expected score, or None if the id must be refused)
    "ada": ("correct", 8.0),
    "ben": ("blank, then correct", 8.0),          # resubmits after the first grading: must be regraded
    "ada,ben": ("partly right", 4.0),             # a comma once made ada and ben be skipped by every worker
    "zoë o'neil": ("correct", 8.0),               # spaces, quotes, non-ASCII letters are fine
    "c[le]o": ("correct", None),                  # nbgrader expands [..] as a file-name pattern
    "x?y": ("correct", None),
}


def _answer(kind: str, fetched, source):
    if kind == "correct":
        return harness.solved(fetched, source)
    if kind == "partly right":
        wrong = harness.load_wrong_answers()[A][N]
        return harness.with_answers(harness.solved(fetched, source), {
            "q2_answer": wrong["q2_answer"]["wrong"][0]["code"], "q4_answer": wrong["q4_answer"]["wrong"][0]["code"]})
    return fetched


@pytest.fixture(scope="module")
def hostile_ids(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-ids")
    exchange, x, course = _released_through_an_exchange(base)
    source = course.source_nb(A, N)
    homes = {}
    for i, (name, (kind, _)) in enumerate(HOSTILE.items()):
        home = homes[name] = base / "home" / f"learner{i}"
        (home / ".jupyter").mkdir(parents=True)
        (home / ".jupyter" / "nbgrader_config.py").write_text(learner_config(exchange, name), encoding="utf-8")
        as_learner(name, home, "fetch_assignment", A)
        path = home / A / f"{N}.ipynb"
        nbformat.write(_answer(kind if kind != "blank, then correct" else "blank", nbformat.read(path, 4), source), path)
        as_learner(name, home, "submit", A)
    # without an exchange, a folder named '*' (say, from a zip file) is refused too
    course.submit("*", A, N, harness.solved(course.release_nb(A, N), source))
    course.run("collect", A, x)
    first = grading.autograde(course.root, A, jobs=2)
    first_scores = {s: course.scores(A, N, s) for s in ("ada", "ben", "ada,ben")}
    # ben resubmits a correct notebook; the instructor collects the update and grades again
    path = homes["ben"] / A / f"{N}.ipynb"
    nbformat.write(harness.solved(nbformat.read(path, 4), source), path)
    as_learner("ben", homes["ben"], "submit", A)
    course.run("collect", A, x, "--update")
    second = grading.autograde(course.root, A, jobs=2)
    return course, first, second, first_scores


def test_every_learner_is_graded_once_whatever_their_id(hostile_ids):
    course, first, second, first_scores = hostile_ids
    assert sum(first_scores["ben"].values()) == 0.0 and sum(first_scores["ada"].values()) == 8.0
    for name, (_, score) in HOSTILE.items():
        if score is not None:
            assert sum(course.scores(A, N, name).values()) == score, name
            assert (course.root / "autograded" / name / A / f"{N}.ipynb").exists(), name
    with grading_gradebook(course) as gb:
        ids = {s.id for s in gb.students}
    assert ids == {name for name, (_, score) in HOSTILE.items() if score is not None}
    for share_count in (1, 2, 3, 7):
        shares = grading.split_class(sorted(HOSTILE), share_count)
        assert sorted(s for share in shares for s in share) == sorted(HOSTILE)


def test_unsafe_ids_are_refused_with_a_message_naming_them(hostile_ids, capsys):
    course, first, second, _ = hostile_ids
    assert first == second == 2  # refused ids make the command fail, after grading everyone else
    refused = [name for name, (_, score) in HOSTILE.items() if score is None] + ["*"]
    report = grading.report(course.root, A)
    for name in refused:
        assert f"{name!r}" in report and "not graded: the learner id" in report, name
        assert not (course.root / "autograded" / name).exists(), name
    grading.autograde(course.root, A, jobs=2)
    printed = capsys.readouterr().out
    for name in refused:
        assert f"refused learner id {name!r}" in printed


def grading_gradebook(course):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{course.root / 'gradebook.db'}")


# ---- the instructor's guide's steps, as written, through the Makefile (class 7 of "Grading that holds")

GUIDE = harness.ROOT / "guide" / "instructor.md"
MAKE_X = "/srv/manyhands-exchange"  # the exchange folder the guide's examples name


def learner_config_from_readme() -> str:
    """The learner's nbgrader_config.py exactly as the instructor's guide writes it out."""
    text = GUIDE.read_text(encoding="utf-8")
    block = text.split("<!-- learner config -->", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    assert "course_id" in block and "Exchange.root" in block and "student_id" in block
    return block


def make(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(NBGRADER).parent}:{os.environ['PATH']}"}
    proc = subprocess.run(["make", "-s", "-C", str(harness.ROOT), *args], env=env, capture_output=True, text=True)
    if check:
        assert proc.returncode == 0, f"make {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def readme_steps(tmp_path_factory):
    base = tmp_path_factory.mktemp("readme-steps")
    exchange = base / "exchange"
    course = harness.Course(base / "instructor")
    c, x = f"COURSE={course.root}", f"EXCHANGE={exchange}"
    refusals = {"none": make("release", "A=ex00", c, check=False),
                "default": make("release", "A=ex00", c, "EXCHANGE=/usr/local/share/nbgrader/exchange", check=False),
                "missing": make("release", "A=ex00", c, x, check=False)}
    exchange.mkdir()  # the guide's `sudo mkdir -p ... && sudo chmod ugo+rw ...`
    exchange.chmod(0o777)
    out = {"release": make("release", "A=ex00", c, x)}
    source = course.source_nb(A, N)
    homes = {}
    for name in ("ada", "ben"):  # two learners on one Unix account: the config's student_id tells them apart
        home = homes[name] = base / "home" / name
        (home / ".jupyter").mkdir(parents=True)
        config = learner_config_from_readme().replace(MAKE_X, str(exchange)).replace('"ada"', repr(name))
        (home / ".jupyter" / "nbgrader_config.py").write_text(config, encoding="utf-8")
        as_learner(name, home, "fetch_assignment", A)
        path = home / A / f"{N}.ipynb"
        nbformat.write(_answer("correct" if name == "ada" else "blank", nbformat.read(path, 4), source), path)
        as_learner(name, home, "submit", A)
    out["collect"] = make("collect", "A=ex00", c, x)
    out["autograde"] = make("autograde", "A=ex00", c)
    first = {s: sum(course.scores(A, N, s).values()) for s in homes}
    # ben resubmits, right this time; the guide's collect takes the resubmission
    path = homes["ben"] / A / f"{N}.ipynb"
    nbformat.write(harness.solved(nbformat.read(path, 4), source), path)
    as_learner("ben", homes["ben"], "submit", A)
    out["collect again"] = make("collect", "A=ex00", c, x)
    out["autograde again"] = make("autograde", "A=ex00", c)
    out["feedback"] = make("feedback", "A=ex00", c)
    out["return"] = make("return", "A=ex00", c, x)
    for name, home in homes.items():
        as_learner(name, home, "fetch_feedback", A)
    out["export"] = make("export", c)
    second = {s: sum(course.scores(A, N, s).values()) for s in homes}
    return course, homes, refusals, out, first, second, exchange


def test_release_collect_and_return_need_this_course_s_exchange(readme_steps):
    _, _, refusals, _, _, _, exchange = readme_steps
    assert refusals["none"].returncode == 2 and "say which exchange folder" in refusals["none"].stderr
    assert refusals["default"].returncode == 2 and "nbgrader's default exchange" in refusals["default"].stderr
    assert refusals["missing"].returncode == 2 and "does not exist" in refusals["missing"].stderr
    assert (exchange / "manyhands" / "outbound" / A).is_dir()


def test_the_readme_steps_grade_every_learner_and_take_resubmissions(readme_steps):
    course, homes, _, out, first, second, _ = readme_steps
    assert first == {"ada": 8.0, "ben": 0.0}
    assert second == {"ada": 8.0, "ben": 8.0}  # the resubmission was collected (--update) and regraded
    assert "collected: 2 learner(s)" in out["collect again"].stdout
    for name, home in homes.items():
        assert len(list((home / A / "feedback").rglob(f"{N}.html"))) == 1, name
    rows = list(csv.DictReader((course.root / "grades.csv").open()))
    assert {r["student_id"]: float(r["raw_score"]) for r in rows if r["assignment"] == A} == second


def test_feedback_return_and_export_warn_of_ungraded_written_answers(readme_steps):
    course, _, _, out, _, _, _ = readme_steps
    with grading_gradebook(course) as gb:
        missing = sum(1 for s in gb.assignment_submissions(A) for nb in s.notebooks for g in nb.grades
                      if g.needs_manual_grade)
    assert missing >= 2  # each learner's written answers
    for step in ("feedback", "return", "export"):
        assert f"WARNING: {missing} hand-graded answer(s) of 2 learner(s) have no grade yet" in out[step].stderr, step


def test_make_formgrader_opens_the_course_with_its_exchange(readme_steps):
    """`make formgrader` serves the Formgrader on 127.0.0.1 with the course's data and its exchange:
    the assignment shows as released, not as a draft."""
    import json
    import signal
    import socket
    import time
    import urllib.request

    course, _, _, _, _, _, exchange = readme_steps
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PATH": f"{Path(NBGRADER).parent}:{os.environ['PATH']}", "JUPYTER_TOKEN": "t17c"}
    proc = subprocess.Popen(["make", "-s", "-C", str(harness.ROOT), "formgrader", f"COURSE={course.root}",
                             f"EXCHANGE={exchange}", f"PORT={port}"], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/formgrader/api/assignments?token=t17c"
        deadline, assignments = time.monotonic() + 90, None
        while time.monotonic() < deadline and assignments is None:
            try:
                assignments = json.load(urllib.request.urlopen(url, timeout=5))
            except OSError:
                time.sleep(1)
        assert assignments is not None, "the Formgrader did not answer"
        status = {a["name"]: a["status"] for a in assignments["value"]} if isinstance(assignments, dict) else {
            a["name"]: a["status"] for a in assignments}
        assert status[A] == "released", status
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
