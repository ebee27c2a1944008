"""Lesson 04's views: the radicalisation model's sliders move its chart; the comparison grid shows evidence, keeps
ratings, restores and saves them, and says them in words."""

from __future__ import annotations

import pandas as pd

from manyhands import widgets


def _grid() -> pd.DataFrame:
    rows = []
    for dim, name in (("orders", "Written orders signed by the leader"), ("targets", "Numbers set by the centre")):
        for regime in ("USSR", "Nazi Germany"):
            rows.append(dict(dimension_id=dim, dimension=name, question=f"Q about {name}?", regime=regime,
                             evidence=f"{regime} evidence on {dim} <b>", citation="Someone 1999, 12"))
    return pd.DataFrame(rows)


def test_the_model_answers_each_slider():
    view = widgets.RadicalisationModel()
    lead = max(view.figure.data[0].y[-1], *(t.y[-1] for t in view.figure.data[:4]))
    view.controls["explicitness"].value = 0.0
    assert max(t.y[-1] for t in view.figure.data[:4]) > lead
    view.controls["explicitness"].value = 1.0
    assert max(t.y[-1] for t in view.figure.data[:4]) <= 1.0 + 1e-9
    assert "No agency went beyond" in view.summary.value and "In words" in view.description.value
    view.controls["explicitness"].value = 0.0
    view.controls["zeal"].value = 0.3
    assert "went beyond <b>twice</b>" in view.summary.value
    view.controls["rounds"].value = 3
    assert len(view.figure.data[0].x) == 4 and list(view.figure.data[-1].y) == [1.0, 1.0]


def test_the_grid_shows_evidence_escaped_and_keeps_ratings_per_dimension():
    saved = []
    grid = widgets.ComparisonGrid(_grid(), save=saved.append)
    assert "USSR evidence on orders &lt;b&gt;" in grid.evidence.value and "Nazi Germany" in grid.evidence.value
    assert "0 of 4 given" in grid.description.value
    grid.rating["USSR"].value = 3
    grid.note.value = "Stalin signed the lists"
    assert grid.value()["ratings"]["orders"] == {"USSR": 3, "Nazi Germany": None, "note": "Stalin signed the lists"}
    assert list(grid.figure.data[0].x) == [3] and saved[-1] == grid.value()
    grid.dimension.value = "targets"
    assert grid.rating["USSR"].value is None and grid.note.value == "" and "targets" in grid.evidence.value
    grid.rating["Nazi Germany"].value = 1
    assert "1 of 4" not in grid.description.value and "2 of 4 given" in grid.description.value
    grid.dimension.value = "orders"
    assert grid.rating["USSR"].value == 3 and grid.note.value == "Stalin signed the lists"
    assert "Written orders signed by the leader: USSR strongly, Nazi Germany not yet rated" in grid.description.value


def test_the_grid_restores_what_it_can_and_says_so():
    good = {"version": 1, "ratings": {"orders": {"USSR": 2, "Nazi Germany": True, "note": "x"}, "elsewhere": {"USSR": 1}}}
    grid = widgets.ComparisonGrid(_grid(), saved=good)
    assert grid.rating["USSR"].value == 2 and grid.rating["Nazi Germany"].value is None
    assert "1 given" in grid.message.value and "1 entries" in grid.message.value
    for bad in ("nonsense", {"ratings": 5}, {}):
        fresh = widgets.ComparisonGrid(_grid(), saved=bad)
        assert "could not be read" in fresh.message.value and fresh.value()["ratings"]["orders"]["USSR"] is None


def test_a_failing_save_is_reported_not_raised():
    def broken(_value):
        raise OSError("read-only")
    grid = widgets.ComparisonGrid(_grid(), save=broken)
    grid.rating["USSR"].value = 1
    assert "could not be saved" in grid.message.value and grid.value()["ratings"]["orders"]["USSR"] == 1


def test_the_grid_follows_an_upload_into_the_records_file(tmp_path, monkeypatch):
    """A learner runs the lesson, rates, then uploads a records file from another session: the grid shows what the
    upload brought, and the next rating keeps it (nothing is silently overwritten)."""
    import json

    from manyhands import records

    monkeypatch.setenv("MANYHANDS_HOME", str(tmp_path))
    grid = widgets.ComparisonGrid(_grid(), record="04.grid")
    grid.rating["USSR"].value = 1
    upload = {"format": "manyhands-records", "version": 1, "records": {"04.grid": {"version": 1, "ratings": {
        "orders": {"USSR": 1, "Nazi Germany": None, "note": ""},
        "targets": {"USSR": 2, "Nazi Germany": 3, "note": "from the other session"}}}},
        "saved_at": "2099-01-01T00:00:00+00:00", "key_saved_at": {"04.grid": "2099-01-01T00:00:00+00:00"}}
    message = records.restore(json.dumps(upload).encode())
    assert "04" in message or "grid" in message
    assert grid.ratings["targets"] == {"USSR": 2, "Nazi Germany": 3, "note": "from the other session"}
    grid.dimension.value = "targets"
    assert grid.rating["Nazi Germany"].value == 3 and grid.note.value == "from the other session"
    grid.rating["USSR"].value = 3
    assert records.get("04.grid")["ratings"]["targets"] == {"USSR": 3, "Nazi Germany": 3, "note": "from the other session"}


