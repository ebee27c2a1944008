"""The promise to learners who never programmed: every construct an autograded question's model
solution uses (syntax, methods, functions) appears in course material the learner meets before that
question — the primer, the lessons up to the exercise, the exercise's own text and earlier cells, and
the question's own skeleton. The test names every construct used before it is shown."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import harness
from constructs import shown, used

ROOT = harness.ROOT
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))


def _lessons_up_to(number: int) -> list[Path]:
    """The primer and the lessons numbered up to ``number``."""
    keep = []
    for path in LESSONS:
        m = re.match(r"(\d+)_", path.name)
        if m and int(m.group(1)) <= number:
            keep.append(path)
    return keep


def _material(paths) -> set[str]:
    seen: set[str] = set()
    for path in paths:
        for cell in nbformat.read(path, 4).cells:
            seen |= shown(cell.source, cell.cell_type == "code")
    return seen


def unseen_constructs(assignment: str) -> dict[str, list[str]]:
    """For each autograded question of an exercise, the constructs its solution uses before they are shown."""
    number = int(assignment[2:])
    before = _material(_lessons_up_to(number))
    source = nbformat.read(harness.SOURCE / assignment / f"{assignment}.ipynb", 4)
    release = nbformat.read(ROOT / "exercises" / assignment / f"{assignment}.ipynb", 4)
    released = {harness.nbgrader_meta(c).get("grade_id"): c for c in release.cells}
    missing: dict[str, list[str]] = {}
    for cell in source.cells:
        meta = harness.nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if meta.get("solution") and cell.cell_type == "code":
            skeleton = released[gid].source
            needed = used(harness.strip_solution_markers(cell.source))
            gap = sorted(needed - before - shown(skeleton, True))
            if gap:
                missing[gid] = gap
        # the learner has now met this cell (in its released form)
        rel = released.get(gid, cell)
        before |= shown(rel.source, rel.cell_type == "code")
    return missing


@pytest.mark.parametrize("assignment", harness.assignments())
def test_every_construct_is_shown_before_the_question_that_needs_it(assignment):
    missing = unseen_constructs(assignment)
    assert not missing, "constructs used before the course shows them: " + "; ".join(
        f"{q}: {', '.join(names)}" for q, names in missing.items())


def test_the_extractor_sees_what_a_novice_would_have_to_know():
    code = '''
def f(table, year):
    row = table.set_index("year").loc[year]
    parts = {k: int(v) for k, v in table["x"].value_counts().items()}
    if pd.isna(row["a"]) or year not in parts:
        return None
    return float((row["a"] - row["b"]) / row["b"] * 100)
'''
    got = used(code)
    for name in ("def", "return", "if", "or", "not in", "dict comprehension", ".set_index()", ".loc",
                 ".value_counts()", ".items()", "int()", "float()", "pd.isna()"):
        assert name in got, name
    assert shown("Use `.idxmax()` to find the row, and `return` the year.", False) >= {".idxmax()", "return"}


if __name__ == "__main__":  # print the figures for the notes
    for a in harness.assignments():
        m = unseen_constructs(a)
        print(a, sum(len(v) for v in m.values()), m)
