"""Lesson checkpoints: each is checked, no cell a learner sees computes its answer, Run All meets
"Your turn", a learner's own right answer (written with what the lesson shows) meets "Yes", and
plausible wrong answers meet "Not yet" — each message shown once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from manyhands import checkpoints

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
ANSWERS = yaml.safe_load((Path(__file__).with_name("checkpoint_answers.yaml")).read_text(encoding="utf-8"))


def _check_cells(nb):
    """(index, checkpoint id, blank names) for every code cell that calls check(...)."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "check(" not in cell.source:
            continue
        tree = ast.parse(cell.source)
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "check"]
        if not calls:
            continue
        call = calls[0]
        found.append((i, call.args[0].value, [a.id for a in call.args[1:]]))
    return found


def test_every_checkpoint_is_used_once_and_answered_in_the_tests():
    used = [cid for path in LESSONS for _, cid, _ in _check_cells(nbformat.read(path, 4))]
    assert sorted(used) == sorted(checkpoints.CHECKPOINTS), "checkpoints in the lessons and in manyhands differ"
    assert len(used) == len(set(used)), "a checkpoint is used twice"
    assert set(ANSWERS) == set(checkpoints.CHECKPOINTS), "every checkpoint needs a right and wrong answers here"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_checkpoint_cells_hold_only_blanks_and_the_check(path):
    nb = nbformat.read(path, 4)
    for i, cid, names in _check_cells(nb):
        tree = ast.parse(nb.cells[i].source)
        blanks = []
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign):
                assert isinstance(stmt.value, ast.Constant) and stmt.value.value is None, (
                    f"{path.name} cell {i}: a checkpoint cell may only set blanks to None")
                blanks += [t.id for t in stmt.targets]
            else:
                assert isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call), (
                    f"{path.name} cell {i}: a checkpoint cell may hold nothing but its blanks and check(...)")
        cp = checkpoints.CHECKPOINTS[cid]
        if cp.calls:  # a function blank: a skeleton that gives back None stands in the cell just above
            above = ast.parse(nb.cells[i - 1].source)
            defs = [n for n in above.body if isinstance(n, ast.FunctionDef)]
            assert [d.name for d in defs] == names == list(cp.blanks), f"{path.name} checkpoint {cid}"
            body = defs[0].body
            assert len(body) == 1 and isinstance(body[0], ast.Return) and getattr(body[0].value, "value", 0) is None, (
                f"{path.name} checkpoint {cid}: the skeleton may only `return None`")
            continue
        assert blanks == names == list(cp.blanks), f"{path.name} checkpoint {cid}"
        # the heading that asks the question stands just above, and is a Checkpoint heading
        above = "\n".join(c.source for c in nb.cells[max(0, i - 3):i] if c.cell_type == "markdown")
        assert re.search(r"^### Checkpoint \d+", above, re.M), f"{path.name} checkpoint {cid} has no heading above it"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_checkpoint_heading_has_a_check(path):
    nb = nbformat.read(path, 4)
    checked = {i for i, _, _ in _check_cells(nb)}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and re.search(r"^#+ Checkpoint|\*\*Checkpoint", cell.source, re.M):
            assert {i + 1, i + 2, i + 3} & checked, f"{path.name} cell {i}: a checkpoint without a check"


@pytest.mark.parametrize("cid", sorted(checkpoints.CHECKPOINTS))
def test_messages_for_blank_right_and_wrong(cid):
    cp = checkpoints.CHECKPOINTS[cid]
    blank = checkpoints.evaluate(cid, *[None] * len(cp.blanks))
    assert blank.kind == "turn" and blank.label == "Your turn"
    if not cp.calls:
        assert checkpoints.evaluate(cid, *cp.key()).kind == "yes"
    if cp.calls:
        blank_func = checkpoints.evaluate(cid, lambda *a: None)
        assert blank_func.kind == "turn", f"{cid}: a skeleton that gives back None should read as the learner's turn"
        namespace = {"harvest": __import__("manyhands").data.load("grain_harvest")}
        exec(ANSWERS[cid]["define"], namespace)
        assert checkpoints.evaluate(cid, namespace[cp.blanks[0]]).kind == "yes", cid
    for wrong in ANSWERS[cid]["wrong"]:
        if cp.calls:
            wrong = [eval(wrong[0])]
        msg = checkpoints.evaluate(cid, *wrong)
        assert msg.kind == "no", f"{cid}: the wrong answer {wrong} was accepted"
        for value in cp.key():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and len(f"{value:g}") > 1:
                assert not re.search(rf"(?<![\d.]){value:g}(?![\d])", msg.text), f"{cid}: the hint gives the answer away"
    # bad input never raises
    for odd in ("12", [], {}, float("nan"), True):
        assert checkpoints.evaluate(cid, *[odd] * len(cp.blanks)).kind == "no"
    if cp.calls:
        assert checkpoints.evaluate(cid, lambda *a: 1 / 0).kind == "no"  # a crash is a message, not an error


