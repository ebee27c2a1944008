"""Widgets, in Python: move each control and check that the figure changed accordingly."""

import datetime as dt
import html
import json
from pathlib import Path

import pytest

from manyhands import chain, charts, claims, data, records, stance, widgets
from manyhands.views import describe
from manyhands.views.a11y import A11y


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
    sorter.anyway_button.click()  # not every sentence is tagged: the learner asks for the key explicitly
    assert "1 agree" in sorter.result.value and "1 differ" in sorter.result.value
    rationale = sentences.set_index("sentence_id").loc["A09", "rationale"]
    assert rationale.split("'")[0][:40] in sorter.result.value
    a09 = sentences.set_index("sentence_id").loc["A09", "text"]
    assert html.escape(a09) in sorter.result.value  # the key shows each sentence's text, not only its id


def test_claim_sorter_key_waits_until_every_sentence_is_tagged(sentences):
    sorter = widgets.ClaimSorter(sentences, source="Source: test")
    assert sorter.compare_button.disabled and sorter.anyway_button.layout.display != "none"
    assert f"{len(sentences)} of {len(sentences)} sentences still to tag" in sorter.progress.value
    sorter.compare_button.click()  # even if clicked (e.g. from code), the key stays closed
    assert "<table" not in sorter.result.value and "Tag the" in sorter.result.value
    for sid, kind in zip(sentences["sentence_id"], sentences["key_type"]):
        sorter.controls[str(sid)].value = kind
    assert not sorter.compare_button.disabled and sorter.anyway_button.layout.display == "none"
    sorter.compare_button.click()
    assert f"{len(sentences)} agree" in sorter.result.value and "<table" in sorter.result.value


def test_claim_sorter_puts_each_id_with_its_quote(sentences):
    sorter = widgets.ClaimSorter(sentences, source="Source: test")
    items = [c for c in sorter.view.children if "mh-claim-item" in getattr(c, "_dom_classes", ())]
    assert len(items) == len(sentences)
    for item, row in zip(items, sentences.itertuples()):
        quote, toggle = item.children
        assert quote.value.startswith(f"<div class='mh-claim-quote'><b>{row.sentence_id}</b>")
        assert toggle is sorter.controls[row.sentence_id] and f"mh-claim-{row.sentence_id}" in toggle._dom_classes
        assert item.layout.margin.endswith("18px 0")  # space before the next quote


def test_claim_sorter_chart_is_labelled(sentences):
    sorter = widgets.ClaimSorter(sentences, source="Source: test")
    fig = sorter.figure
    assert fig.layout.title.text and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert charts.source_of(fig) == "Source: test"
    assert fig.data[0].marker.pattern.shape != fig.data[1].marker.pattern.shape  # not by colour alone


def test_stance_slider_moves_the_marker_and_saves(tmp_path):
    path = tmp_path / "stance.json"
    view = widgets.StanceScale("00", path=path)
    # nothing reads as the learner's view before they choose: no marker, Save disabled
    assert view.figure.data[1].x == () and view.chosen is False
    assert view.save_button.disabled and view.save_button.description == "Choose a position first"
    assert view.save() == {} and not path.exists()
    assert "No position chosen yet" in view.description.value
    view.controls["position"].value = 2
    assert not view.save_button.disabled and view.save_button.description == "Save my position"
    assert view.figure.data[1].x == (2,)
    assert view.figure.data[1].text == (stance.describe(2),)
    view.save_button.click()
    assert "Saved: 2" in view.status.value
    assert stance.load_history(path)[0][-1]["value"] == 2
    again = widgets.StanceScale("00", path=path)  # reopening starts from the saved position, marked
    assert again.controls["position"].value == 2 and again.figure.data[1].x == (2,) and not again.save_button.disabled
    assert again.figure.data[0].x == (2,)


def test_stance_widget_survives_a_corrupt_file(tmp_path):
    path = tmp_path / "stance.json"
    path.write_text("{{{", encoding="utf-8")
    view = widgets.StanceScale("00", path=path)
    assert "could not be read" in view.status.value
    assert view.controls["position"].value == 5 and view.figure.data[1].x == ()


