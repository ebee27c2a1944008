"""The procurement calculator (manyhands.grain): exact on hand-computed cases, monotonic in the plan,
clear errors on impossible inputs."""

from __future__ import annotations

import math

import pytest

from manyhands.grain import GrainInputError, grain_left, parse_assumption, plan_take

BASE = dict(harvest_mt=60.0, procurement_mt=20.0, seed_fodder_mt=25.0, rural_population_m=100.0, norm_kg=200.0)


def test_hand_computed_case():
    b = grain_left(**BASE)
    # 60 - 20 - 25 = 15 Mt left; 15 Mt / 100 million people = 0.15 t = 150 kg each
    assert b.left_mt == pytest.approx(15.0)
    assert b.per_person_kg == pytest.approx(150.0)
    # the norm needs 200 kg x 100 million = 20 Mt: 5 Mt short
    assert b.deficit_mt == pytest.approx(5.0)
    assert b.share_of_norm == pytest.approx(0.75)
    assert b.feasible and b.shortfall_mt == 0


def test_enough_left_means_no_deficit():
    b = grain_left(**{**BASE, "procurement_mt": 10.0})
    assert b.per_person_kg == pytest.approx(250.0) and b.deficit_mt == 0


def test_a_plan_beyond_the_harvest_leaves_nothing_and_says_by_how_much():
    b = grain_left(**{**BASE, "procurement_mt": 40.0})
    assert b.left_mt == 0 and b.per_person_kg == 0
    assert b.shortfall_mt == pytest.approx(5.0) and not b.feasible
    assert b.deficit_mt == pytest.approx(20.0)


def test_monotonic_in_the_plan():
    plans = [0, 5, 10, 15, 20, 30, 35, 40, 60]
    left = [grain_left(**{**BASE, "procurement_mt": p}).per_person_kg for p in plans]
    deficits = [grain_left(**{**BASE, "procurement_mt": p}).deficit_mt for p in plans]
    assert left == sorted(left, reverse=True)
    assert deficits == sorted(deficits)


def test_monotonic_in_the_harvest():
    harvests = [40, 50, 55, 60, 70, 90]
    left = [grain_left(**{**BASE, "harvest_mt": h}).per_person_kg for h in harvests]
    assert left == sorted(left)


def test_a_plan_fitted_to_an_inflated_report_leaves_less_than_the_centre_expects():
    common = dict(procurement_mt=0.3 * 70.0, seed_fodder_mt=25.0, rural_population_m=100.0, norm_kg=200.0)
    expected, actual = grain_left(harvest_mt=70.0, **common), grain_left(harvest_mt=55.0, **common)
    assert expected.per_person_kg == pytest.approx(240.0)  # (70 - 21 - 25) / 100 * 1000
    assert actual.per_person_kg == pytest.approx(90.0)  # (55 - 21 - 25) / 100 * 1000
    assert expected.deficit_mt == 0 and actual.deficit_mt == pytest.approx(11.0)


@pytest.mark.parametrize("field,value,message", [
    ("harvest_mt", -1, "0 or more"),
    ("procurement_mt", "20", "must be a number"),
    ("seed_fodder_mt", None, "must be a number"),
    ("rural_population_m", 0, "greater than 0"),
    ("norm_kg", 0, "greater than 0"),
    ("harvest_mt", math.nan, "finite"),
    ("harvest_mt", True, "must be a number"),
])
def test_impossible_inputs_get_a_clear_message(field, value, message):
    with pytest.raises(GrainInputError, match=message):
        grain_left(**{**BASE, field: value})


# ---- plan_take and parse_assumption (the calculator's sourced part and the learner's own figures)


def test_plan_take_is_exact_and_says_when_a_plan_exceeds_the_harvest():
    t = plan_take(harvest_mt=69.5, plan_mt=22.7)
    assert (t.left_mt, t.shortfall_mt) == pytest.approx((46.8, 0.0)) and t.share == pytest.approx(22.7 / 69.5)
    t = plan_take(harvest_mt=20.0, plan_mt=22.7)
    assert (t.left_mt, t.shortfall_mt) == pytest.approx((0.0, 2.7)) and t.share > 1
    lefts = [plan_take(harvest_mt=56.0, plan_mt=p).left_mt for p in range(0, 60, 5)]
    assert lefts == sorted(lefts, reverse=True)


@pytest.mark.parametrize("bad", [dict(harvest_mt=0, plan_mt=1), dict(harvest_mt="70", plan_mt=1),
                                 dict(harvest_mt=70, plan_mt=-1), dict(harvest_mt=float("nan"), plan_mt=1)])
def test_plan_take_refuses_impossible_inputs(bad):
    with pytest.raises(GrainInputError):
        plan_take(**bad)


@pytest.mark.parametrize("text, expected", [("", None), ("   ", None), (None, None), ("100", 100.0),
                                            (" 12,5 ", 12.5), ("1 000", 1000.0), ("0", 0.0)])
def test_parse_assumption_reads_what_learners_type(text, expected):
    assert parse_assumption("x", text, zero_ok=True) == expected


@pytest.mark.parametrize("text, words", [("lots", "is not a number"), ("-3", "0 or more"), ("inf", "0 or more"),
                                         ("1e", "is not a number")])
def test_parse_assumption_explains_what_is_wrong(text, words):
    with pytest.raises(GrainInputError, match=words):
        parse_assumption("Norm", text, zero_ok=True)
    with pytest.raises(GrainInputError, match="greater than 0"):
        parse_assumption("Norm", "0")
    with pytest.raises(GrainInputError, match="expected text"):
        parse_assumption("Norm", 5)