def _run(nb, path):
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()


def _message(cell) -> tuple[str, int]:
    texts = [o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in cell.outputs]
    return " ".join(texts), len(cell.outputs)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_run_all_says_your_turn_and_right_answers_say_yes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("MANYHANDS_HOME", str(tmp_path / "home"))
    blank = nbformat.read(path, 4)
    answered = nbformat.read(path, 4)
    cells = _check_cells(blank)
    for i, cid, _ in cells:
        if "define" in ANSWERS[cid]:
            answered.cells[i - 1].source = ANSWERS[cid]["define"]
            continue
        call = answered.cells[i].source.strip().splitlines()[-1]
        answered.cells[i].source = ANSWERS[cid]["right"] + "\n" + call
    _run(blank, path)
    _run(answered, path)
    for i, cid, _ in cells:
        text, n = _message(blank.cells[i])
        assert n == 1 and text.startswith("Your turn:"), f"{path.name} {cid} on Run All: {text!r}"
        text, n = _message(answered.cells[i])
        assert n == 1 and text.startswith("Yes:"), f"{path.name} {cid} with a right answer: {text!r}"


def test_forms_a_beginner_gives_get_their_own_message():
    from manyhands.checkpoints import evaluate

    assert evaluate("04.1", {"A", "C"}).kind == "yes"                      # capitals count as the letters
    assert "empty set" in evaluate("04.1", set()).text
    assert "empty dictionary" in evaluate("04.1", {}).text
    assert "percentages or counts" in evaluate("04.6", 50, 14.3).text
    stalin, hitler = checkpoints.CHECKPOINTS["04.6"].key()
    assert "each is in the other's name" in evaluate("04.6", hitler, stalin).text
    assert "look at a: 'crimnal'" in evaluate("05.1", {"a": "crimnal", "b": "political", "c": "moral",
                                                       "d": "metaphysical"}).text
    assert "missing: d" in evaluate("05.1", {"a": "criminal", "b": "political", "c": "moral"}).text
    assert evaluate("05.3", 9.0, 4.0).kind == "yes"                       # 9.0 is a whole number
    assert "capitals count" in evaluate("05.4", 0, 0).text
    assert "<code>" in evaluate("05.4", 0, 0)._repr_html_() or "`" not in evaluate("05.4", 0, 0).text


def test_a_beginners_pandas_errors_are_explained_and_others_are_left_alone():
    import pandas as pd

    from manyhands.checkpoints import explain_error

    t = pd.DataFrame({"actor": ["Stalin"], "role": ["signed"]})
    for code, words in (('t[t["actor"] == "Stalin" and t["role"] == "signed"]', "& (not `and`)"),
                        ('t["actor"] == "Stalin" & t["role"] == "signed"', "brackets"),
                        ('t.set_index("actor").loc["stalin", "role"]', "no row or column named 'stalin'"),
                        ("{a, c}", "put it in quotes")):
        try:
            eval(code, {"t": t})
        except Exception as exc:  # noqa: BLE001
            explained = explain_error(type(exc), exc)
            assert explained and words in explained, (code, explained)
        else:
            raise AssertionError(f"{code} did not fail")
    assert explain_error(ZeroDivisionError, ZeroDivisionError("division by zero")) is None


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_each_checkpoints_visible_number_is_its_id(path):
    """Checkpoint N of lesson LL checks "LL.N", and a lesson's checkpoints are numbered 1, 2, 3 ... in order
    (issue 24, item 18: lesson 02's Checkpoint 4 checked 02.6 and its Checkpoint 6 checked 02.4; lesson 05's
    started at 2)."""
    nb = nbformat.read(path, 4)
    seen = []
    for i, cid, _ in _check_cells(nb):
        above = "\n".join(c.source for c in nb.cells[max(0, i - 3):i] if c.cell_type == "markdown")
        number = re.findall(r"^### Checkpoint (\d+)", above, re.M)[-1]
        lesson = "P" if path.name.startswith("00_primer") else path.name[:2]
        assert cid == f"{lesson}.{number}", f"{path.name}: the heading 'Checkpoint {number}' checks {cid}"
        seen.append(int(number))
    assert seen == list(range(1, len(seen) + 1)), f"{path.name}: checkpoints numbered {seen}"


