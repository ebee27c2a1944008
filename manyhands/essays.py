"""The written answers a learner alone can check: a word count against the range asked, what the question asks for,
and the criteria the instructor marks by, shown under each written answer.  Never a grade, and never the model
answer: the cell under the answer runs ``essays.check("ex03", "q5_answer")``.

The check reads the answer from the notebook as last saved (JupyterLab tells the kernel the notebook's path in
``JPY_SESSION_NAME``), so it first asks the learner to save.  It also finds the two accidents a novice meets: an
answer cell that has become a code cell, and one that has been deleted, and says how to undo each.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

PLACEHOLDER = "YOUR ANSWER HERE"
WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’\-–][^\W_]+)*")  # 75,950 and 0.5 are one word each


@dataclass(frozen=True)
class Essay:
    question: int
    words: tuple[int, int]
    asks: tuple[str, ...]      # what the question asks for, as questions a learner can ask of their own text
    criteria: tuple[str, ...]  # the rubric's criteria, without its examples of answers


CLEAR = "Accurate, in your own words, with no invented facts, figures, quotations or sources"
ESSAYS: dict[tuple[str, str], Essay] = {
    ("ex00", "q5_answer"): Essay(5, (150, 250), (
        "Did you choose one sentence from comment A and one from comment B, each with its id (A12, B03 ...)?",
        "Did you quote, exactly, the words that carry the empirical claim?",
        "For each, did you say what evidence would settle it, and where a historian would look for it?",
        "For each, did you say what that evidence could not settle?"), (
        "One sentence from each comment, with its empirical claim identified and quoted exactly (1 point)",
        "For each, a specific kind of evidence and where it would be found (1 point)",
        "For each, what that evidence could not settle (1 point)",
        CLEAR + ", 150 to 250 words (1 point)")),
    ("ex01", "q5_answer"): Essay(5, (150, 250), (
        "Did you say who produced the review, for whom, and who else could see it, quoting the words that show it?",
        "Did you give one reason to trust what it reports and one reason for caution, both specific?",
        "Did you say whether it supports comment A's \"isolation of the bureaucracy\", and why?"), (
        "Producer, recipients and who else saw it, with at least one exact quotation (1 point)",
        "A specific reason for trust and a specific reason for caution (1 point)",
        "A reasoned judgement on comment A that uses the document (1 point)",
        CLEAR + ", 150 to 250 words (1 point)")),
    ("ex02", "q5_answer"): Essay(6, (200, 300), (
        "Did you name one decision from the top, and who proposed or issued it, from a dated document?",
        "Did you name one case of initiative or pushing back from below, and what happened to it?",
        "Did you say whether the evidence supports comment A, and what else you would need to know?"), (
        "A decision from the top with its proposer or issuer, from a dated document (1 point)",
        "A case of initiative or resistance below, with what followed, from a dated document (1 point)",
        "A reasoned judgement on comment A that weighs both and names what else is needed (1 point)",
        CLEAR + ", 200 to 300 words, quotations exact (1 point)")),
    ("ex03", "q5_answer"): Essay(5, (200, 300), (
        "Is your answer (comment A, comment B, both, neither, or a qualified version) stated early?",
        "Did you use at least three pieces of evidence from lesson 03, each with its date or source?",
        "For each piece, did you say who acted: who asked, who drafted, who signed, who approved, who carried out?",
        "Did you say what each comment gets right and what it gets wrong?"), (
        "A clear answer, stated early (1 point)",
        "At least three pieces of evidence from the lesson, each with its date or source, reported accurately (1 point)",
        "For each, who acted, showing initiative from the top and from below where the evidence shows it (1 point)",
        "A fair treatment of both comments, " + CLEAR.lower() + ", 200 to 300 words (1 point)")),
    ("ex04", "q4_answer"): Essay(4, (300, 400), (
        "Is your answer (sound, unsound, or sound in part) stated early, with where the analogy holds and fails?",
        "Did you use at least four pieces of evidence, at least one from each regime, each with its date, signatory "
        "or source?",
        "Did you compare the kinds of paper each leader left, and say that the tables are the course's selections?",
        "Did you state one historian's position of lesson 04 fairly, and use it?",
        "Are the empirical, the interpretive and the normative claims kept apart?"), (
        "A clear answer, stated early, with where the analogy holds and where it fails (1 point)",
        "At least four pieces of evidence, one at least from each regime, reported accurately (1 point)",
        "The evidence used comparatively, with the caveat that the tables are selections (1 point)",
        "At least one historian's position stated fairly and used, not just named (1 point)",
        "The three kinds of claim kept apart; a conclusion that follows; 300 to 400 words (1 point)")),
    ("ex05", "q4_answer"): Essay(4, (800, 1200), (
        "Is your verdict on both comments stated early, and does your conclusion follow from what you wrote?",
        "Did you use evidence from at least three lessons, each with its date, actor and role or source?",
        "Did you give the other side's best case, and answer it?",
        "Are the empirical, the interpretive and the normative claims kept apart?",
        "Did you use at least two of lesson 05's concepts, to the point?",
        "Did you say where you stood in lesson 00 and where you stand now, and why?"), (
        "Answer and structure: a clear verdict, stated early; a conclusion that follows (1 point)",
        "Evidence: accurate evidence from at least three lessons, used to argue, not listed (3 points; an invented "
        "quotation gives 0 here)",
        "The opposing view: stated as its best advocates would, and answered (1 point)",
        "Claim types: kept apart throughout, the normative conclusion argued (2 points)",
        "Concepts: at least two of lesson 05's, used accurately (1 point)",
        "Reflection: where you stood in lesson 00 and now, and why; 800 to 1,200 words (1 point)")),
}

HOW_TO_WRITE = (
    "To write: double-click the answer cell, then click inside its box, so that a cursor blinks there, and type. "
    "Press Shift+Enter to see it formatted. Typing without a blinking cursor sends your letters to JupyterLab as "
    "shortcuts (they can add cells or change a cell's type): if that happens, choose Edit \u25b8 Undo Cell "
    "Operation until the notebook is as it was.")
FRESH_COPY = (
    "If you cannot undo it, copy your text somewhere safe and start from a fresh copy of the exercise: fetch it again "
    "from the Assignments tab (after renaming your old folder), or, studying alone, take the notebook again from the "
    "course's exercises folder (rename yours first so that it is not replaced).")


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of letters or digits, with inner apostrophes and hyphens."""
    return len(WORD.findall(text.replace(PLACEHOLDER, "")))


