"""The quota-escalation thought experiment of lesson 03 (manyhands.terror): properties, edges, bad input."""

from __future__ import annotations

import pytest

from manyhands import terror


def test_no_incentive_no_escalation():
    run = terror.simulate(zeal=0, fear=0, rounds=10)
    assert run.growth == 1.0 and (run.requested.to_numpy() == 0).all()


def test_fear_alone_changes_nothing_until_someone_asks_first():
    assert terror.simulate(zeal=0, fear=1.5, rounds=10).growth == 1.0


def test_more_zeal_and_more_fear_mean_more_escalation():
    base = terror.simulate(zeal=0.05, fear=0.0, rounds=8).growth
    assert terror.simulate(zeal=0.10, fear=0.0, rounds=8).growth > base > 1.0
    assert terror.simulate(zeal=0.05, fear=0.8, rounds=8).growth > base
    # growth compounds: each round's limit is at least the one before
    limits = terror.simulate(zeal=0.05, fear=0.8, rounds=8).limits
    assert (limits.diff().dropna() >= 0).all().all()


def test_the_centre_decides_how_much_of_the_requests_it_grants():
    assert terror.simulate(zeal=0.2, fear=0.5, approval=0.0).growth == 1.0
    half = terror.simulate(zeal=0.2, fear=0.5, approval=0.5).growth
    full = terror.simulate(zeal=0.2, fear=0.5, approval=1.0).growth
    assert 1.0 < half < full


def test_without_noise_a_round_is_exact():
    run = terror.simulate(first_limits=[1000.0, 500.0], rounds=1, zeal=0.1, fear=0.0, approval=0.5)
    assert run.limits.loc[1].tolist() == pytest.approx([1050.0, 525.0])


def test_same_seed_same_run_and_a_lone_region_fears_nobody():
    a = terror.simulate(zeal=0.1, fear=0.5, noise=0.2, seed=3)
    b = terror.simulate(zeal=0.1, fear=0.5, noise=0.2, seed=3)
    c = terror.simulate(zeal=0.1, fear=0.5, noise=0.2, seed=4)
    assert a.limits.equals(b.limits) and not a.limits.equals(c.limits)
    lone = terror.simulate(first_limits=[1000.0], zeal=0.1, fear=2.0, rounds=3)
    assert lone.growth == pytest.approx(1.1 ** 3)


@pytest.mark.parametrize("kwargs, words", [
    (dict(zeal=-0.1), "zeal must be between"),
    (dict(fear="a lot"), "fear must be a number"),
    (dict(rounds=0), "rounds must be between"),
    (dict(rounds=2.5), "rounds must be a whole number"),
    (dict(approval=1.5), "approval must be between"),
    (dict(seed=-1), "seed must be between"),
    (dict(first_limits=[]), "first_limits must be a list"),
    (dict(first_limits=[100, float("nan")]), "each first limit must be between"),
    (dict(noise=True), "noise must be a number"),
])
def test_bad_parameters_get_a_plain_message(kwargs, words):
    with pytest.raises(terror.QuotaError, match=words):
        terror.simulate(**kwargs)