def test_stance_widget_reports_a_failed_save(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    view = widgets.StanceScale("00", path=blocker / "stance.json")  # parent is a file: cannot save
    view.controls["position"].value = 4
    view.save_button.click()
    assert "Could not save" in view.status.value


def _upload(panel, content: bytes, name="manyhands_records.json"):
    """What the browser sends when a learner picks a file in the upload control."""
    panel.controls["upload"].value = ({"name": name, "type": "application/json", "size": len(content),
                                       "content": memoryview(content),
                                       "last_modified": dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)},)


def test_records_panel_shows_the_file_and_restores_an_upload(tmp_path):
    path = tmp_path / "manyhands_records.json"
    panel = widgets.RecordsPanel(path=path)
    scale = widgets.StanceScale("00", path=path)
    assert "manyhands_records.json" in panel.where.value and "Binder" in panel.where.value
    assert "Nothing is saved yet" in panel.description.value and not panel.download.available
    assert "Nothing to download yet" in panel.download.none_text
    upload = panel.controls["upload"]
    assert upload.accept == ".json" and not upload.multiple
    # a downloaded copy from another session: one position for lesson 00 and lesson 04's grid
    copy = {"format": "manyhands-records", "version": 1, "saved_at": "2026-11-01T10:00:00+00:00",
            "records": {"stance": [{"lesson": "00", "value": 3, "saved_at": "2026-11-01T10:00:00+00:00"}],
                        "04.grid": {"rows": []}}}
    _upload(panel, json.dumps(copy).encode())
    assert "Restored" in panel.message.value and "1 saved position added" in panel.message.value
    assert upload.value == ()  # ready for the next upload
    assert records.get_from(path, "04.grid") == {"rows": []}
    assert "1 saved position (lesson 00)" in panel.description.value
    # the link downloads the file as it is when it is clicked
    reply, buffers = panel.download.reply()
    assert reply["name"] == "manyhands_records.json" and panel.download.label == "Download my records"
    assert json.loads(buffers[0])["records"]["04.grid"] == {"rows": []} and panel.download.available
    # the stance scale above shows the restored position without re-running its cell
    assert scale.figure.data[0].x == (3,) and scale.chosen and scale.controls["position"].value == 3
    # saving a new position refreshes the link
    scale.controls["position"].value = 7
    scale.save()
    assert [r["value"] for r in json.loads(panel.download.reply()[1][0])["records"]["stance"]] == [3, 7]
    assert scale.figure.data[0].x == (3,)  # the marker for "now" shows 7; "saved earlier" is unchanged by a save


@pytest.mark.parametrize("content, words", [(b"{broken", "not JSON"), (b"x" * 1_000_001, "too big"),
                                            (b'{"format": "manyhands-records", "version": 1, "records": {"stance": 5}}', "stance")])
def test_records_panel_refuses_a_bad_upload_and_keeps_the_file(tmp_path, content, words):
    path = tmp_path / "manyhands_records.json"
    stance.save_stance("00", 4, path)
    before = path.read_bytes()
    panel = widgets.RecordsPanel(path=path)
    _upload(panel, content, name="oops.json")
    assert words in panel.message.value and "Nothing was changed" in panel.message.value
    assert path.read_bytes() == before and "1 saved position" in panel.description.value


def test_records_panel_in_a_course_folder_says_where_the_file_is(tmp_path, monkeypatch):
    monkeypatch.delenv("MANYHANDS_HOME")
    (tmp_path / "lessons").mkdir()
    monkeypatch.chdir(tmp_path / "lessons")
    panel = widgets.RecordsPanel()
    assert panel.path == tmp_path / "manyhands_records.json"
    assert "at the top of the course folder" in panel.where.value and "file browser" in panel.where.value


def test_records_panel_shows_a_corrupt_file_was_set_aside(tmp_path):
    path = tmp_path / "manyhands_records.json"
    path.write_text("{{{")
    panel = widgets.RecordsPanel(path=path)
    assert "set aside" in panel.message.value and (tmp_path / "manyhands_records.json.corrupt").exists()


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
    # the refused run clears the chart instead of leaving the previous run on screen
    assert all(len(t.x) == 0 and len(t.y) == 0 for t in view.figure.data) and view.result is None
    notice = [a for a in view.figure.layout.annotations if a.name == "notice"][0]
    assert notice.visible and "No run" in notice.text and "could not run" in view.description.value
    view.controls["seed"].value = 0  # a good seed draws again
    assert view.figure.data[1].y == before and not notice.visible


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
    # L02-1 (novice review): "25,000,000" in a box that counts millions, then 25000000 as told, gave "0 kg" each
    calc.assumptions["rural_population_m"].value = "25,000,000"
    assert "counts millions: type 25 for 25 million" in calc.per_person.value
    calc.assumptions["rural_population_m"].value = "25000000"
    assert "more people than live on earth" in calc.per_person.value and " kg" not in calc.per_person.value
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