def _notebooks() -> list[Path]:
    named = os.environ.get("JPY_SESSION_NAME")
    found = [Path(named)] if named and named.endswith(".ipynb") else []
    return found + sorted(p for p in Path.cwd().glob("*.ipynb") if p not in found)


def _find(grade_id: str, exercise: str):
    """(the notebook's path, its answer cell or None) for the first notebook of this exercise; (None, None)."""
    for path in _notebooks():
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        cells = nb.get("cells", []) if isinstance(nb, dict) else []
        ids = {str(c.get("metadata", {}).get("nbgrader", {}).get("grade_id")) for c in cells if isinstance(c, dict)}
        if not (path.stem == exercise or any(i.startswith("q") for i in ids)):
            continue
        for cell in cells:
            if isinstance(cell, dict) and cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
                return path, cell
        return path, None
    return None, None


def report(exercise: str, grade_id: str) -> tuple[str, list[str]]:
    """What the check says: one line on the answer as saved, and the lists to check it against."""
    essay = ESSAYS[(exercise, grade_id)]
    low, high = essay.words
    path, cell = _find(grade_id, exercise)
    if path is None:
        return ("Save the notebook (File \u25b8 Save, or Ctrl+S), then run this cell again: it reads your answer from "
                "the saved file.", [])
    if cell is None:
        return (f"The answer cell of question {essay.question} is not in the saved notebook: it may have been "
                f"deleted. {HOW_TO_WRITE} {FRESH_COPY}", [])
    source = cell.get("source", "")
    text = "".join(source) if isinstance(source, list) else str(source)
    if cell.get("cell_type") != "markdown":
        return (f"The answer cell of question {essay.question} has become a code cell (it shows [ ]: at its left). "
                "Click it once, then choose Markdown in the menu at the top of the notebook that says Code (or press "
                "M): your words are kept. Then save and run this cell again.", [])
    n = count_words(text)
    at = time.strftime("%H:%M", time.localtime(path.stat().st_mtime))
    saved = f"in the notebook as last saved, at {at} (save again if you have written since)"
    if n == 0:
        head = (f"Nothing in the answer cell of the notebook as last saved, at {at}. If you have written your answer, "
                f"save first (Ctrl+S), then run this cell again. If not: {HOW_TO_WRITE}")
    elif n < low:
        head = (f"{n} words {saved}: the question asks for {low:,} to {high:,}. Say more: the questions below show "
                "what is still to do.")
    elif n > high:
        head = f"{n:,} words {saved}: the question asks for {low:,} to {high:,}. Cut to the point."
    else:
        head = f"{n:,} words {saved}: within the {low:,} to {high:,} asked."
    return head, [*essay.asks]


def check(exercise: str, grade_id: str) -> None:
    """Show, under a written answer, its word count and what to check it against (never a grade)."""
    from IPython.display import display

    if not os.environ.get("JPY_SESSION_NAME"):  # not in JupyterLab (the autograder, a script): nothing to count
        print("(In JupyterLab this cell counts the words of your written answer.)")
        return
    head, asks = report(exercise, grade_id)
    essay = ESSAYS[(exercise, grade_id)]
    lines = [f"<p style='max-width:60em'><b>Your written answer, checked for length only (not marked).</b> "
             f"{html.escape(head)}</p>"]
    if asks:
        lines.append("<p style='max-width:60em'>Read your answer again and ask:</p><ul>"
                     + "".join(f"<li>{html.escape(a)}</li>" for a in asks) + "</ul>")
    lines.append("<p style='max-width:60em'>What your instructor marks it on:</p><ul>"
                 + "".join(f"<li>{html.escape(c)}</li>" for c in essay.criteria) + "</ul>"
                 "<p style='max-width:60em'>Save (Ctrl+S) after writing, then run this cell again to count anew.</p>")
    plain = "\n".join([head, *(f"- {a}" for a in asks)])
    display({"text/html": "".join(lines), "text/plain": plain}, raw=True)
    if asks:  # something is written: the learner can judge it
        display(self_assessment(exercise, grade_id))


