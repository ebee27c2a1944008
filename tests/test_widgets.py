"""Widgets, in Python: move each control and check that the figure changed accordingly."""

import pytest

from manyhands import charts, data, stance, widgets


@pytest.fixture(scope="module")
def sentences():
    return data.load("comment_sentences")


def test_claim_sorter_updates_the_tally(sentences):
    sorter = widgets.ClaimSorter(sentences, source="Source: test")
    a_bar, b_bar = sorter.figure.data
    cats = list(a_bar.x)
    assert a_bar.y[cats.index("not tagged")] == (sentences["comment"] == "A").sum()
    sorter.controls["A02"].value = "normative"
    assert a_bar.y[cats.index("normative")] == 1
    assert a_bar.y[cats.index("not tagged")] == (sentences["comment"] == "A").sum() - 1
    sorter.controls["B01"].value = "normative"
    sorter.controls["A02"].value = "empirical"
    assert a_bar.y[cats.index("normative")] == 0 and a_bar.y[cats.index("empirical")] == 1
    assert b_bar.y[cats.index("normative")] == 1


def test_claim_sorter_compare_shows_the_reasoning(sentences):
    sorter = widgets.ClaimSorter(sentences, source="Source: test")
    assert sorter.result.value == ""
    sorter.controls["A14"].value = "rhetorical"
    sorter.controls["A09"].value = "empirical"
    sorter.compare_button.click()
    assert "1 agree" in sorter.result.value and "1 differ" in sorter.result.value
    rationale = sentences.set_index("sentence_id").loc["A09", "rationale"]
    assert rationale.split("'")[0][:40] in sorter.result.value


def test_claim_sorter_chart_is_labelled(sentences):
    sorter = widgets.ClaimSorter(sentences, source="Source: test")
    fig = sorter.figure
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert charts.source_of(fig) == "Source: test"
    assert fig.data[0].marker.pattern.shape != fig.data[1].marker.pattern.shape  # not by colour alone


def test_stance_slider_moves_the_marker_and_saves(tmp_path):
    path = tmp_path / "stance.json"
    view = widgets.StanceScale("00", path=path)
    assert view.figure.data[1].x == (5,)
    view.controls["position"].value = 2
    assert view.figure.data[1].x == (2,)
    assert view.figure.data[1].text == (stance.describe(2),)
    view.save_button.click()
    assert "Saved: 2" in view.status.value
    assert stance.load_history(path)[0][-1]["value"] == 2
    again = widgets.StanceScale("00", path=path)  # reopening starts from the saved position
    assert again.controls["position"].value == 2
    assert again.figure.data[0].x == (2,)


def test_stance_widget_survives_a_corrupt_file(tmp_path):
    path = tmp_path / "stance.json"
    path.write_text("{{{", encoding="utf-8")
    view = widgets.StanceScale("00", path=path)
    assert "could not be read" in view.status.value
    assert view.controls["position"].value == 5


