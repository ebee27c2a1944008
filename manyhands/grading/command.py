"""The grading command: ``nbgrader autograde`` run by several worker processes at once, each on its own share of
the class (a staging folder of its own), all writing into the one gradebook; then the report.

    python -m manyhands.grading autograde ex00 [--jobs 2] [--course instructor]
    python -m manyhands.grading report ex00 [--course instructor]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from manyhands.grading.classroom import STAGING, gradebook_url, id_problem, split_class, stage, students
from manyhands.grading.reporting import log_path, report, split_log

ROOT = Path(__file__).resolve().parent.parent.parent
COURSE = ROOT / "instructor"

def _nbgrader(args: list[str], course: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    cmd = [str(Path(sys.executable).parent / "nbgrader"), *args]
    return subprocess.run(cmd, cwd=course, env=env, capture_output=True, text=True)


def autograde(course: Path, assignment: str, jobs: int = 2, extra: list[str] | None = None) -> int:
    """Autograde every submitted learner with ``jobs`` nbgrader processes; return the worst exit code."""
    everyone = students(course, assignment)
    refused = {s: why for s in everyone if (why := id_problem(s))}
    for student, why in refused.items():
        print(f"refused learner id {student!r}: it {why}. Not graded: rename the folder "
              f"{course / 'submitted' / student} to a safe id (letters, digits, '_', '.', '@', '-') and grade again.")
    everyone = [s for s in everyone if s not in refused]
    if not everyone:
        print(f"nobody has submitted {assignment} in {course / 'submitted'}")
        return 1
    # the gradebook, the assignment and the students exist before the workers start, so the
    # workers only ever add their own students' submissions
    _nbgrader(["db", "student", "list"], course)
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        for student in everyone:  # so that a learner whose submission cannot be graded still gets a 0 in export
            gb.update_or_create_student(student)
    shares = split_class(everyone, jobs)
    jobs = len(shares)
    # Each worker grades a folder of its own holding only its share's notebooks (see stage): no list of
    # learner ids is ever passed to nbgrader, and no file a learner submitted besides the notebooks
    # (nor any link, pipe or device) reaches nbgrader or the kernel.
    staging = course / STAGING
    shutil.rmtree(staging, ignore_errors=True)

    def work(i_share):
        i, share = i_share
        stage(course, assignment, share, staging / f"w{i}")
        args = ["autograde", assignment, "--force", f"--CourseDirectory.submitted_directory={STAGING}/w{i}",
                *(extra or [])]
        return _nbgrader(args, course)

    try:
        with ThreadPoolExecutor(jobs) as pool:
            results = list(pool.map(work, enumerate(shares)))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    worst = 0
    for share, proc in zip(shares, results):
        worst = worst or proc.returncode
        parts = split_log(proc.stderr, share)
        for student in share:
            log = log_path(course, assignment, student)
            if student not in parts:  # no notebook to grade: only the lines naming the learner's folder
                mine = [line for line in proc.stderr.splitlines(keepends=True) if f"/{student}/{assignment}/" in line]
                parts[student] = "nbgrader did not grade this learner (no notebook was given to it):\n" + "".join(mine)
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(parts[student], encoding="utf-8")
    print(f"nbgrader's full log of each learner: {log_path(course, assignment, '<learner>')}")
    if worst:
        print("nbgrader could not grade every submission; the report below says which and why.")
    return worst or (2 if refused else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m manyhands.grading", description=__doc__.split("\n\n")[0])
    parser.add_argument("verb", choices=["autograde", "report"])
    parser.add_argument("assignment")
    parser.add_argument("--course", type=Path, default=COURSE, help="nbgrader course root (default: instructor/)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="grading processes (default: cores)")
    args = parser.parse_args(argv)
    course = args.course.resolve()
    code = 0
    if args.verb == "autograde":
        start = time.perf_counter()
        code = autograde(course, args.assignment, args.jobs)
        print(f"autograded in {time.perf_counter() - start:.1f} s with {args.jobs} processes")
    print(report(course, args.assignment))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