def test_the_grid_makes_its_citations_from_the_source_ids():
    from manyhands import data

    grid = widgets.ComparisonGrid(data.load("comparison_grid"))
    grid.dimension.value = "knew"
    shown = grid.evidence.value
    assert "(Witte and Tyas 2001)" in shown and "(Konfliktuskutató Központ n.d.)" in shown  # a work and an edition
    # a row that says what the course has not found is shown as such
    rows = data.load("comparison_grid")
    caveat = rows.iloc[[0]].assign(evidence="The course has not found it.", source_id=None)
    grid = widgets.ComparisonGrid(pd.concat([rows, caveat], ignore_index=True))
    grid.dimension.value = rows.iloc[0]["dimension_id"]
    assert "(no source)" in grid.evidence.value


# ---- the documents' time line (issue 24, item 14) -------------------------------------------------

def _nazi_timeline():
    from manyhands import data

    nazi = data.load("nazi_documents")
    nazi = nazi.assign(citation=[data.cite(s) for s in nazi["source_id"]])
    return widgets.DecisionTimeline(nazi, source=data.source_line("nazi_documents"),
                                    subject="Documents of command in Nazi Germany", noun="documents")


def _marker_px(fig, x_days: float, y: float, span_days: float, rows: int) -> tuple[float, float]:
    """A marker's position in pixels on the chart at its planned width (the y tick labels take ~220 px)."""
    from manyhands import charts

    width = charts.PLANNED_WIDTH_PX - 220
    height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    return x_days / span_days * width, y / rows * height


def test_the_time_line_rows_say_what_the_signatures_show():
    timeline = _nazi_timeline()
    axis = timeline.figure.layout.yaxis
    assert axis.visible is not False and axis.title.text == "What the copy read shows"
    labels = [t.replace("<br>", " ") for t in axis.ticktext]
    assert labels == ["signed by name", "no signature (a record)", "signatures not checked"]
    chosen = timeline.figure.data[0]
    rows = dict(zip(chosen.x, chosen.y))
    # each document sits in (or next to) the row of its signatures: Hitler's authorisation of 1 September 1939 is signed,
    # the Jäger report's signatures are not checked, Goebbels's diary carries none
    level = dict(zip(labels, axis.tickvals))
    assert abs(rows["1939-09-01"] - level["signed by name"]) < 0.3
    assert abs(rows["1941-12-01"] - level["signatures not checked"]) < 0.3
    assert abs(rows["1941-12-12"] - level["no signature (a record)"]) < 0.3
    assert "One row for what the copy read shows of the signatures: signed by name (4)" in timeline.description.value


def test_no_two_documents_of_the_time_line_cover_each_other():
    timeline = _nazi_timeline()
    chosen = timeline.figure.data[0]
    dates = pd.to_datetime(list(chosen.x))
    days = [(d - dates.min()).days for d in dates]
    span, rows = max(days), len(timeline.rows)
    points = [_marker_px(timeline.figure, d, y, span, rows) for d, y in zip(days, chosen.y)]
    size = timeline.MARKER_PX
    for i, (xa, ya) in enumerate(points):
        for j in range(i + 1, len(points)):
            xb, yb = points[j]
            assert abs(xa - xb) >= size or abs(ya - yb) >= size, (
                f"{chosen.x[i]} and {chosen.x[j]} cover each other ({abs(xa - xb):.0f} x {abs(ya - yb):.0f} px)")
    # December 1941: the Jäger report, the Night and Fog decree and Goebbels's notes each stand apart
    december = [p for x, p in zip(chosen.x, points) if x.startswith("1941-12")]
    assert len(december) == 3 and len({round(y) for _x, y in december}) == 3


def test_the_time_line_still_filters_by_actor_on_its_rows():
    timeline = _nazi_timeline()
    everyone = dict(zip(timeline.figure.data[0].x, timeline.figure.data[0].y))
    timeline.controls["actor"].value = "Hitler"
    chosen, others = timeline.figure.data
    assert len(chosen.x) == 4 and len(others.x) == 6
    assert all(everyone[x] == y for x, y in zip(chosen.x + others.x, chosen.y + others.y))  # no document moves


def test_the_time_line_source_line_is_short_and_says_where_the_works_are():
    from manyhands import charts, data

    timeline = _nazi_timeline()
    line = charts.source_of(timeline.figure)
    works = len(data.resource("nazi_documents")["sources"])
    assert line == f"Sources: the {works} works listed under Sources at the end of the lesson"
    assert "Hitler, 1 September 1939 to" not in line