def test_lesson_03_checkpoint_1_says_who_sent_what_to_whom():
    """Statement b names the sender, the document, the addressee and what was asked (issue 24, item 18: "sent the
    order to the Politburo for a vote" left open who sent what to whom); the key stays {"a", "b", "d"}."""
    nb = nbformat.read(ROOT / "lessons" / "03_terror_by_quota.ipynb", 4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("### Checkpoint 1"))
    b = " ".join(cell.source.split("- **b.**")[1].split("- **c.**")[0].split())
    for words in ("Frinovsky", "30 July 1937", "draft of Order No. 00447", "to Stalin's secretariat",
                  "members of the Politburo for a vote"):
        assert words in b, (words, b)
    assert checkpoints.CHECKPOINTS["03.1"].key() == ({"a", "b", "d"},)


_PRIMER_TASK_5_WRONG = {
    # conditions without their brackets: pandas' rand_ error from deep inside pandas (five frames of its own)
    'letters_1933 = decisions[decisions["kind"] == "letter" & decisions["date"] >= "1933-01-01"]["decision_id"].tolist()':
        "put each condition in brackets before joining them with &",
    'letters_1933 = decisions[decisions["kind"] == "letter" | decisions["date"] >= "1933-01-01"]["decision_id"].tolist()':
        "put each condition in brackets before joining them with |",
    # a method written without its brackets, then used
    'letters_1933 = decisions[(decisions["kind"] == "letter") & (decisions["date"] >= "1933-01-01")]["decision_id"].tolist\n'
    'letters_1933 = sorted(letters_1933)':
        "`letters_1933` is the method .tolist itself, not its result: a method runs only with brackets. Add () at the "
        "end: .tolist().",
    'letters_1933 = decisions[(decisions["kind"] == "letter") & (decisions["date"] >= "1933-01-01")]["decision_id"]'
    '.tolist[0]':
        "a method runs only with brackets",
}


@pytest.mark.parametrize("code", list(_PRIMER_TASK_5_WRONG), ids=["and", "or", "method-named", "method-subscript"])
def test_primer_task_5_without_brackets_gets_one_line_not_a_traceback(code, capsys):
    """Issue 24, item 20: in a real IPython shell with the lessons' handler, the primer's task 5 written without
    brackets shows the course's one-line "Not yet" box (with Python's last line), not pandas' six-frame traceback."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    checkpoints._install_friendly_errors()
    shell.run_cell('from manyhands import data\ndecisions = data.load("famine_decisions")', store_history=False)
    capsys.readouterr()
    result = shell.run_cell(code, store_history=False)
    out = capsys.readouterr()
    text = out.out + out.err
    assert not result.success                      # the cell still counts as an error
    assert "Not yet" in text and _PRIMER_TASK_5_WRONG[code] in text, text
    assert "Traceback" not in text and "site-packages" not in text and "pandas/core" not in text, text


def test_lesson_02_checkpoint_7_does_not_list_the_authors_in_the_quotations_order():
    """Issue 24, item 11c: the message listed the three historians one per quotation, q1 to q3: the answer."""
    cp = checkpoints.CHECKPOINTS["02.7"]
    key = cp.key()[0]
    for text in (cp.turn, cp.hint, checkpoints.evaluate("02.7", {"q1": "Tauger", "q2": "x", "q3": "y"}).text):
        places = [text.find(f'"{key[q]}"') for q in ("q1", "q2", "q3")]
        assert not (all(p >= 0 for p in places) and places == sorted(places)), text


def test_lesson_04_checkpoint_4_accepts_the_range_the_lesson_gives():
    """Novice review L04-1: the lesson quotes Schimke and "some ten or twelve other men", 11 to 13 men of about 500;
    every count in that range is right, and the battalion's size or a count outside it is not."""
    for men in (11, 12, 13):
        assert checkpoints.evaluate("04.4", men / 500).kind == "yes", men
    for men in (10, 14, 20):
        assert checkpoints.evaluate("04.4", men / 500).kind == "no", men
    assert checkpoints.evaluate("04.4", 12 / 450).kind == "no"


