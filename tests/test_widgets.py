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