def test_stance_widget_reports_a_failed_save(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    view = widgets.StanceScale("00", path=blocker / "stance.json")  # parent is a file: cannot save
    view.save_button.click()
    assert "Could not save" in view.status.value


def test_debate_map_highlights_the_chosen_debate():
    works = data.load("historiography")
    view = widgets.DebateMap(works, source="Source: test")
    assert sum(len(t.x) for t in view.figure.data) == len(works)
    view.controls["debate"].value = "The famine of 1932–33"
    chosen = sum(len(t.selectedpoints) for t in view.figure.data)
    assert chosen == (works["debate"] == "The famine of 1932–33").sum()
    view.controls["debate"].value = "all debates"
    assert all(t.selectedpoints is None for t in view.figure.data)


def test_chain_of_command_sliders_redraw_the_figure():
    view = widgets.ChainOfCommand()
    reported = view.figure.data[1]
    assert len(reported.x) == 5 and reported.y[-1] == pytest.approx(100 * 1.05 ** 4)
    view.controls["levels"].value = 8
    assert len(reported.x) == 9 and reported.y[-1] == pytest.approx(100 * 1.05 ** 8)
    view.controls["bias"].value = 0.0
    assert reported.y[-1] == pytest.approx(100)
    view.controls["amplification"].value = 0.1
    assert view.figure.data[2].y[0] == pytest.approx(0.3 * 100 * 1.1 ** 8)
    assert "+0%" in view.summary.value


def test_chain_of_command_reports_bad_input_instead_of_crashing():
    view = widgets.ChainOfCommand()
    before = view.figure.data[1].y
    view.controls["seed"].value = -3
    assert "Cannot run the model" in view.summary.value and "seed" in view.summary.value
    assert view.figure.data[1].y == before


def test_membership_chart_toggles_series_and_events():
    membership, events = data.load("party_membership"), data.load("membership_events")
    view = widgets.MembershipChart(membership, events, source=data.source_line("party_membership"))
    members, candidates, together = view.figure.data
    assert len(members.x) == membership["members"].notna().sum()
    assert max(members.y) == pytest.approx(membership["members"].max() / 1000)
    assert len(view.figure.layout.shapes) == len(events)
    view.controls["series"].value = "candidates"
    assert members.visible is False and candidates.visible is True and together.visible is False
    view.controls["events"].value = False
    assert len(view.figure.layout.shapes) == 0
    assert charts.source_of(view.figure).startswith("Source: Lenin 1965")  # the source line survives
    view.controls["events"].value = True
    assert len(view.figure.layout.shapes) == len(events)


def test_apparatus_chart_shows_the_dataset():
    bodies = data.load("apparatus_1930")
    fig = widgets.apparatus_chart(bodies, source=data.source_line("apparatus_1930"))
    full, cand = fig.data
    assert list(full.x) == list(bodies["body"]) and list(full.y) == list(bodies["full_members"])
    assert list(cand.y) == list(bodies["candidates"])
    assert full.marker.pattern.shape != cand.marker.pattern.shape
    assert charts.source_of(fig).startswith("Source:")


# ---- lesson 02 widgets (the model itself is tested in test_grain.py)

CALC = dict(reported_harvest_mt=70.0, true_harvest_mt=55.0, plan_mt=21.0)


def test_procurement_calculator_follows_its_controls():
    calc = widgets.ProcurementCalculator(CALC, source="Source: test")
    taken, left = calc.figure.data
    assert list(taken.y) == pytest.approx([21.0, 21.0]) and list(left.y) == pytest.approx([49.0, 34.0])
    assert "30%" in calc.summary.value and "38%" in calc.summary.value  # 21/70 and 21/55
    assert "15.0 Mt less" in calc.summary.value
    calc.controls["true_harvest_mt"].value = 70.0  # an honest report: paper and barns agree
    assert left.y[0] == pytest.approx(left.y[1]) and "less than the centre" not in calc.summary.value
    calc.controls["plan_mt"].value = 35.0  # a heavier plan leaves less
    assert list(left.y) == pytest.approx([35.0, 35.0])
    assert charts.source_of(calc.figure) == "Source: test" and calc.figure.layout.title.text


def test_procurement_calculator_says_when_the_plan_cannot_be_met():
    calc = widgets.ProcurementCalculator({**CALC, "plan_mt": 60.0}, source="Source: test")
    taken, left = calc.figure.data
    assert "cannot be met" in calc.summary.value and "5.0 Mt" in calc.summary.value
    assert taken.y[1] == pytest.approx(55.0) and left.y[1] == 0


def test_procurement_calculator_needs_the_learners_own_assumptions():
    """No sourced default exists for population, seed and fodder or a norm: nothing per person until all three
    are typed; bad typing gets a clear message; the result is labelled as resting on the learner's figures."""
    calc = widgets.ProcurementCalculator(CALC, source="Source: test")
    assert all(box.value == "" for box in calc.assumptions.values())
    assert "Fill in rural population (millions), seed and fodder kept back (Mt), norm" in calc.per_person.value
    calc.assumptions["rural_population_m"].value = "lots"
    assert "is not a number" in calc.per_person.value and "lots" in calc.per_person.value
    calc.assumptions["rural_population_m"].value = "100"
    calc.assumptions["seed_fodder_mt"].value = "14"
    assert "Fill in norm" in calc.per_person.value
    calc.assumptions["norm_kg"].value = "250"
    # barns: (55 - 21 - 14) / 100 = 0.2 t = 200 kg, 80% of 250; paper: (70 - 35) / 100 = 350 kg
    assert "200 kg" in calc.per_person.value and "80%" in calc.per_person.value and "350 kg" in calc.per_person.value
    assert "your assumptions" in calc.per_person.value and "5.0 Mt short" in calc.per_person.value
    calc.assumptions["seed_fodder_mt"].value = "40"  # 21 + 40 > 55
    assert "exceed the harvest in the barns by <b>6.0 Mt</b>" in calc.per_person.value
    calc.assumptions["norm_kg"].value = "-5"
    assert "greater than 0" in calc.per_person.value


def test_decision_timeline_filters_by_actor():
    import pandas as pd

    rows = pd.DataFrame({
        "date": pd.to_datetime(["1932-08-07", "1932-12-14", "1933-01-22"]),
        "title": ["first", "second", "third"],
        "actors": ["Stalin; Politburo", "Politburo; Republic leadership", "Stalin; OGPU"],
        "initiated_by": ["a", "b", "c"], "signed_by": ["x", "y", "z"], "carried_out_by": ["p", "q", "r"],
        "summary": ["s1", "s2", "s3"], "citation": ["c1", "c2", "c3"],
    })
    timeline = widgets.DecisionTimeline(rows, source="Source: test")
    chosen, others = timeline.figure.data
    assert len(chosen.x) == 3 and len(others.x) == 0
    timeline.controls["actor"].value = "Stalin"
    assert list(chosen.x) == ["1932-08-07", "1933-01-22"] and list(others.x) == ["1932-12-14"]
    assert "<b>2</b> of 3 decisions" in timeline.listing.value and "third" in timeline.listing.value
    assert "second" not in timeline.listing.value
    timeline.controls["actor"].value = "Republic leadership"
    assert list(chosen.x) == ["1932-12-14"]
    assert timeline.actors == ["OGPU", "Politburo", "Republic leadership", "Stalin"]