# ---- messages that name the learner's actual slip (novice reviews, 7 December 2026) -------------------------------

def test_a_written_function_that_gives_back_none_is_not_told_your_turn():
    """P-1, P-2: a function the learner wrote, without `return` or with `return None` inside the loop, read
    "Your turn: ... write the function"; the skeleton itself still reads as the learner's turn."""
    from manyhands.checkpoints import evaluate

    def overstatement(official, revised):
        (official - revised) / revised * 100

    msg = evaluate("P.2", overstatement)
    assert msg.kind == "no" and "has no line that gives back a value" in msg.text, msg

    harvest = __import__("manyhands").data.load("grain_harvest")

    def first_year_above(threshold):
        for _, row in harvest.sort_values("year").iterrows():
            if row["harvest_official_mt"] - row["harvest_revised_mt"] > threshold:
                return int(row["year"])
            return None

    msg = evaluate("P.3", first_year_above)
    assert msg.kind == "no" and "`return None` is indented inside the loop" in msg.text, msg

    def skeleton(threshold):
        return None   # your turn

    assert evaluate("P.3", skeleton).kind == "turn"


def test_a_loop_that_never_set_the_answer_is_not_told_your_turn(monkeypatch):
    """L01-2: `gap > 25` for `> 0.25` leaves None after the loop; the check said "Your turn: Replace None"."""
    from manyhands import feedback
    from manyhands.checkpoints import evaluate

    monkeypatch.setattr(feedback, "_LAST_CELL", {"source": (
        "fewest_offices = None\nfor n in range(1, 21):\n    if chain.simulate(levels=n, bias=0.05).gap > 25:\n"
        "        fewest_offices = n\n        break\n"), "error": None})
    msg = evaluate("01.2", None)
    assert msg.kind == "no" and "still None after your loop" in msg.text, msg
    monkeypatch.setattr(feedback, "_LAST_CELL", {"source": "fewest_offices = None", "error": None})
    assert evaluate("01.2", None).kind == "turn"


def test_greater_or_equal_for_more_than_is_not_accepted():
    """P-3: `>=` where the question says "more than" was accepted (no threshold hit a gap exactly)."""
    from manyhands.checkpoints import evaluate

    harvest = __import__("manyhands").data.load("grain_harvest")

    def first_year_above(threshold):
        for _, row in harvest.sort_values("year").iterrows():
            if row["harvest_official_mt"] - row["harvest_revised_mt"] >= threshold:
                return int(row["year"])
        return None

    msg = evaluate("P.3", first_year_above)
    assert msg.kind == "no" and "first_year_above(0)" in msg.text and "greater than" in msg.text, msg


def test_names_where_letters_are_asked_are_not_told_a_comma_is_missing():
    """L04-3: {"Mommsen", "Broszat"} was told "a comma is probably missing"."""
    from manyhands.checkpoints import evaluate

    text = evaluate("04.5", {"Mommsen", "Broszat"}).text
    assert "letters" in text and "not names" in text and "comma" not in text, text
    assert "comma is probably missing" in evaluate("04.5", {"ac"}).text
    assert "comma is probably missing" in evaluate("04.5", {"AC"}).text


def test_a_name_or_a_year_used_as_a_row_label_is_told_which_column_holds_it():
    """L05-1: summary.loc["Stalin", ...] on numbered rows was told "a name must match the table exactly"."""
    import pandas as pd

    from manyhands.checkpoints import explain_error

    summary = pd.DataFrame({"actor": ["Stalin", "Hitler"], "documents": [9, 4]})
    harvest = pd.DataFrame({"year": [1932, 1933], "harvest_revised_mt": [55.7, 68.4]})
    for table, key, name, column in ((summary, "Stalin", "summary", "actor"), (harvest, 1933, "harvest", "year")):
        with pytest.raises(KeyError) as err:
            table.loc[key, table.columns[1]]
        text = explain_error(KeyError, err.value, {name: table})
        assert f'{name}.set_index("{column}")' in text and "numbered 0, 1, 2" in text, text
        assert "must match the table exactly" not in text


