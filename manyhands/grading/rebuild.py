"""Building the graded notebook from the release: every cell, its order, metadata, tags and test code come from
the release; from the submission only each answer cell's source and the learner's own extra code cells.

``RebuildFromRelease`` is the first step of nbgrader's sanitising pass (before ``OverwriteCells``, which then
puts back the hidden tests from the gradebook).  An answer is found by its nbgrader grade_id; when that is
missing or renamed, by the cell's id; then by its position between the release cells around it.  How each
answer was found, what was left out (markdown or raw cells of the learner's, edits to read-only cells, copies of
the release's cells) and how many extra code cells were kept are written into the notebook's ``manyhands``
metadata for the report.  A learner's extra code cell keeps its place before the release cell that followed it in
the submission, so a helper stays before the answer it was written for (and the checks all run last).

Every cell that holds the learner's text is marked with its place in the submission (``order``), and the learner's
cells run in that order (``GuardedExecute``), as Restart & Run All ran them at home, whatever the release's order.
An answer the submission does not hold keeps the release's cell, marked ``answer_missing`` and never run (its stub
would replace a function the learner wrote in a cell of their own).  What a learner wrote is kept and run up to a
size (``max_cell_chars`` a cell, ``max_notebook_chars`` in all, in the submission's order): a cell past that is
replaced by a line that says so, and is not run; and at most ``MAX_EXTRA_CELLS`` cells of the learner's own are
kept.  Past those sizes no honest answer goes, and the feedback page, where code is highlighted at up to 25 bytes
a character, stays small.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

from manyhands.grading.execute import grade_id, nbgrader_meta

NOTES = "manyhands"
MAX_CELL_CHARS = 20_000
MAX_NOTEBOOK_CHARS = 30_000
MAX_EXTRA_CELLS = 100  # cells of the learner's own: each costs the feedback page its markup, however small
TOO_LONG = ("[grader: this cell held {n:,} characters, more than the grader keeps and runs ({limit:,} {where}): "
            "it was replaced by this line and not run]")


def _mark(cell, **marks):
    cell.setdefault("metadata", {}).setdefault(NOTES, {}).update(marks)


def _is_answer(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def _text(cell) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):  # nbformat 3 style, or a hand-edited file
        source = "".join(str(x) for x in source)
    return str(source).replace("\r\n", "\n").replace("\r", "\n")


def rebuild(release: NotebookNode, submission: NotebookNode, max_cell_chars: int = MAX_CELL_CHARS,
            max_notebook_chars: int = MAX_NOTEBOOK_CHARS) -> tuple[NotebookNode, dict]:
    """The graded notebook: the release, with the submission's answers and extra code cells. Returns it and the
    notes for the report."""
    cells = [c for c in submission.get("cells", []) if isinstance(c, dict)]
    rel = release.cells
    by_gid = {grade_id(c): i for i, c in enumerate(rel) if grade_id(c)}
    by_cid = {c.get("id"): i for i, c in enumerate(rel) if c.get("id")}
    rel_text = {}
    for i, c in enumerate(rel):
        rel_text.setdefault((c.cell_type, _text(c)), i)
    matched: dict[int, int] = {}  # submission index -> release index
    how: dict[int, str] = {}
    taken: set[int] = set()

    def take(j, i, way):
        matched[j], how[i] = i, way
        taken.add(i)

    # 1. by grade_id, for cells whose type agrees with the release's (the first claim wins)
    for j, cell in enumerate(cells):
        gid = grade_id(cell)
        i = by_gid.get(gid)
        if i is not None and i not in taken and cell.get("cell_type") == rel[i].cell_type:
            take(j, i, "grade_id")
    # 2. by cell id
    for j, cell in enumerate(cells):
        i = by_cid.get(cell.get("id"))
        if j not in matched and i is not None and i not in taken and cell.get("cell_type") == rel[i].cell_type:
            take(j, i, "cell id")
    # 3. release cells that are not answers, by their unchanged text
    for j, cell in enumerate(cells):
        i = rel_text.get((cell.get("cell_type"), _text(cell)))
        if j not in matched and i is not None and i not in taken and not _is_answer(rel[i]):
            take(j, i, "text")
    # 4. answers still missing, by position: the first unmatched cell of the answer's type between the
    #    submission cells matched to the release cells around it
    for i, rcell in enumerate(rel):
        if i in taken or not _is_answer(rcell):
            continue
        before = [j for j, r in matched.items() if r < i]
        after = [j for j, r in matched.items() if r > i]
        lo = max(before) if before else -1
        hi = min(after) if after else len(cells)
        for j in range(lo + 1, hi):
            if j not in matched and cells[j].get("cell_type") == rcell.cell_type:
                take(j, i, "position")
                break

    notes: dict = {}
    order = [matched[j] for j in sorted(matched)]
    if order != sorted(order):
        notes["reordered"] = True
    changed = []
    for j, i in sorted(matched.items()):
        mine, theirs = nbgrader_meta(cells[j]), nbgrader_meta(rel[i])
        keys = [k for k in ("grade", "solution", "locked", "task") if bool(mine.get(k)) != bool(theirs.get(k))]
        if theirs.get("grade") and str(mine.get("points")) != str(theirs.get("points")):
            try:
                same = float(mine.get("points")) == float(theirs.get("points"))
            except (TypeError, ValueError):
                same = False
            keys += [] if same else ["points"]
        if keys and (grade_id(rel[i]) or "") == grade_id(cells[j]):
            changed.append(f"{grade_id(rel[i])} ({', '.join(keys)})")
    if changed:
        notes["settings_changed"] = changed
    # the learner's extra code cells, each placed just before the next cell of the release that followed it in the
    # submission (a helper stays before the answer it was written for); the last ones go at the end
    extras: dict[int, list[NotebookNode]] = {}
    pending: list[NotebookNode] = []
    dropped, copies, over, kept = 0, 0, 0, 0
    for j, cell in enumerate(cells):
        if j in matched:
            if pending:
                extras.setdefault(matched[j], []).extend(pending)
                pending = []
            continue
        if cell.get("cell_type") != "code":
            dropped += 1
            continue
        source = _text(cell)
        if (("code", source) in rel_text and not _is_answer(rel[rel_text[("code", source)]])) or not source.strip():
            copies += 1  # a copy of a release cell (a duplicated test, say), or an empty cell: not the learner's code
            continue
        if kept >= MAX_EXTRA_CELLS:
            over += 1  # past the number of cells of one's own that the grader keeps: not kept, not run
            continue
        extra = nbformat.v4.new_code_cell(source=source)
        extra.metadata[NOTES] = {"learner_cell": True, "order": j}
        pending.append(extra)
        kept += 1

    out = copy.deepcopy(release)
    new_cells = []
    edited, missing = [], []
    answers = {i: j for j, i in matched.items()}
    for i, rcell in enumerate(out.cells):
        if _is_answer(rcell):
            if i in answers:
                rcell.source = _text(cells[answers[i]])
                if how[i] != "grade_id":
                    notes.setdefault("matched", []).append(f"{grade_id(rcell)} (found by its {how[i]})")
            else:
                missing.append(grade_id(rcell))
                _mark(rcell, answer_missing=True)
        elif i in answers and _text(cells[answers[i]]) != _text(rcell) and nbgrader_meta(rcell).get("locked"):
            edited.append(grade_id(rcell) or rcell.get("id"))
        elif i not in answers and grade_id(rcell):
            notes.setdefault("release_cells_missing", []).append(grade_id(rcell))
        if rcell.cell_type == "code":
            rcell.outputs, rcell.execution_count = [], None
        if i in answers:
            _mark(rcell, order=answers[i])
        new_cells.extend(extras.get(i, []))
        new_cells.append(rcell)
    new_cells.extend(pending)
    out.cells = new_cells
    too_long = _cap_learner_text(out.cells, max_cell_chars, max_notebook_chars)
    if too_long:
        notes["too_long"] = too_long
    # every cell gets a fresh, unique id; the release's own ids stay where they are unique
    seen = set()
    for k, cell in enumerate(out.cells):
        cid = cell.get("id")
        if not cid or cid in seen:
            cell["id"] = f"learner-{k}"
        seen.add(cell["id"])
    unknown = sorted({str(grade_id(c)) for j, c in enumerate(cells) if j not in matched and grade_id(c)})
    for key, value in (("answers_missing", missing), ("readonly_edited", edited), ("unknown_ids", unknown)):
        if value:
            notes[key] = value
    if dropped:
        notes["cells_dropped"] = dropped
    if copies:
        notes["copies_dropped"] = copies
    if over:
        notes["extra_cells_over_limit"] = over
    if kept:
        notes["extra_cells"] = kept
    return out, notes


def _learner_text(cell) -> bool:
    meta = cell.get("metadata", {}).get(NOTES, {})
    return bool(meta.get("learner_cell")) or (_is_answer(cell) and "order" in meta)


def _cap_learner_text(cells, max_cell: int, max_total: int) -> list[str]:
    """Replace each learner cell past the sizes by a line that says so (in the submission's order); their names."""
    total, replaced = 0, []
    for cell in sorted((c for c in cells if _learner_text(c)), key=lambda c: c.metadata[NOTES]["order"]):
        n = len(cell.source)
        if n > max_cell or total + n > max_total:
            where = "in a cell" if n > max_cell else "in a notebook"
            note = TOO_LONG.format(n=n, limit=max_cell if n > max_cell else max_total, where=where)
            cell.source = f"# {note}" if cell.cell_type == "code" else note
            _mark(cell, source_too_long=n)
            replaced.append(grade_id(cell) or f"a cell of your own (number {cell.metadata[NOTES]['order'] + 1})")
        else:
            total += n
    return replaced


class RebuildFromRelease(NbGraderPreprocessor):
    """Replace the submission by the release with the learner's answers (see the module's docstring)."""

    max_cell_chars = Integer(MAX_CELL_CHARS, help="A learner's cell longer than this is replaced by a note.").tag(config=True)
    max_notebook_chars = Integer(MAX_NOTEBOOK_CHARS, help="What a learner wrote, in all, kept and run.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict):
        info = resources.get("nbgrader", {})
        release = Path(os.getcwd()) / "release" / info.get("assignment", "") / f"{info.get('notebook', '')}.ipynb"
        if not release.exists():
            raise FileNotFoundError(f"{release} is missing: run `nbgrader generate_assignment {info.get('assignment')}` "
                                    "first (the graded notebook is built from the release)")
        out, notes = rebuild(nbformat.read(release, 4), nb, self.max_cell_chars, self.max_notebook_chars)
        if notes:
            out.metadata[NOTES] = notes
            self.log.info("Rebuilt %s/%s from the release: %s", info.get("student"), info.get("notebook"), notes)
        return out, resources