# ---- text alternatives and the accessibility layer

def test_every_view_has_the_accessibility_layer_and_a_description(sentences, tmp_path):
    membership, events = data.load("party_membership"), data.load("membership_events")
    views = [widgets.ClaimSorter(sentences, source="Source: test"), widgets.StanceScale("00", path=tmp_path / "s.json"),
             widgets.DebateMap(data.load("historiography"), source="Source: test"), widgets.ChainOfCommand(),
             widgets.MembershipChart(membership, events, source="Source: test"),
             widgets.ProcurementCalculator(CALC, source="Source: test")]
    for v in views:
        assert "mh-view" in v.view._dom_classes and isinstance(v.view.children[-1], A11y), type(v).__name__
        assert "In words:" in v.description.value, type(v).__name__
    panel = widgets.RecordsPanel(path=tmp_path / "r.json")  # no chart, so no "in words"; the same layer
    assert "mh-view" in panel.view._dom_classes and isinstance(panel.view.children[-1], A11y)
    assert panel.controls["upload"].description == "Upload my records"  # the button's accessible name
    fig = widgets.apparatus_chart(data.load("apparatus_1930"), source="Source: test")
    bundle = fig._repr_mimebundle_()
    assert fig._mh_view.children[:2] == (fig.widget, fig.description) and "Central Committee: 71" in fig.description.value
    assert "application/vnd.jupyter.widget-view+json" in bundle
    box = widgets.described(fig, "Some words.")
    assert "mh-view" in box._dom_classes and "Some words." in box.children[1].value


def test_claim_tally_description(sentences):
    table = claims.count_tags({"A02": "normative", "A03": "normative", "B01": "empirical"}, sentences)
    text = describe.claim_tally(table)
    n_a, n_b = (sentences["comment"] == "A").sum(), (sentences["comment"] == "B").sum()
    assert f"Comment A: 2 of {n_a} sentences tagged (2 normative)" in text
    assert f"Comment B: 1 of {n_b} sentences tagged (1 empirical)" in text


def test_stance_description():
    assert describe.stance_position(None, None, []) == "No position chosen yet. Nothing saved earlier."
    text = describe.stance_position(7, stance.describe(7), [{"value": 2, "lesson": "00", "saved_at": ""}])
    assert text.startswith("Your position now: 7") and "Saved earlier: 2 in lesson 00" in text


def test_debate_map_description_follows_the_choice():
    works = data.load("historiography")
    text = describe.debate_map(works, None, data.cite)
    assert f"{len(works)} works" in text and "Highlighted" not in text
    famine = describe.debate_map(works, "The famine of 1932–33", data.cite)
    assert "Highlighted, The famine of 1932–33: Conquest 1986" in famine
    view = widgets.DebateMap(works, source="Source: test")
    view.controls["debate"].value = "The famine of 1932–33"
    assert "Conquest 1986" in view.description.value


def test_membership_description_names_the_peak_and_the_low():
    membership = data.load("party_membership")
    text = describe.membership(membership)
    assert "Full members went from 733 thousand in 1921 to 1,589 thousand in 1939" in text
    assert "low of 386 thousand in 1923" in text and "peak of 1,872 thousand in 1934" in text
    assert "In 1924 only a total" in text
    only = describe.membership(membership, "candidates")
    assert only.startswith("Candidates went from 445 thousand in 1925") and "Full members" not in only


def test_apparatus_description():
    text = describe.apparatus(data.load("apparatus_1930"))
    assert "Central Committee: 71 full members and 67 candidates" in text
    assert "The Central Committee is the largest body, the Secretariat the smallest." in text


def test_chain_description_follows_the_model():
    result = chain.simulate(levels=4, bias=0.05)
    text = describe.chain(result)
    assert "over 4 offices" in text and f"{result.perceived:.1f}" in text and "+22%" in text
    assert "could not run" in describe.chain(None)
    view = widgets.ChainOfCommand()
    view.controls["levels"].value = 8
    assert "over 8 offices" in view.description.value