def test_upside_down_shares_and_the_usual_slips_of_a_growth_are_named():
    """L03-1, L02-4: a share divided the wrong way round was told it looked like a percentage or a count; L01-1:
    three different slips of 01.1 got one hint; L05-2: conditions without brackets were told only to add .sum();
    L03-2: the hint asked for int(...) that the check does not need."""
    from manyhands import data
    from manyhands.checkpoints import CHECKPOINTS, evaluate

    share = CHECKPOINTS["03.2"].key()[0]
    assert "upside down" in evaluate("03.2", 1 / share).text
    a, b = CHECKPOINTS["02.2"].key()
    assert "upside down" in evaluate("02.2", 1 / a, 1 / b).text
    assert "percentages or counts" in evaluate("02.2", a * 100, b * 100).text
    growth = CHECKPOINTS["01.1"].key()[0]
    assert "multiply it by 100" in evaluate("01.1", growth / 100).text
    t = data.load("party_membership").set_index("congress")
    assert "column candidates" in evaluate(
        "01.1", float((t.loc[17, "candidates"] - t.loc[15, "candidates"]) / t.loc[15, "candidates"] * 100)).text
    assert "divide by the earlier one" in evaluate(
        "01.1", float((t.loc[17, "members"] - t.loc[15, "members"]) / t.loc[17, "members"] * 100)).text
    roles = data.load("decision_roles")
    unbracketed = (roles["actor"] == "Stalin") & roles["role"] == "initiated"
    assert "its own brackets" in evaluate("05.2", unbracketed, unbracketed).text
    assert "int(" not in CHECKPOINTS["03.3"].hint


def test_a_number_with_a_decimal_comma_in_quotes_is_told_how_python_writes_numbers():
    """P-4: "68,4" was told only to leave out the quotes; the next try, 68,4, is two numbers."""
    from manyhands.checkpoints import evaluate

    assert "decimal point" in evaluate("P.4", "68,4").text
    assert "decimal point" not in evaluate("P.4", "68.4").text


def test_in_a_kernel_a_loop_left_none_is_named_and_a_fresh_blank_is_your_turn():
    """L01-2 in a real kernel: the checkpoint reads the cell being run (IPython's input history)."""
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell(c) for c in (
        "from manyhands.checkpoints import check\nfrom manyhands import chain",
        "fewest_offices = None\nfor n in range(1, 21):\n    if chain.simulate(levels=n, bias=0.05).gap > 25:\n"
        "        fewest_offices = n\n        break\ncheck('01.2', fewest_offices)",
        "fewest_offices = None\ncheck('01.2', fewest_offices)",
    )])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert _message(nb.cells[1])[0].startswith("Not yet: `fewest_offices` is still None after your loop")
    assert _message(nb.cells[2])[0].startswith("Your turn:")


def test_the_retake_s_lesson_slips_are_named():
    """Novice retake (nov2b): lesson 05 checkpoint 3's .loc["Stalin", "documents"] on numbered rows was told to
    set_index on the lesson's other table, `documents` (a word in quotes on the line); lesson 03 checkpoint 4 with
    the high end of the range was told to do what it had done."""
    import pandas as pd

    from manyhands import checkpoints

    summary = pd.DataFrame({"actor": ["Stalin", "Hitler"], "documents": [5, 2]})
    documents = pd.DataFrame({"actors": ["Stalin", "Hitler; Bouhler"], "title": ["t1", "t2"]})
    line = 'stalin_documents = summary.loc["Stalin", "documents"]'
    ns = {"summary": summary, "documents": documents}
    names = {w: ns[w] for w in checkpoints._code_names(line) if w in ns}
    words = checkpoints.explain_error(KeyError, KeyError("Stalin"), names)
    assert "`summary`" in words and "column actor" in words and "`documents`" not in words, words
    shown = checkpoints.evaluate("03.4", 445_000 / 75_950).text
    assert "high end" in shown and "387,000" in shown, shown


def test_primer_checkpoint_2_names_a_share_and_typed_in_numbers():
    """Novice retake (nov2a): a share instead of a percentage, or the 1933 figures typed into the formula, were told
    "Not yet: not yet right … Give it back with return, not print", to a learner who had used return."""
    from manyhands import checkpoints

    share = checkpoints.evaluate("P.2", lambda official, revised: (official - revised) / revised).text
    assert "100 times smaller" in share and "print" not in share, share
    typed = checkpoints.evaluate("P.2", lambda official, revised: (89.8 - 68.4) / 68.4 * 100).text
    assert "same answer, whatever figures" in typed and "print" not in typed, typed
