"""Helpers for the grading tests: build learners' submissions from nbgrader's own release and run
nbgrader (the real command) on a scratch course root."""

from __future__ import annotations

import copy
import html
import re
import shutil
from pathlib import Path

import nbformat
import yaml
from nbgrader.api import Gradebook

from manyhands import instructor

ROOT = instructor.ROOT
SOURCE = instructor.INSTRUCTOR / "source"
WRONG_ANSWERS = Path(__file__).with_name("wrong_answers.yaml")


def assignments() -> list[str]:
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and p.name.startswith("ex"))


def notebooks(assignment: str) -> list[str]:
    return sorted(p.stem for p in (SOURCE / assignment).glob("*.ipynb"))


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def strip_solution_markers(text: str) -> str:
    keep = [ln for ln in text.split("\n") if "BEGIN SOLUTION" not in ln and "END SOLUTION" not in ln]
    return "\n".join(keep)


def load_wrong_answers() -> dict:
    return yaml.safe_load(WRONG_ANSWERS.read_text(encoding="utf-8"))


def solved(release_nb, source_nb):
    """The release notebook answered as the source's solutions answer it (what a perfect learner submits)."""
    nb = copy.deepcopy(release_nb)
    by_id = {nbgrader_meta(c).get("grade_id"): c for c in source_nb.cells}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            cell.source = strip_solution_markers(by_id[meta["grade_id"]].source)
    return nb


def with_answers(base_nb, answers: dict[str, str]):
    """A copy of ``base_nb`` whose answer cells (by grade_id) hold the given sources."""
    nb = copy.deepcopy(base_nb)
    found = set()
    for cell in nb.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
            found.add(gid)
    missing = set(answers) - found
    assert not missing, f"no answer cells {missing} in the notebook"
    return nb


class Course:
    """A scratch nbgrader course root holding the config and the source assignments."""

    def __init__(self, root: Path):
        self.root = instructor.scratch_course(root, assignments())

    def run(self, *args, check=True):
        return instructor.nbgrader(*args, cwd=self.root, check=check)

    def release(self, assignment: str) -> None:
        self.run("generate_assignment", assignment, "--force")

    def release_nb(self, assignment: str, notebook: str):
        return nbformat.read(self.root / "release" / assignment / f"{notebook}.ipynb", as_version=4)

    def source_nb(self, assignment: str, notebook: str):
        return nbformat.read(self.root / "source" / assignment / f"{notebook}.ipynb", as_version=4)

    @staticmethod
    def source_nb_of(assignment: str, notebook: str):
        """The course's own source notebook (hidden tests included)."""
        return nbformat.read(SOURCE / assignment / f"{notebook}.ipynb", as_version=4)

    def submit(self, student: str, assignment: str, notebook: str, nb) -> None:
        folder = self.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{notebook}.ipynb")

    def autograde(self, assignment: str):
        return self.run("autograde", assignment, "--force")

    def scores(self, assignment: str, notebook: str, student: str) -> dict[str, float]:
        """Autograder score of every graded test cell, by grade_id, read from the gradebook."""
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(notebook, assignment, student)
            return {g.name: g.auto_score for g in nb.grades if g.cell.cell_type == "code"}

    def max_scores(self, assignment: str, notebook: str) -> dict[str, float]:
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gb:
            nb = gb.find_notebook(notebook, assignment)
            return {c.name: c.max_score for c in nb.grade_cells}


HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_text(page: str) -> str:
    """What a reader of an HTML page (or a notebook's JSON) sees as text: tags gone, entities decoded."""
    return _squash(html.unescape(re.sub(r"<[^>]+>", "", page)))


def hidden_lines(source_nb, release_text: str = "") -> list[str]:
    """Every line of the hidden tests (between the markers) long enough to be the test's own code or
    data and not also shown to learners in the release."""
    shown = _squash(release_text)
    lines = []
    for cell in source_nb.cells:
        inside = False
        for line in cell.source.split("\n"):
            if HIDDEN_BEGIN in line:
                inside = True
            elif HIDDEN_END in line:
                inside = False
            elif inside and len(line.strip()) >= 20 and _squash(line) not in shown:
                lines.append(_squash(line))
    return lines + [HIDDEN_BEGIN, "hidden:"]


def hidden_leaks(text: str, source_nb, release_text: str = "") -> list[str]:
    """The hidden-test lines found in ``text`` (a feedback page or a notebook's outputs)."""
    seen = page_text(text)
    return [line for line in hidden_lines(source_nb, release_text) if line in seen]


def outputs_text(nb) -> str:
    """Everything the code cells of a notebook output (text, errors, tracebacks), as one string."""
    return "\n".join(str(out) for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", []))
