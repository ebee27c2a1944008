"""The cumulative-radicalisation thought experiment of lesson 04 (manyhands.radicalisation): properties, edges, bad input."""

from __future__ import annotations

import pytest

from manyhands import radicalisation as rad


def test_an_explicit_order_is_carried_out_and_nothing_more():
    for competition in (0.0, 0.5, 1.0):
        for restraint in (0.0, 0.3, 1.0):
            run = rad.simulate(explicitness=1.0, zeal=1.0, competition=competition, restraint_cost=restraint,
                               spread=0.5, rounds=30, seed=2)
            assert run.leading.max() <= 1.0 + 1e-12
    # holding back costs something: the agencies reach the stated level and stop there
    assert rad.simulate(explicitness=1.0, zeal=0.5, restraint_cost=0.5, rounds=30).escalation == pytest.approx(1.0, abs=1e-6)


def test_without_reward_for_zeal_nothing_goes_beyond_the_signal():
    run = rad.simulate(explicitness=0.0, zeal=0.0, competition=1.0, restraint_cost=0.6, spread=0.5, rounds=20)
    assert run.leading.max() <= 1.0 + 1e-12


def test_vagueness_and_zeal_compound():
    run = rad.simulate(explicitness=0.0, zeal=0.2, competition=0.5, restraint_cost=0.3, rounds=20)
    steps = run.leading.diff().dropna()
    assert run.escalation > 2.0
    # cumulative: once beyond the signal, each step is larger than the one before
    beyond = steps[run.leading.shift(1).dropna() >= 1.0]
    assert len(beyond) > 5 and (beyond.diff().dropna() > 0).all()


def test_more_vagueness_and_more_zeal_mean_more_escalation():
    base = rad.simulate(explicitness=0.5, zeal=0.1, rounds=15).escalation
    assert rad.simulate(explicitness=0.2, zeal=0.1, rounds=15).escalation > base > 1.0
    assert rad.simulate(explicitness=0.5, zeal=0.2, rounds=15).escalation > base


def test_competition_pulls_the_laggards_after_the_leader():
    kwargs = dict(explicitness=0.2, zeal=0.15, restraint_cost=0.0, spread=0.8, rounds=12, seed=5)
    alone = rad.simulate(competition=0.0, **kwargs)
    rivals = rad.simulate(competition=0.8, **kwargs)
    assert rivals.spread < alone.spread
    # the laggard ends higher when it must keep up
    assert rivals.levels.iloc[-1].min() > alone.levels.iloc[-1].min()


def test_restraint_cost_only_raises_those_below_the_signal():
    run = rad.simulate(explicitness=1.0, zeal=0.0, competition=0.0, restraint_cost=0.5, start=0.0, rounds=1, agencies=2)
    assert run.levels.loc[1].tolist() == pytest.approx([0.5, 0.5])
    high = rad.simulate(explicitness=1.0, zeal=0.0, competition=0.0, restraint_cost=0.5, start=2.0, rounds=3, agencies=2)
    assert high.levels.loc[3].tolist() == pytest.approx([2.0, 2.0])


def test_one_round_by_hand():
    # one agency: initiative = zeal * (1 - explicitness) * max(level, signal); pull = restraint * (signal - level)
    run = rad.simulate(agencies=1, rounds=1, signal=1.0, explicitness=0.5, zeal=0.2, competition=0.0,
                       restraint_cost=0.3, start=0.5)
    assert run.levels.loc[1, "agency 1"] == pytest.approx(0.5 + 0.2 * 0.5 * 1.0 + 0.3 * 0.5)


def test_same_seed_same_run():
    a = rad.simulate(spread=0.4, seed=3, explicitness=0.3)
    b = rad.simulate(spread=0.4, seed=3, explicitness=0.3)
    c = rad.simulate(spread=0.4, seed=4, explicitness=0.3)
    assert a.levels.equals(b.levels) and not a.levels.equals(c.levels)


def test_first_round_beyond():
    run = rad.simulate(explicitness=0.0, zeal=0.3, rounds=20)
    first = run.first_round_beyond(2.0)
    assert first is not None and run.leading.loc[first] > 2.0 >= run.leading.loc[first - 1]
    assert rad.simulate(explicitness=1.0).first_round_beyond(2.0) is None


@pytest.mark.parametrize("kwargs, words", [
    (dict(zeal=-0.1), "zeal must be between"),
    (dict(explicitness="clear"), "explicitness must be a number"),
    (dict(rounds=0), "rounds must be between"),
    (dict(agencies=2.5), "agencies must be a whole number"),
    (dict(agencies=rad.MAX_AGENCIES + 1), "agencies must be between"),
    (dict(competition=float("nan")), "competition must be between"),
    (dict(restraint_cost=True), "restraint_cost must be a number"),
    (dict(spread=1.0), "spread must be between"),
    (dict(seed=-1), "seed must be between"),
])
def test_bad_parameters_get_a_plain_message(kwargs, words):
    with pytest.raises(rad.RadicalisationError, match=words):
        rad.simulate(**kwargs)