def test_procurement_description():
    calc = widgets.ProcurementCalculator(CALC, source="Source: test")
    assert "of the harvest in the barns, the plan takes 21 Mt and leaves 34 Mt" in calc.description.value
    assert describe.procurement(["a"], [1.25], [2.0]) == "Stacked bars: of the a, the plan takes 1.2 Mt and leaves 2 Mt."


def test_timeline_description():
    decisions = data.load("famine_decisions")
    text = describe.timeline(decisions, len(decisions), "everyone")
    assert text.startswith(f"Time line: {len(decisions)} of {len(decisions)} decisions, from ")
    assert "none with X" in describe.timeline(decisions.iloc[0:0], len(decisions), "X")


def test_harvest_and_exports_descriptions():
    text = describe.harvest(data.load("grain_harvest"))
    assert "peaks at 89.8 Mt in 1933" in text and "21.8 Mt lower in 1934" in text and "agrees with it until 1932" in text
    assert "lowest in 1931 and 1932 (56 Mt)" in text
    exports = describe.exports(data.load("grain_exports"), cite=data.cite)
    assert "1930: the sources differ (Ammende 1936: 4.8 Mt and Dronin and Bellinger 2005: 5.8 Mt)" in exports
    assert "1931: the sources agree on 5.2 Mt" in exports


def test_a_table_shows_every_cell_whole_without_a_blank_index_column():
    from manyhands import data, widgets

    works = data.load("historiography")
    html = widgets.table(works, caption="Key works").to_html()
    assert "Key works" in html and "<caption" in html
    longest = max(works["summary"], key=len)
    import html as _html

    assert longest.split(".")[0][:40] in _html.unescape(html)  # the cell whole, however its quotes are escaped
    assert 'class="blank' not in html and "index_name" not in html  # no empty top-left header cell
    harvest = widgets.table(data.load("grain_harvest"), precision=1).to_html()
    assert ">1932<" in harvest and "1,932" not in harvest  # years are labels, not quantities
    with pytest.raises(TypeError):
        widgets.table([1, 2, 3])


@pytest.mark.parametrize("lesson, says, never", [
    ("00", "your position, above", "grid"),
    ("04", "your ratings in the grid, above", "your position"),
    ("05", "your position, above", "grid"),
    (None, "lesson 04's grid", "above"),
])
def test_records_panel_says_per_lesson_what_saves_to_the_file(tmp_path, lesson, says, never):
    """Issue 24, item 19: lesson 04 has a grid, not a position, above its panel."""
    panel = widgets.RecordsPanel(path=tmp_path / "r.json", **({} if lesson is None else {"lesson": lesson}))
    text = panel.download.none_text
    assert text.startswith("Nothing to download yet") and says in text and never not in text, text


def test_records_panel_upload_button_reads_upload_my_records_without_a_count(tmp_path):
    """Issue 24, item 19: ipywidgets' FileUpload draws "description (n)", so the button read "Upload my records
    (0)"; the course's button shows its description alone, and a file picked in the browser reaches the panel."""
    import ipywidgets

    panel = widgets.RecordsPanel(path=tmp_path / "r.json")
    upload = panel.controls["upload"]
    assert not isinstance(upload, ipywidgets.FileUpload)
    assert upload.description == "Upload my records" and upload.accept == ".json" and not upload.multiple
    assert "model.get('value')" not in upload._esm and "text.textContent = model.get('description')" in upload._esm
    copy = {"format": "manyhands-records", "version": 1, "saved_at": "2026-11-01T10:00:00+00:00",
            "records": {"stance": [{"lesson": "00", "value": 3, "saved_at": "2026-11-01T10:00:00+00:00"}]}}
    content = json.dumps(copy).encode()
    # what the browser sends when the learner picks a file: its details, and its bytes as a buffer
    upload._on_msg(upload, {"event": "upload", "files": [{"name": "manyhands_records.json", "type": "application/json",
                                                         "size": len(content), "last_modified": 1762000000000}]},
                   [memoryview(content)])
    assert "Restored" in panel.message.value and "1 saved position (lesson 00)" in panel.description.value
    assert upload.value == ()


def test_each_lessons_records_panel_names_its_lesson():
    import nbformat

    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "lessons").glob("0*.ipynb")):
        cells = [c.source for c in nbformat.read(path, 4).cells if "RecordsPanel(" in c.source]
        for source in cells:
            assert f'RecordsPanel(lesson="{path.name[:2]}")' in source, path.name


