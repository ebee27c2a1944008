"""The check under each written answer: it counts the words of the answer as saved, says what the question asks
for and what the instructor marks, never grades, and finds a deleted answer cell or one turned into code."""

from __future__ import annotations

import copy
import re

import nbformat
import pytest

import harness
from manyhands import essays

CASES = sorted(essays.ESSAYS)


def _release(exercise: str):
    return nbformat.read(harness.ROOT / "exercises" / exercise / f"{exercise}.ipynb", 4)


def _answer_index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if harness.nbgrader_meta(c).get("grade_id") == grade_id)


@pytest.mark.parametrize("exercise,grade_id", CASES)
def test_every_written_answer_has_its_check_and_its_range_is_the_questions(exercise, grade_id):
    nb = _release(exercise)
    i = _answer_index(nb, grade_id)
    assert nb.cells[i].cell_type == "markdown"
    check = nb.cells[i + 1]
    assert check.cell_type == "code" and f'essays.check("{exercise}", "{grade_id}")' in check.source
    assert harness.nbgrader_meta(check).get("locked") and not harness.nbgrader_meta(check).get("grade")
    prompt = "\n".join(c.source for c in nb.cells[max(0, i - 2):i] if c.cell_type == "markdown")
    low, high = essays.ESSAYS[(exercise, grade_id)].words
    said = re.search(r"([0-9][0-9,]*) to ([0-9][0-9,]*) words", prompt)
    assert said and (int(said[1].replace(",", "")), int(said[2].replace(",", ""))) == (low, high)
    assert "click inside its box" in prompt and "Undo Cell Operation" in prompt  # how a novice writes in it


@pytest.mark.parametrize("exercise,grade_id", CASES)
def test_the_check_never_shows_the_model_answer(exercise, grade_id):
    source = nbformat.read(harness.ROOT / "instructor" / "source" / exercise / f"{exercise}.ipynb", 4)
    model = source.cells[_answer_index(source, grade_id)].source
    essay = essays.ESSAYS[(exercise, grade_id)]
    shown = " ".join(essay.asks + essay.criteria)
    body = model.split("### BEGIN SOLUTION", 1)[-1].split("**Rubric", 1)[0]
    sentences = [s.strip() for s in re.split(r"[.;:]\s", body) if len(s.strip()) > 40]
    assert not [s for s in sentences if s in shown]


def _saved(tmp_path, monkeypatch, nb, name="ex03.ipynb"):
    path = tmp_path / name
    nbformat.write(nb, path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    return path


def _with_answer(text: str, cell_type: str = "markdown"):
    nb = copy.deepcopy(_release("ex03"))
    i = _answer_index(nb, "q5_answer")
    cell = nb.cells[i]
    if cell_type == "code":
        new = nbformat.v4.new_code_cell(text)
        new.metadata = cell.metadata
        nb.cells[i] = new
    else:
        cell.source = text
    return nb


def test_a_short_answer_is_told_the_range_and_what_to_check(tmp_path, monkeypatch):
    _saved(tmp_path, monkeypatch, _with_answer("Comment A is right."))
    head, asks = essays.report("ex03", "q5_answer")
    assert head.startswith("4 words") and "200 to 300" in head
    assert any("three pieces of evidence" in a for a in asks)


def test_the_placeholder_is_not_counted(tmp_path, monkeypatch):
    _saved(tmp_path, monkeypatch, _with_answer("YOUR ANSWER HERE"))
    head, _ = essays.report("ex03", "q5_answer")
    assert head.startswith("Nothing in the answer cell of the notebook as last saved") and "save first" in head \
        and "click inside its box" in head


def test_an_answer_in_range(tmp_path, monkeypatch):
    _saved(tmp_path, monkeypatch, _with_answer(" ".join(["word"] * 250)))
    head, _ = essays.report("ex03", "q5_answer")
    assert head.startswith("250 words") and "within the 200 to 300" in head


def test_an_answer_cell_turned_into_code_is_told_how_to_turn_it_back(tmp_path, monkeypatch):
    _saved(tmp_path, monkeypatch, _with_answer("My answer, typed into a code cell", cell_type="code"))
    head, asks = essays.report("ex03", "q5_answer")
    assert "has become a code cell" in head and "Markdown" in head and not asks


def test_a_deleted_answer_cell_is_told_how_to_undo_it(tmp_path, monkeypatch):
    nb = _with_answer("x")
    del nb.cells[_answer_index(nb, "q5_answer")]
    _saved(tmp_path, monkeypatch, nb)
    head, _ = essays.report("ex03", "q5_answer")
    assert "not in the saved notebook" in head and "Undo Cell Operation" in head and "fresh copy" in head


def test_an_unsaved_notebook_is_asked_to_save(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "ex03.ipynb"))
    head, _ = essays.report("ex03", "q5_answer")
    assert head.startswith("Save the notebook")


def test_outside_jupyterlab_it_says_one_quiet_line(monkeypatch, capsys):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    essays.check("ex03", "q5_answer")
    assert capsys.readouterr().out.strip() == "(In JupyterLab this cell counts the words of your written answer.)"


@pytest.mark.parametrize("text,n", [("Stalin's lists, 1937–38", 3), ("a well-known order: No. 00447", 5), ("", 0),
                                    ("Zwölf Männer traten vor", 4)])
def test_words_are_counted_as_a_reader_counts_them(text, n):
    assert essays.count_words(text) == n


def test_numbers_with_separators_are_one_word():
    assert essays.count_words("75,950 limits and 0.5 of them") == 6


def test_the_verdict_question_shows_what_the_learner_saved(tmp_path):
    from manyhands import records

    path = tmp_path / records.FILE_NAME
    assert "No position saved yet" in essays.records_summary(path) and "ledger of lesson 05 is empty" in \
        essays.records_summary(path)
    records.put_to(path, "stance", [{"lesson": "00", "value": 2, "saved_at": "2026-12-01T10:00:00+00:00"},
                                    {"lesson": "05", "value": 6, "saved_at": "2026-12-02T10:00:00+00:00"}])
    records.put_to(path, "05.ledger", {"version": 1, "cases": {"d04": {"label": "The decree of 14 December 1932",
        "evidence": "", "actors": {"leader": {"did": "signed", "guilt": {"criminal": "heavy", "political": None,
                                                                          "moral": "some", "metaphysical": None}}}}}})
    shown = essays.records_summary(path)
    assert "lesson 00: 2 on the scale" in shown and "lesson 05: 6" in shown
    assert "The decree of 14 December 1932" in shown and "criminal heavy, moral some" in shown
    release = _release("ex05")
    i = _answer_index(release, "q4_answer")
    assert "essays.show_records()" in release.cells[i - 1].source


def test_a_learner_judges_their_own_answer_and_it_is_kept(tmp_path):
    from manyhands import records

    path = tmp_path / records.FILE_NAME
    box = essays.self_assessment("ex03", "q5_answer", path=path)
    assert len(box.controls) == len(essays.ESSAYS[("ex03", "q5_answer")].criteria)
    box.controls["0"].value = "yes"
    box.controls["2"].value = "partly"
    assert records.get_from(path, essays.self_key("ex03", "q5_answer")) == {"0": "yes", "2": "partly"}
    again = essays.self_assessment("ex03", "q5_answer", path=path)  # a new session reads it back
    assert again.controls["0"].value == "yes" and again.controls["1"].value is None
    assert "judgement of your written answer in ex03" in records.key_name(essays.self_key("ex03", "q5_answer"))
