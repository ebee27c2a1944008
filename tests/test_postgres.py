"""The gradebook on a real PostgreSQL server (issue 26): nbgrader's FAQ says sqlite is not safe for several graders
at once and recommends a database server through ``CourseDirectory.db_url``.  The course's commands take the
database from ``MANYHANDS_DB_URL`` (``make ... DB=...``), which its nbgrader_config.py reads too.

The test starts Debian's PostgreSQL (installed by ``make test``; a cluster of its own in a temporary folder, on a
Unix socket only, as the ``postgres`` user), then grades as a class would with two people at work: the course's
parallel autograde of exercise 01 runs while a hand-grading session (nbgrader's Gradebook API, as the Formgrader
writes) scores every written answer of exercise 00.  Everything it started is stopped and removed."""

from __future__ import annotations

import csv
import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

import harness
import test_browser as tb
from manyhands import grading

pytestmark = pytest.mark.nbgrader

LEARNERS = {"ada": "correct", "ben": "wrong", "cleo": "blank", "dan": "correct"}


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        pytest.fail("Debian's postgresql is not installed: make test installs it (apt-get install postgresql)")
    return Path(found[-1]).parent


@pytest.fixture(scope="module")
def postgres():
    if os.geteuid() != 0:
        pytest.fail("the PostgreSQL test starts a server as the postgres user: run it as root (CI and make test do)")
    bindir = _pg_bin()
    base = Path(tempfile.mkdtemp(prefix="manyhands-pg-", dir="/tmp"))
    shutil.chown(base, "postgres", "postgres")
    data, sock = base / "data", base / "sock"

    def as_postgres(*cmd, **kw):
        return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, cmd)], capture_output=True, text=True,
                              timeout=120, **kw)

    init = as_postgres(bindir / "initdb", "-D", data, "-A", "trust", "-U", "grader", "--no-sync")
    assert init.returncode == 0, init.stderr
    as_postgres("mkdir", sock)
    server = subprocess.Popen(["runuser", "-u", "postgres", "--", str(bindir / "postgres"), "-D", str(data), "-k",
                               str(sock), "-c", "listen_addresses=", "-c", "fsync=off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while as_postgres(bindir / "pg_isready", "-h", sock).returncode != 0:
            assert time.time() < deadline and server.poll() is None, "PostgreSQL did not start"
            time.sleep(0.3)
        made = as_postgres(bindir.parent / "bin" / "createdb", "-h", sock, "-U", "grader", "manyhands")
        assert made.returncode == 0, made.stderr
        yield f"postgresql+psycopg2://grader@/manyhands?host={sock}"
    finally:
        tb.stop_server(server, timeout=30)
        shutil.rmtree(base, ignore_errors=True)


def _answered(course, assignment: str, kind: str):
    notebook = harness.notebooks(assignment)[0]
    release, source = course.release_nb(assignment, notebook), course.source_nb(assignment, notebook)
    if kind == "blank":
        return notebook, release
    solved = harness.solved(release, source)
    if kind == "correct":
        return notebook, solved
    wrong = harness.load_wrong_answers()[assignment][notebook]
    return notebook, harness.with_answers(solved, {cell: entry["wrong"][0]["code"] for cell, entry in wrong.items()})


@pytest.fixture(scope="module")
def graded(postgres, tmp_path_factory):
    from nbgrader.api import Gradebook

    saved = os.environ.get("MANYHANDS_DB_URL")
    os.environ["MANYHANDS_DB_URL"] = postgres
    try:
        course = harness.Course(tmp_path_factory.mktemp("pg-course") / "instructor")
        for assignment in ("ex00", "ex01"):
            course.release(assignment)
            for learner, kind in LEARNERS.items():
                course.submit(learner, assignment, *_answered(course, assignment, kind))
        assert grading.autograde(course.root, "ex00", jobs=2) == 0
        # two at work at once: ex01 autograded by two processes while ex00's written answers are hand-graded
        result = {}
        runner = threading.Thread(target=lambda: result.update(code=grading.autograde(course.root, "ex01", jobs=2)))
        runner.start()
        hand_graded, rounds = {}, 0
        with Gradebook(postgres) as gb:
            while runner.is_alive() or rounds == 0:
                rounds += 1
                for learner, kind in LEARNERS.items():
                    nb = gb.find_submission_notebook("ex00", "ex00", learner)
                    for grade in nb.grades:
                        if grade.cell.cell_type == "markdown" and grade.max_score:  # a blank answer earns nothing
                            grade.manual_score = 0.0 if kind == "blank" else min(grade.max_score, 1.0 + rounds % 2)
                            hand_graded[(learner, grade.name)] = grade.manual_score
                    gb.db.commit()
                time.sleep(0.2)
        runner.join()
        grades = course.root / "grades.csv"
        course.run("export", "--to", str(grades))
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(grades.open())}
        with Gradebook(postgres) as gb:
            stored = {(learner, g.name): g.manual_score for learner in LEARNERS
                      for g in gb.find_submission_notebook("ex00", "ex00", learner).grades
                      if g.cell.cell_type == "markdown" and g.max_score}
        return {"code": result.get("code"), "rows": rows, "rounds": rounds, "hand": hand_graded, "stored": stored,
                "course": course}
    finally:
        if saved is None:
            os.environ.pop("MANYHANDS_DB_URL", None)
        else:
            os.environ["MANYHANDS_DB_URL"] = saved


def test_the_gradebook_is_the_postgresql_database_not_a_file(graded):
    assert not (graded["course"].root / "gradebook.db").exists(), "nbgrader wrote a sqlite gradebook after all"


def test_parallel_autograde_while_hand_grading_loses_nothing(graded):
    assert graded["code"] == 0
    assert graded["rounds"] >= 2, "the hand-grading session did not overlap the autograde"
    assert graded["hand"] and graded["stored"] == graded["hand"], "a hand grade written during autograding was lost"
    rows = graded["rows"]
    raw = {(a, learner): float(rows[(a, learner)]["raw_score"]) for a in ("ex00", "ex01") for learner in LEARNERS}
    auto = {a: sum(c.metadata["nbgrader"]["points"] for c in harness.Course.source_nb_of(a, a).cells
                   if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")) for a in ("ex00", "ex01")}
    hand = {learner: sum(v for (who, _), v in graded["stored"].items() if who == learner) for learner in LEARNERS}
    for learner in ("ada", "dan"):  # right answers: every autograded point, plus the hand grades given
        assert raw[("ex00", learner)] == auto["ex00"] + hand[learner] and raw[("ex01", learner)] == auto["ex01"]
    assert raw[("ex00", "cleo")] == raw[("ex01", "cleo")] == 0.0
    assert raw[("ex00", "ben")] < raw[("ex00", "ada")] and raw[("ex01", "ben")] < raw[("ex01", "ada")]
