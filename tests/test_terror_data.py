"""Lesson 03 groundwork (issue 13): the terror's numbers as the cited tables give them, and the relations
the sources state. Every figure was read in the cited source; contested counts are ranges."""

from __future__ import annotations

from manyhands import data


def test_repression_by_year_adds_up_to_the_stated_totals():
    r = data.load("repression_by_year").set_index("year")
    assert list(r.index) == list(range(1921, 1954)) and r.loc[1953, "period"] == "first half"
    # Lewin 2005's TOTAL row: 4,060,306 convicted; the yearly convictions add up to it exactly
    assert int(r["convicted"].sum()) == 4_060_306
    # the printed total of death sentences is 799,455; the yearly figures as printed add up to 10 more,
    # in both reproductions (a discrepancy inside the sources, kept as printed)
    assert int(r["death_sentences"].sum()) == 799_455 + 10
    assert (int(r.loc[1937, "death_sentences"]), int(r.loc[1938, "death_sentences"])) == (353_074, 328_618)
    assert r["death_sentences"].idxmax() == 1937 and r["convicted"].idxmax() == 1937
    assert (r["death_sentences"] <= r["convicted"]).all()
    # the 1921-52 part equals the Russian table's total, 4,051,903 convicted
    assert int(r.loc[1921:1952, "convicted"].sum()) == 4_051_903


def test_order_00447_limits_add_up_to_what_gregory_states():
    limits = data.load("order_00447_limits").set_index("territory")
    assert int(limits["category1_limit"].sum()) == 75_950
    assert int(limits["category2_limit"].sum()) == 193_000
    assert limits.loc["RSFSR", "category1_limit"] == 47_450


def test_stalin_lists_are_ranges_with_a_source_for_each_end():
    lists = data.load("stalin_lists").set_index("signatory")
    refs = data.references()
    assert (lists["lists_low"] <= lists["lists_high"]).all()
    assert set(lists["source_low"]) | set(lists["source_high"]) <= set(refs)
    declared = {s["id"] for s in data.resource("stalin_lists")["sources"]}
    assert set(lists["source_low"]) | set(lists["source_high"]) <= declared
    # on every source read, Molotov signed more lists than Stalin
    assert lists.loc["Molotov", "lists_low"] > lists.loc["Stalin", "lists_high"]
    assert lists["lists_high"].max() == lists.loc["Molotov", "lists_high"] == 373
