"""Lesson 03's views: each moves when its control moves, and says in words what it shows."""

from __future__ import annotations

from manyhands import charts, data, widgets


def test_repression_chart_follows_its_toggle_and_describes_the_peak():
    view = widgets.RepressionChart(data.load("repression_by_year"), source=data.source_line("repression_by_year"))
    assert [t.visible for t in view.figure.data] == [True, True]
    assert "1937" in view.description.value and "85%" in view.description.value
    view.series.value = "convicted"
    assert [t.visible for t in view.figure.data] == [True, False]
    assert "death sentences" not in view.description.value
    view.series.value = "death sentences"
    assert [t.visible for t in view.figure.data] == [False, True]
    assert charts.source_of(view.figure).startswith("Source: Lewin 2005")


def test_quota_model_moves_with_its_sliders_and_explains_a_refusal():
    view = widgets.QuotaModel(reference=5.1, reference_label="historical")
    start = view.figure.data[0].y[-1]
    view.controls["fear"].value = 1.5
    assert view.figure.data[0].y[-1] > start
    view.controls["approval"].value = 0.0
    assert view.figure.data[0].y[-1] == 1.0 and "1.00" in view.summary.value
    assert list(view.figure.data[1].y) == [5.1, 5.1]
    view.controls["rounds"].value = 3
    assert len(view.figure.data[0].x) == 4
    bad = widgets.QuotaModel(first_limits=[])
    assert bad.run is None and "Cannot run the model" in bad.summary.value


def test_lists_chart_shows_each_range_and_says_it_in_words():
    lists = data.load("stalin_lists")
    fig = widgets.lists_chart(lists, source=data.source_line("stalin_lists"))
    bar = fig.data[0]
    assert list(bar.y)[-1] == "Molotov" and list(bar.x)[-1] == 372 and list(bar.error_x.array)[-1] == 1
    assert "Stalin 357 to 362" in fig.description.value and "Molotov 372 to 373" in fig.description.value


def test_the_quota_model_stops_where_it_stops_meaning_anything():
    view = widgets.QuotaModel.with_order_00447()
    view.controls["zeal"].value, view.controls["fear"].value = 0.5, 2.0
    view.controls["rounds"].value = view.controls["rounds"].max
    assert max(view.figure.data[0].y) <= 100 and list(view.figure.layout.yaxis.range) == [0, 105]
    assert "past anything the documents show" in view.description.value
    assert "more than a thousand" in view.summary.value and "e+" not in view.summary.value
    view.controls["zeal"].value, view.controls["fear"].value = 0.05, 0.0
    assert view.figure.layout.yaxis.autorange and "past anything" not in view.description.value


def test_the_repression_chart_title_names_what_is_shown():
    from manyhands import data

    chart = widgets.RepressionChart(data.load("repression_by_year"), source="Source: test")
    chart.series.value = "death sentences"
    assert "Death sentences" in chart.figure.layout.title.text and "Convictions" not in chart.figure.layout.title.text
    assert "<b>In words:</b> Death sentences peak" in chart.description.value
