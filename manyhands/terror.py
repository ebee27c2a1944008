"""A thought experiment for lesson 03: how limits set by a centre can escalate through requests from below.

The centre gives each region a first limit (a number of people to arrest). Every round, each region's leader
may ask for more, for two reasons the historians of the mass operations discuss:

* ``zeal``: the reward for showing results, as a share of the current limit asked for each round (0.1 asks
  for 10 % more);
* ``fear``: the fear of being thought "soft", or of being next. It grows with how much the *other* regions
  asked for in the round before: a region that asks for less than its neighbours stands out. ``fear`` is
  the share of the others' average request (relative to their limits) that a region adds to its own.

Each request is multiplied by a random factor around 1 (``noise``, fixed by ``seed``), and the centre
approves a share ``approval`` of what was asked. The result is each region's limit after each round.

This is a model to reason with, not a reconstruction: its numbers come from the parameters, not from the
archives. It shows what such incentives *would* do; only the documents (the requests, the Politburo's
decisions) can show whether they did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _params

MAX_REGIONS = 50
MAX_ROUNDS = 24


class QuotaError(ValueError):
    """A parameter of the model is out of range; the message says which and why."""


def _number(name: str, value, low: float, high: float) -> float:
    return _params.number(name, value, low, high, QuotaError)


def _whole(name: str, value, low: int, high: int) -> int:
    return _params.whole(name, value, low, high, QuotaError)


@dataclass(frozen=True)
class QuotaRun:
    """One run: ``limits`` has one row per round (0 = the first limits) and one column per region."""

    limits: pd.DataFrame
    requested: pd.DataFrame

    @property
    def total(self) -> pd.Series:
        """The sum of all regions' limits after each round."""
        return self.limits.sum(axis=1)

    @property
    def growth(self) -> float:
        """How many times the total limit has grown from the first round to the last (1.0: not at all)."""
        return float(self.total.iloc[-1] / self.total.iloc[0])


def simulate(
    first_limits: list[float] | tuple[float, ...] = (1000.0, 1000.0, 1000.0),
    rounds: int = 6,
    zeal: float = 0.0,
    fear: float = 0.0,
    approval: float = 1.0,
    noise: float = 0.0,
    seed: int = 0,
) -> QuotaRun:
    """Run the model; raises QuotaError with a plain message for a parameter out of range."""
    if not isinstance(first_limits, (list, tuple)) or not 1 <= len(first_limits) <= MAX_REGIONS:
        raise QuotaError(f"first_limits must be a list of 1 to {MAX_REGIONS} numbers, one per region.")
    limits0 = np.array([_number("each first limit", v, 0, 1e7) for v in first_limits])
    rounds = _whole("rounds", rounds, 1, MAX_ROUNDS)
    zeal = _number("zeal", zeal, 0, 1)
    fear = _number("fear", fear, 0, 2)
    approval = _number("approval", approval, 0, 1)
    noise = _number("noise", noise, 0, 0.5)
    seed = _whole("seed", seed, 0, 2**32 - 1)
    rng = np.random.default_rng(seed)

    n = len(limits0)
    limits = [limits0]
    asked_rows = [np.zeros(n)]
    previous_share = np.zeros(n)  # what each region asked for last round, relative to its limit
    for _ in range(rounds):
        current = limits[-1]
        # the others' average request; a lone region has nobody to be compared with, so fear adds nothing
        others = (previous_share.sum() - previous_share) / (n - 1) if n > 1 else np.zeros(1)
        share = zeal + fear * others
        factor = rng.normal(1.0, noise, size=n).clip(min=0) if noise > 0 else np.ones(n)
        asked = current * share * factor
        limits.append(current + approval * asked)
        asked_rows.append(asked)
        previous_share = np.divide(asked, current, out=np.zeros(n), where=current > 0)
    columns = [f"region {i + 1}" for i in range(n)]
    index = pd.RangeIndex(rounds + 1, name="round")
    return QuotaRun(pd.DataFrame(limits, index=index, columns=columns),
                    pd.DataFrame(asked_rows, index=index, columns=columns))
