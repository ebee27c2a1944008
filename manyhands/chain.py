"""A chain-of-command model (lesson 01): reports go up, orders come down.

A true quantity (say, a district's harvest) is reported upwards through ``levels`` offices. Each office
passes on what it received, changed in three ways:

* ``bias``: a steady inflation (ambition, habit, the wish to look good), as a fraction: 0.05 adds 5 %;
* ``penalty``: fear of bad news. If what an office received falls short of the centre's ``plan``, it adds
  ``penalty`` times the shortfall (as a fraction of the plan), so the further below plan, the more it
  inflates;
* ``noise``: random error, a normal draw with standard deviation ``noise`` (a fraction), fixed by ``seed``.

The centre believes the last report and demands ``share`` of it. The demand travels back down the same
offices, and each adds ``amplification`` (a safety margin, so that it cannot be blamed for a shortfall). The
result compares what the producers are asked to give with what they really have.

This is a thought experiment to reason with, not a reconstruction of Soviet figures: its numbers come from
the controls, not from the archives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_LEVELS = 20


class ChainError(ValueError):
    """A parameter of the chain-of-command model is out of range; the message says which and why."""


@dataclass(frozen=True)
class ChainResult:
    table: pd.DataFrame   # one row per level: level, office, reported_up, demanded_down
    true_value: float
    perceived: float      # what the centre hears
    demand_on_producers: float

    @property
    def gap(self) -> float:
        """How much the centre overestimates the truth, as a fraction of the truth (0.25 = 25 % too high)."""
        return self.perceived / self.true_value - 1

    @property
    def demand_share(self) -> float:
        """The demand on the producers as a share of what they really have (1.0 = everything)."""
        return self.demand_on_producers / self.true_value


def _number(name, value, low=None, high=None, low_open=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(value):
        raise ChainError(f"{name} must be a number, not {value!r}.")
    if low is not None and (value <= low if low_open else value < low):
        raise ChainError(f"{name} must be {'greater than' if low_open else 'at least'} {low}, not {value}.")
    if high is not None and value > high:
        raise ChainError(f"{name} must be at most {high}, not {value}.")
    return float(value)


def simulate(
    true_value: float = 100.0,
    levels: int = 4,
    bias: float = 0.05,
    noise: float = 0.0,
    penalty: float = 0.0,
    plan: float | None = None,
    share: float = 0.3,
    amplification: float = 0.0,
    seed: int = 0,
) -> ChainResult:
    """Run the chain once. Pure: the same arguments always give the same result."""
    true_value = _number("true_value", true_value, 0, low_open=True)
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)):
        raise ChainError(f"levels must be a whole number of offices, not {levels!r}.")
    if not 1 <= levels <= MAX_LEVELS:
        raise ChainError(f"levels must be between 1 and {MAX_LEVELS}, not {levels}.")
    bias = _number("bias", bias, -1, 10, low_open=True)
    noise = _number("noise", noise, 0, 1)
    penalty = _number("penalty", penalty, 0, 10)
    plan = true_value if plan is None else _number("plan", plan, 0, low_open=True)
    share = _number("share", share, 0, 1, low_open=True)
    amplification = _number("amplification", amplification, 0, 10)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ChainError(f"seed must be a whole number, 0 or more, not {seed!r}.")

    rng = np.random.default_rng(int(seed))
    shocks = rng.normal(0.0, noise, size=levels) if noise > 0 else np.zeros(levels)
    reported = [true_value]
    for i in range(levels):
        received = reported[-1]
        shortfall = max(0.0, plan - received) / plan
        passed_on = received * (1 + bias + penalty * shortfall) * (1 + shocks[i])
        reported.append(max(passed_on, 0.0))
    perceived = reported[-1]

    demanded = [share * perceived]           # set at the centre (level = levels)
    for _ in range(levels):
        demanded.append(demanded[-1] * (1 + amplification))
    demanded.reverse()                       # index 0 = producers, index levels = centre

    offices = ["producers"] + [f"office {i}" for i in range(1, levels)] + ["centre"]
    table = pd.DataFrame({
        "level": range(levels + 1),
        "office": offices,
        "reported_up": reported,
        "demanded_down": demanded,
    })
    return ChainResult(table=table, true_value=true_value, perceived=perceived, demand_on_producers=demanded[0])

