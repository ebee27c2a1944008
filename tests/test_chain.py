"""The chain-of-command model's properties (lesson 01)."""

import math

import pytest

from manyhands import chain


def test_no_bias_no_noise_the_centre_hears_the_truth():
    r = chain.simulate(true_value=80, levels=7, bias=0, noise=0, penalty=0)
    assert r.perceived == pytest.approx(80)
    assert r.gap == pytest.approx(0)
    assert list(r.table["reported_up"]) == pytest.approx([80] * 8)


def test_more_levels_with_positive_bias_widen_the_gap():
    gaps = [chain.simulate(levels=n, bias=0.04).gap for n in range(1, 12)]
    assert all(b > a for a, b in zip(gaps, gaps[1:]))
    assert gaps[0] == pytest.approx(0.04)
    assert gaps[2] == pytest.approx(1.04 ** 3 - 1)  # compounding, computed by hand


def test_fear_of_bad_news_inflates_only_below_plan():
    at_plan = chain.simulate(true_value=100, plan=100, levels=3, bias=0, penalty=2.0)
    assert at_plan.gap == pytest.approx(0)
    below = chain.simulate(true_value=80, plan=100, levels=1, bias=0, penalty=2.0)
    assert below.perceived == pytest.approx(80 * (1 + 2.0 * 0.2))  # shortfall 20 % of plan


def test_demand_is_share_of_what_the_centre_hears_amplified_on_the_way_down():
    r = chain.simulate(true_value=100, levels=3, bias=0.1, share=0.3, amplification=0.05)
    perceived = 100 * 1.1 ** 3
    assert r.perceived == pytest.approx(perceived)
    assert r.table["demanded_down"].iloc[-1] == pytest.approx(0.3 * perceived)
    assert r.demand_on_producers == pytest.approx(0.3 * perceived * 1.05 ** 3)
    assert r.demand_share == pytest.approx(r.demand_on_producers / 100)
    flat = chain.simulate(levels=3, amplification=0)
    assert flat.demand_on_producers == pytest.approx(0.3 * flat.perceived)


def test_a_fixed_seed_gives_the_same_result_and_another_seed_differs():
    a = chain.simulate(levels=5, noise=0.1, seed=7)
    b = chain.simulate(levels=5, noise=0.1, seed=7)
    c = chain.simulate(levels=5, noise=0.1, seed=8)
    assert a.table.equals(b.table)
    assert not math.isclose(a.perceived, c.perceived)


def test_table_shape_and_names():
    r = chain.simulate(levels=1)
    assert list(r.table["office"]) == ["producers", "centre"]
    assert len(chain.simulate(levels=chain.MAX_LEVELS).table) == chain.MAX_LEVELS + 1


@pytest.mark.parametrize("kwargs,match", [
    ({"levels": 0}, "between 1 and"),
    ({"levels": 21}, "between 1 and"),
    ({"levels": 2.5}, "whole number of offices"),
    ({"levels": True}, "whole number of offices"),
    ({"true_value": 0}, "greater than 0"),
    ({"true_value": float("nan")}, "must be a number"),
    ({"bias": -1}, "greater than -1"),
    ({"noise": -0.1}, "at least 0"),
    ({"share": 0}, "greater than 0"),
    ({"share": 1.5}, "at most 1"),
    ({"plan": -5}, "greater than 0"),
    ({"seed": -1}, "seed"),
    ({"bias": "high"}, "must be a number"),
])
def test_bad_parameters_give_clear_errors(kwargs, match):
    with pytest.raises(chain.ChainError, match=match):
        chain.simulate(**kwargs)
