"""Pure models and helpers: claims, stance, feedback, charts."""

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from manyhands import charts, claims, data, feedback, stance


@pytest.fixture(scope="module")
def sentences():
    return data.load("comment_sentences")


# claims ---------------------------------------------------------------------------------------

def test_count_tags_counts_every_cell(sentences):
    tags = {"A01": "rhetorical", "A02": "normative", "B01": "normative"}
    table = claims.count_tags(tags, sentences)
    assert list(table.columns) == [*claims.CLAIM_TYPES, "not tagged"]
    assert table.loc["A", "rhetorical"] == 1 and table.loc["A", "normative"] == 1
    assert table.loc["B", "normative"] == 1
    assert table.loc["A", "not tagged"] == (sentences["comment"] == "A").sum() - 2
    assert int(table.to_numpy().sum()) == len(sentences)


def test_compare_tags_verdicts(sentences):
    key = dict(zip(sentences["sentence_id"], sentences["key_type"]))
    also = dict(zip(sentences["sentence_id"], sentences["also_defensible"]))
    tags = {"A01": key["A01"], "A03": also["A03"].split(";")[0], "A09": "rhetorical"}
    result = claims.compare_tags(tags, sentences).set_index("sentence_id")
    assert result.loc["A01", "verdict"] == "agrees"
    assert result.loc["A03", "verdict"] == "defensible"
    assert result.loc["A09", "verdict"] == "differs"
    assert result.loc["B01", "verdict"] == "not tagged"
    summary = claims.agreement(result.reset_index())
    assert summary == {"agrees": 1, "defensible": 1, "differs": 1, "not tagged": len(sentences) - 3}


def test_key_agrees_with_itself(sentences):
    tags = dict(zip(sentences["sentence_id"], sentences["key_type"]))
    assert claims.agreement(claims.compare_tags(tags, sentences))["agrees"] == len(sentences)


@pytest.mark.parametrize("tags,match", [
    (["A01"], "must be a dict"),
    ({"Z99": "normative"}, "Unknown sentence ids"),
    ({"A01": "factual"}, "Unknown kinds of claim"),
])
def test_claims_bad_input(sentences, tags, match):
    with pytest.raises(claims.ClaimError, match=match):
        claims.count_tags(tags, sentences)


# stance ---------------------------------------------------------------------------------------

def test_stance_round_trip(tmp_path):
    path = tmp_path / "s.json"
    assert stance.load_history(path) == ([], "No saved position yet.")
    stance.save_stance("00", 3, path)
    stance.save_stance("00", 4, path)
    stance.save_stance("05", 8, path)
    records, message = stance.load_history(path)
    assert [r["value"] for r in records] == [3, 4, 8]
    assert stance.latest(records, "00") == 4 and stance.latest(records, "05") == 8 and stance.latest(records, "01") is None
    assert "3 saved" in message


@pytest.mark.parametrize("content", ["{not json", json.dumps({"records": "x"}), json.dumps({"records": [{"lesson": "00", "value": 99}]}), "\udcff"])
def test_stance_corrupt_file_is_set_aside(tmp_path, content):
    path = tmp_path / "s.json"
    path.write_text(content, encoding="utf-8", errors="surrogateescape")
    records, message = stance.load_history(path)
    assert records == [] and "could not be read" in message
    assert (tmp_path / "s.json.corrupt").exists() and not path.exists()
    stance.save_stance("00", 2, path)  # a fresh record starts
    assert stance.load_history(path)[0][0]["value"] == 2


@pytest.mark.parametrize("value", [-1, 11, 2.5, "5", None, True])
def test_stance_rejects_bad_positions(tmp_path, value):
    with pytest.raises(stance.StanceError):
        stance.save_stance("00", value, tmp_path / "s.json")


def test_stance_describes_both_poles():
    assert stance.describe(0) == "the leader decides"
    assert stance.describe(10) == "the system decides"
    assert {stance.describe(v) for v in range(11)} >= {"leader and apparatus share it"}


def test_stance_default_path_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MANYHANDS_HOME", str(tmp_path))
    assert stance.stance_path() == tmp_path / "manyhands_records.json"


# feedback -------------------------------------------------------------------------------------

def test_digest_ignores_order_and_float_noise():
    assert feedback.digest({"b": 1, "a": 2}) == feedback.digest({"a": 2, "b": 1})
    assert feedback.digest({"x", "y"}) == feedback.digest({"y", "x"})
    assert feedback.digest(0.1 + 0.2) == feedback.digest(0.3)
    assert feedback.digest({"a": 1}) != feedback.digest({"a": 2})
    import numpy as np
    assert feedback.digest({"a": np.int64(3)}) == feedback.digest({"a": 3})


