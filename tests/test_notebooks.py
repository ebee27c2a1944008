"""Notebooks are clean, valid and carry intact nbgrader metadata; they run top to bottom in a fresh
kernel; the committed exercises are exactly what nbgrader generates from the sources today."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import harness
from manyhands import instructor

ROOT = harness.ROOT
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
SOURCES = sorted((ROOT / "instructor" / "source").glob("*/*.ipynb"))
RELEASES = sorted((ROOT / "exercises").glob("*/*.ipynb"))
ALL = LESSONS + SOURCES + RELEASES


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_is_something_to_test():
    assert LESSONS and SOURCES and RELEASES


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_committed_clean_and_valid(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{_id(path)}: a code cell has outputs"
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", SOURCES, ids=_id)
def test_nbgrader_metadata_intact(path):
    nb = nbformat.read(path, as_version=4)
    ids, points = [], 0.0
    for cell in nb.cells:
        meta = harness.nbgrader_meta(cell)
        assert meta, f"{_id(path)}: a cell without nbgrader metadata (every exercise cell is locked, answer or test)"
        ids.append(meta["grade_id"])
        if meta.get("grade"):
            assert meta.get("points", 0) > 0, f"{meta['grade_id']} has no points"
            points += meta["points"]
        if meta.get("solution"):
            assert "BEGIN SOLUTION" in cell.source and "END SOLUTION" in cell.source, meta["grade_id"]
        if meta.get("grade") and not meta.get("solution"):
            assert cell.cell_type == "code" and meta.get("locked"), f"{meta['grade_id']}: tests must be locked code"
        if meta.get("grade") and meta.get("solution"):
            assert cell.cell_type == "markdown" and "Rubric" in cell.source, f"{meta['grade_id']}: manual answers carry a rubric"
    assert len(ids) == len(set(ids)), "duplicate grade_ids"
    stated = re.search(r"\*\*Points: (\d+)\*\*", nb.cells[0].source)
    assert stated and float(stated.group(1)) == points, f"intro states {stated and stated.group(1)} points, cells add up to {points}"
    assert any("BEGIN HIDDEN TESTS" in c.source for c in nb.cells), "no hidden tests"


@pytest.mark.parametrize("path", RELEASES, ids=_id)
def test_release_hides_solutions(path):
    text = path.read_text(encoding="utf-8")
    for secret in ("BEGIN SOLUTION", "HIDDEN TESTS", "Model answer", "Rubric", "_hd("):
        assert secret not in text, f"{_id(path)} leaks {secret!r}"


def _comparable(nb):
    keep = []
    for cell in nb.cells:
        keep.append((cell.cell_type, cell.source, cell.metadata.get("nbgrader"), cell.metadata.get("editable"), cell.metadata.get("deletable")))
    return keep


def test_committed_exercises_equal_a_fresh_generate_assignment(tmp_path):
    generated = instructor.generate(harness.assignments(), out=tmp_path)
    assert generated
    for new in generated:
        committed = ROOT / "exercises" / new.relative_to(tmp_path)
        assert committed.exists(), f"{committed} is missing: run `make exercises`"
        assert _comparable(nbformat.read(committed, as_version=4)) == _comparable(nbformat.read(new, as_version=4)), (
            f"{_id(committed)} differs from what nbgrader generates now: run `make exercises` and commit"
        )
    assert {p.relative_to(tmp_path) for p in generated} == {p.relative_to(ROOT / "exercises") for p in RELEASES}


@pytest.mark.parametrize("path", LESSONS + SOURCES, ids=_id)
def test_runs_top_to_bottom_in_a_fresh_kernel(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MANYHANDS_HOME", str(tmp_path / "home"))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