def records_summary(path: Path | None = None) -> str:
    """What the learner saved that the verdict essay builds on (the positions of lessons 00 and 05, the ledger of
    lesson 05), as HTML; a plain sentence when nothing is saved yet."""
    from . import records, stance

    try:
        doc, _ = records.read(path) if path else records.read()
    except Exception as exc:  # a damaged file is the records panel's business: say where to look
        return f"<p>Your records file could not be read ({html.escape(str(exc))}). Open lesson 05's records panel.</p>"
    values = doc if isinstance(doc, dict) else {}
    positions = values.get("stance") or []
    ledger = values.get("05.ledger") or {}
    parts = ["<p style='max-width:60em'><b>What you saved in the lessons</b> (your records file, read now).</p>"]
    if positions:
        items = "".join(f"<li>lesson {html.escape(str(p.get('lesson')))}: {p.get('value')} on the scale, "
                        f"\u201c{html.escape(stance.describe(p.get('value')))}\u201d</li>"
                        for p in positions if isinstance(p, dict) and isinstance(p.get("value"), int))
        parts.append(f"<p>Your positions, in the order you saved them:</p><ul>{items}</ul>")
    else:
        parts.append("<p>No position saved yet: lessons 00 and 05 ask for one.</p>")
    cases = ledger.get("cases", {}) if isinstance(ledger, dict) else {}
    rows = []
    for case in cases.values():
        if not isinstance(case, dict):
            continue
        for actor, entry in (case.get("actors") or {}).items():
            if not isinstance(entry, dict):
                continue
            guilt = ", ".join(f"{k} {v}" for k, v in (entry.get("guilt") or {}).items() if v not in (None, "none"))
            if entry.get("did") or guilt:
                rows.append(f"<tr><td>{html.escape(str(case.get('label', '')))}</td><td>{html.escape(str(actor))}</td>"
                            f"<td>{html.escape(str(entry.get('did') or ''))}</td><td>{html.escape(guilt)}</td></tr>")
    if rows:
        parts.append("<table><thead><tr><th>Case</th><th>Who</th><th>What the documents show they did</th>"
                     "<th>Guilt, as you judged it</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    else:
        parts.append("<p>Your ledger of lesson 05 is empty: fill it in there, and it will show here.</p>")
    return "".join(parts)


def show_records() -> None:
    """Under the verdict question: the learner's saved positions and ledger, read from the records file now."""
    from IPython.display import display

    if not os.environ.get("JPY_SESSION_NAME"):  # the autograder, a script: the learner's records are not here
        print("(In JupyterLab this cell shows the positions and the ledger you saved in the lessons.)")
        return
    display({"text/html": records_summary(), "text/plain": "your saved positions and ledger"}, raw=True)


SELF = ("not yet", "partly", "yes")


def self_key(exercise: str, grade_id: str) -> str:
    return f"self.{exercise}.{grade_id}"


def self_assessment(exercise: str, grade_id: str, path: Path | None = None):
    """After writing: the learner judges their own answer against each of the rubric's criteria (not yet, partly,
    yes), saved in the records file under ``self.<exercise>.<grade_id>`` at each choice.  Returns the widget."""
    import ipywidgets as w

    from . import records

    essay = ESSAYS[(exercise, grade_id)]
    target = Path(path) if path else records.records_path()
    saved = records.get_from(target, self_key(exercise, grade_id), {}) or {}
    status = w.HTML()
    rows, controls = [], {}
    for i, criterion in enumerate(essay.criteria):
        choice = w.ToggleButtons(options=SELF, value=saved.get(str(i)) if saved.get(str(i)) in SELF else None,
                                 description="", style={"button_width": "80px"})
        choice.add_class("mh-self-assessment")
        controls[str(i)] = choice
        rows.append(w.VBox([w.HTML(f"<p style='max-width:60em;margin:0.4em 0 0'>{html.escape(criterion)}</p>"), choice]))

    def save(_change=None):
        answer = {k: c.value for k, c in controls.items() if c.value is not None}
        try:
            records.update_to(target, self_key(exercise, grade_id), lambda _old: answer)
            status.value = (f"<p>Saved in your records file: {len(answer)} of {len(controls)} criteria judged. "
                            "Your instructor's marking is separate.</p>")
        except Exception as exc:  # the file is the panel's business; say so, keep the choices on screen
            status.value = f"<p>Not saved ({html.escape(str(exc))}): your choices stay here until the next try.</p>"

    for choice in controls.values():
        choice.observe(save, names="value")
    heading = w.HTML("<p style='max-width:60em'><b>Judge your own answer</b> against each criterion, once you have "
                     "written it (kept in your records file, not marked):</p>")
    box = w.VBox([heading, *rows, status])
    box.controls = controls
    return box