# ---- markers that must not cover each other, labels at their place, the toolbar's band (issue 24, items 14-15)

def test_stagger_separates_markers_close_in_one_row_only():
    assert charts.stagger([2004, 2005, 2007, 2008], min_gap=2.5, step=0.2) == [0.0, 0.2, 0.0, 0.2]
    assert charts.stagger([1999, 1999, 1999], min_gap=1, step=0.2) == [0.0, 0.2, -0.2]
    assert charts.stagger([1, 1], rows=["a", "b"]) == [0.0, 0.0]  # different rows never meet
    assert charts.stagger([5, 1, 1.1], min_gap=1, step=0.3) == [0.0, 0.0, 0.3]  # the order given is kept
    assert charts.stagger([], rows=[]) == []
    with pytest.raises(ValueError):
        charts.stagger([1, 2], rows=["a"])


def test_debate_map_markers_do_not_cover_each_other():
    works = data.load("historiography")
    view = widgets.DebateMap(works, source="Source: test")
    points = [(x, y, d) for t in view.figure.data for x, y, d in zip(t.x, t.y, t.customdata)]
    years = [p[0] for p in points]
    # pixels at the planned width (plot area about PLANNED_WIDTH_PX - 200) and the plot's height per row
    per_year = (charts.PLANNED_WIDTH_PX - 260) / (max(years) - min(years))
    rows = len(set(works["debate"]))
    per_row = (view.figure.layout.height - view.figure.layout.margin.t - view.figure.layout.margin.b) / rows
    size = view.MARKER_PX
    for i, (xa, ya, da) in enumerate(points):
        for xb, yb, db in points[i + 1:]:
            assert abs(xa - xb) * per_year >= size or abs(ya - yb) * per_row >= size * 0.9, (da, xa, db, xb)
    # every marker stays in its debate's row, whose label is on the axis
    axis = view.figure.layout.yaxis
    labels = {t.replace("<br>", " "): v for t, v in zip(axis.ticktext, axis.tickvals)}
    assert all(abs(y - labels[d]) < 0.5 for _x, y, d in points)
    famine = sorted((x, y) for x, y, d in points if d == "The famine of 1932–33" and 2004 <= x <= 2008)
    assert len(famine) == 4 and len({y for _x, y in famine}) > 1


def test_stance_label_stands_above_its_marker_at_the_pole(tmp_path):
    view = widgets.StanceScale("00", path=tmp_path / "stance.json")
    label = next(a for a in view.figure.layout.annotations if a.name == "now label")
    assert not view.chosen and label.visible is False
    for value, anchor in ((10, "right"), (0, "left"), (5, "center")):
        view.controls["position"].value = value
        label = next(a for a in view.figure.layout.annotations if a.name == "now label")
        assert label.visible and label.text == stance.describe(value)
        assert label.x == value and label.xanchor == anchor and label.showarrow and label.ay < -20  # above, joined
    assert view.figure.data[1].mode == "markers"  # no second copy of the words beside the marker


def test_titles_start_under_the_toolbar_band():
    fig = charts.figure_widget(title="A title", x_title="x (units)", y_title="y (units)", source="Source: test")
    template = fig.layout.template.layout.title
    assert template.pad.t >= charts.TOOLBAR_BAND_PX + 4 and template.y == 1 and template.yanchor == "top"
    assert fig.layout.margin.t >= template.pad.t + 18 * 1.2  # the title's line fits above the plot


def test_the_time_line_lists_several_signatories_in_a_sentence():
    """L02-6 (novice review): "signed by Kalinin; Molotov; Yenukidze; carried out by ..." ran the names into the
    sentence's own clauses."""
    from types import SimpleNamespace

    from manyhands.views.lesson02 import _who

    row = SimpleNamespace(initiated_by="Politburo", signed_by="Kalinin; Molotov; Yenukidze", carried_out_by="OGPU")
    assert _who(row) == ("Who initiated it: Politburo; who signed: Kalinin, Molotov and Yenukidze; "
                         "who carried it out: OGPU")


def test_fear_that_changes_nothing_says_why():
    """L01-3 (novice review): Fear moved from 0 to 1 with the default plan changed nothing and read as broken."""
    view = widgets.ChainOfCommand()
    view.controls["penalty"].value = 1.0
    assert "Fear changes nothing here" in view.summary.value
    view.controls["penalty"].value = 0.0
    assert "Fear changes nothing" not in view.summary.value
