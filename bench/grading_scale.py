"""Grading a class at scale (prints figures; asserts nothing).

    python bench/grading_scale.py [--sizes 10 50 200] [--jobs 2] [--assignment ex00]

For each class size N, builds N synthetic submissions of one exercise (a mix of correct, partly
right, blank and hostile ones, from tests/hostile_submissions.yaml, leaving out the infinite loop,
whose cost is the cell time limit however the class is graded) and grades the class twice, each
time in a fresh copy of the course root:

- plain serial ``nbgrader autograde`` (one process), and
- the course's command ``python -m manyhands.grading autograde --jobs J`` (J nbgrader processes
  sharing the gradebook).

Both use the course's nbgrader_config.py, so both run learners' code in the bubblewrap sandbox.
Prints seconds, seconds per submission, and the ratio, and checks the two gradebooks agree.
"""

from __future__ import annotations

import argparse
import copy
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import harness  # noqa: E402
import test_hostile  # noqa: E402
from manyhands import grading  # noqa: E402
from manyhands.grading import sandbox  # noqa: E402

SKIP = {"infinite_loop"}


def build_class(root: Path, n: int, assignment: str) -> harness.Course:
    course = harness.Course(root)
    course.release(assignment)
    notebook = harness.notebooks(assignment)[0]
    release = course.release_nb(assignment, notebook)
    source = course.source_nb(assignment, notebook)
    solved = harness.solved(release, source)
    wrong = harness.load_wrong_answers()[assignment][notebook]
    partial = harness.with_answers(solved, {cell: q["wrong"][0]["code"] for cell, q in list(wrong.items())[::2]})
    hostile = [c for c in sorted(test_hostile.CORPUS) if c not in SKIP] if assignment == "ex00" else []
    fill = {"course": course.root, "package": sandbox.PACKAGE, "port": 9,
            "other": course.root / "submitted" / "s0000" / assignment / f"{notebook}.ipynb"}
    for i in range(n):
        kind = i % 4
        if kind == 3 and hostile:
            case = test_hostile.CORPUS[hostile[(i // 4) % len(hostile)]]
            nb, name = test_hostile.build(case, solved, source, fill)
        else:
            nb, name = copy.deepcopy([solved, partial, release, solved][kind]), notebook
        if name:
            course.submit(f"s{i:04d}", assignment, name, nb)
        else:
            (course.root / "submitted" / f"s{i:04d}" / assignment).mkdir(parents=True)
    return course


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--assignment", default="ex00")
    args = parser.parse_args()
    a = args.assignment
    print(f"Grading {a} (sandboxed kernels), serial nbgrader vs. course command with {args.jobs} processes")
    print(f"{'N':>5} {'serial s':>9} {'s/sub':>6} {'course s':>9} {'s/sub':>6} {'ratio':>6}  gradebooks agree")
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="manyhands-scale-") as tmp:
            serial = build_class(Path(tmp) / "serial", n, a)
            parallel = Path(tmp) / "parallel"
            shutil.copytree(serial.root, parallel)
            par = harness.Course.__new__(harness.Course)
            par.root = parallel
            t_serial = timed(lambda: serial.run("autograde", a, "--force", check=False))
            t_course = timed(lambda: grading.autograde(parallel, a, jobs=args.jobs))
            agree = grading.scores(serial.root, a) == grading.scores(parallel, a)
        print(f"{n:>5} {t_serial:>9.1f} {t_serial / n:>6.2f} {t_course:>9.1f} {t_course / n:>6.2f} "
              f"{t_serial / t_course:>6.2f}  {'yes' if agree else 'NO'}", flush=True)


if __name__ == "__main__":
    main()
