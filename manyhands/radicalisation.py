"""A thought experiment for lesson 04: how agencies that compete to anticipate a leader's wishes can escalate.

Ian Kershaw (1993) described the Nazi state as one in which officials "worked towards the Führer": they read
what the leader was taken to want from signals that were often vague, and the most radical reading was the
one that won favour.  Hans Mommsen called the result "cumulative radicalisation".  This model turns that
argument into a few rules, so that a learner can see what the rules *would* produce:

* The leader states a level of measures, ``signal`` (1.0 means "what the leader actually asked for").
* ``explicitness`` (0 to 1) is how clearly the leader says where the line is.  An explicit order leaves no
  room for doing more than was asked; a vague wish leaves all of it.
* ``zeal`` is the reward for showing initiative: each round an agency goes beyond its present level by this
  share of it, times the room the leader's vagueness leaves (``1 - explicitness``).  Because each step is
  taken from the level already reached, the steps grow: the radicalisation is cumulative.
* ``competition`` is how much of a rival's lead an agency closes each round (0: agencies ignore each other;
  1: each catches up with the most radical rival at once).
* ``restraint_cost`` is what holding back costs an agency that stays below the leader's stated level: the
  share of the gap it closes each round (favour lost, posts lost, or worse).
* ``spread`` gives agencies different temperaments: agency *i*'s zeal is multiplied by a factor drawn around 1
  (fixed by ``seed``), so that one agency can lead and the others follow.

The result is each agency's level after each round.  This is a model to reason with, not a reconstruction: its
numbers come from the parameters, not from the documents.  It can show that vagueness plus competition is
enough to produce escalation without a single order for it; it cannot show that this is what happened, nor
who knew and approved, which is what the documents of the lesson are for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _params

MAX_AGENCIES = 12
MAX_ROUNDS = 30


class RadicalisationError(ValueError):
    """A parameter of the model is out of range; the message says which and why."""


def _number(name: str, value, low: float, high: float) -> float:
    return _params.number(name, value, low, high, RadicalisationError)


def _whole(name: str, value, low: int, high: int) -> int:
    return _params.whole(name, value, low, high, RadicalisationError)


@dataclass(frozen=True)
class RadicalisationRun:
    """One run: ``levels`` has one row per round (0 = the start) and one column per agency."""

    levels: pd.DataFrame
    signal: float

    @property
    def leading(self) -> pd.Series:
        """The most radical agency's level after each round."""
        return self.levels.max(axis=1)

    @property
    def escalation(self) -> float:
        """The leading level at the end, as a multiple of what the leader asked for (1.0: no more than asked)."""
        return float(self.leading.iloc[-1] / self.signal) if self.signal > 0 else float("nan")

    @property
    def spread(self) -> float:
        """The gap between the most and the least radical agency at the end, in units of the signal."""
        last = self.levels.iloc[-1]
        return float((last.max() - last.min()) / self.signal) if self.signal > 0 else float("nan")

    def first_round_beyond(self, multiple: float = 2.0) -> int | None:
        """The first round in which some agency goes beyond ``multiple`` times the signal, or None."""
        beyond = self.leading[self.leading > multiple * self.signal]
        return int(beyond.index[0]) if len(beyond) else None


def simulate(
    agencies: int = 4,
    rounds: int = 10,
    signal: float = 1.0,
    explicitness: float = 0.5,
    zeal: float = 0.1,
    competition: float = 0.5,
    restraint_cost: float = 0.3,
    spread: float = 0.0,
    start: float = 0.0,
    seed: int = 0,
) -> RadicalisationRun:
    """Run the model; raises RadicalisationError with a plain message for a parameter out of range."""
    n = _whole("agencies", agencies, 1, MAX_AGENCIES)
    rounds = _whole("rounds", rounds, 1, MAX_ROUNDS)
    signal = _number("signal", signal, 0, 10)
    explicitness = _number("explicitness", explicitness, 0, 1)
    zeal = _number("zeal", zeal, 0, 1)
    competition = _number("competition", competition, 0, 1)
    restraint_cost = _number("restraint_cost", restraint_cost, 0, 1)
    spread = _number("spread", spread, 0, 0.9)
    start = _number("start", start, 0, 10)
    seed = _whole("seed", seed, 0, 2**32 - 1)

    rng = np.random.default_rng(seed)
    temper = rng.uniform(1 - spread, 1 + spread, size=n) if spread > 0 else np.ones(n)
    room = 1.0 - explicitness
    level = np.full(n, start)
    rows = [level.copy()]
    for _ in range(rounds):
        if n > 1:
            # each agency's most radical rival (itself excluded)
            order = np.argsort(level)
            top, second = level[order[-1]], level[order[-2]]
            rival = np.where(np.arange(n) == order[-1], second, top)
        else:
            rival = level.copy()
        initiative = zeal * room * temper * np.maximum(level, signal)
        catch_up = competition * np.maximum(0.0, rival - level)
        pressed = restraint_cost * np.maximum(0.0, signal - level)
        # the stronger of the two pulls (a rival's lead, the cost of holding back): both never add up past
        # whichever is higher, so without initiative no agency goes beyond the signal or its rivals
        level = level + initiative + np.maximum(catch_up, pressed)
        rows.append(level.copy())
    index = pd.RangeIndex(rounds + 1, name="round")
    return RadicalisationRun(pd.DataFrame(rows, index=index, columns=[f"agency {i + 1}" for i in range(n)]), signal)