@pytest.mark.parametrize("answer,match", [
    (None, "has no answer yet"),
    (..., "has no answer yet"),
    ({}, "is empty"),
    (["empirical"], r"should be a dictionary \(dict\), but it is a list"),
    ({"e1": "empirical"}, "nothing for 'e2'"),
    ({"e1": "empirical", "e2": "normative", "zz": "normative"}, "do not belong"),
    ({"e1": "emprical", "e2": "normative"}, "Did you mean 'empirical'"),
])
def test_check_labels_messages(answer, match):
    with pytest.raises(feedback.AnswerError, match=match):
        feedback.check_labels(answer, ["e1", "e2"], claims.CLAIM_TYPES, "x")


def test_check_digest_does_not_reveal_the_answer():
    key = {"e1": "empirical"}
    with pytest.raises(feedback.AnswerError) as err:
        feedback.check_digest({"e1": "normative"}, feedback.digest(key), "x", hint="Think again.")
    assert "empirical" not in str(err.value)
    feedback.check_digest(key, feedback.digest(key), "x", hint="")


def test_call_turns_crashes_into_messages():
    def broken(df):
        return df["nope"]

    def todo():
        raise NotImplementedError()

    with pytest.raises(feedback.AnswerError, match="raised KeyError"):
        feedback.call(broken, pd.DataFrame({"a": [1]}))
    with pytest.raises(feedback.AnswerError, match="not written yet"):
        feedback.call(todo)
    with pytest.raises(feedback.AnswerError, match="should be a function"):
        feedback.call(3, name="f")
    assert feedback.call(lambda x: x + 1, 1) == 2


def test_defined_and_values():
    with pytest.raises(feedback.AnswerError, match="not defined yet"):
        feedback.defined({}, "answer")
    assert feedback.defined({"answer": 1}, "answer") == 1
    import numpy as np
    feedback.check_values({"a": np.int64(1), "b": 2}, int, "x")
    with pytest.raises(feedback.AnswerError, match=r"should be a whole number \(int\), but it is a number with a decimal "
                                                   r"point \(0\.5\)"):
        feedback.check_values({"a": 0.5}, int, "x")
    with pytest.raises(feedback.AnswerError):
        feedback.check_values({"a": True}, int, "x")


def test_check_type_takes_numpy_numbers_as_numbers():
    import numpy as np

    # a year read from pandas, or a .sum(), is a whole number to a historian and to every check (novice EX03-1,
    # EX04-1: "should be a whole number (int), but it is a whole number (1937)")
    feedback.check_type(np.int64(1934), int, "largest_gap(harvest)")
    feedback.check_type(np.float32(0.5), float, "x")
    with pytest.raises(feedback.AnswerError, match=r"True or False"):
        feedback.check_type(np.bool_(True), int, "x")
    with pytest.raises(feedback.AnswerError) as wrong_kind:
        feedback.check_type("1934", int, "largest_gap(harvest)")
    assert "Wrap it" not in str(wrong_kind.value) and "text in quotes ('1934')" in str(wrong_kind.value)
    feedback.check_type(np.float64(2.5), float, "x")  # numpy floats are Python floats: accepted
    with pytest.raises(feedback.AnswerError, match=r"should be a whole number \(int\), but it is True or False"):
        feedback.check_type(True, int, "x")


def test_expect():
    feedback.expect(True, "fine")
    with pytest.raises(feedback.AnswerError, match="explain"):
        feedback.expect(False, "explain")


# charts ---------------------------------------------------------------------------------------

def test_style_requires_every_label():
    for missing in ("title", "x_title", "y_title", "source"):
        labels = dict(title="t", x_title="x (unit)", y_title="y (unit)", source="Source: s")
        labels[missing] = " "
        with pytest.raises(charts.ChartError, match=missing):
            charts.style(go.Figure(), **labels)


def test_style_applies_template_and_source():
    fig = charts.style(go.Figure(), title="T", x_title="Year", y_title="Tonnes (million)", source="Davies 2004")
    assert fig.layout.template.layout.colorway == tuple(charts.PALETTE)
    assert charts.source_of(fig) == "Source: Davies 2004"
    assert fig.layout.title.text == "T"


def test_palette_is_colour_blind_safe_okabe_ito():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(charts.PALETTE) <= okabe_ito
    assert len(set(charts.SYMBOLS)) == len(charts.SYMBOLS)
