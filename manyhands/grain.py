"""The procurement calculator of lesson 02: what a procurement plan leaves the countryside.

    balance = grain_left(harvest_mt=..., procurement_mt=..., seed_fodder_mt=..., rural_population_m=...,
                         norm_kg=...)

A pure function of its inputs (no data, no randomness).  Quantities are in million tonnes (Mt) of
grain for one agricultural year, the rural population in millions, the norm in kilograms of grain
per person per year.  What remains is

    left = harvest - procurement - seed and fodder

and ``left / rural population`` is set against the norm.  When the plan and the seed and fodder
together take more than the harvest, the plan cannot be met from this harvest: ``left_mt`` is then
0 and ``shortfall_mt`` says by how much the plan overshoots.  The defaults a lesson uses come from
``datasets/grain_harvest.csv`` and ``datasets/grain_procurement.csv``; the course found no
source it could read for a rural population, a seed and fodder need or a subsistence norm, so the
lesson leaves those to the learner.

``plan_take`` is the part of the calculation that needs nothing beyond the sourced figures: what a plan,
in tonnes, takes from a harvest and what it leaves.  ``parse_assumption`` reads a figure a learner types
(rural population, seed and fodder, a norm), for which the course has no sourced default.  Lesson 02's
calculator applies the same plan twice, once to the harvest the centre believes and once to the harvest
in the barns: a plan fitted to an inflated report leaves the real countryside less than the centre
believes it does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


class GrainInputError(ValueError):
    """An input the calculator cannot use (not a number, negative, no population)."""


@dataclass(frozen=True)
class GrainBalance:
    harvest_mt: float
    procurement_mt: float
    seed_fodder_mt: float
    rural_population_m: float
    norm_kg: float
    left_mt: float  # what remains for the rural population to eat (never below 0)
    shortfall_mt: float  # how far plan + seed and fodder exceed the harvest (0 if they do not)
    per_person_kg: float  # left_mt / rural population, in kg per person per year
    deficit_mt: float  # how much more the rural population would need to reach the norm (0 if none)

    @property
    def share_of_norm(self) -> float:
        """What is left per person as a share of the norm (1.0 = exactly the norm)."""
        return self.per_person_kg / self.norm_kg

    @property
    def feasible(self) -> bool:
        """Whether the plan can be met from this harvest at all."""
        return self.shortfall_mt == 0


def _number(name: str, value, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GrainInputError(f"{name} must be a number, not {type(value).__name__} ({value!r}).")
    value = float(value)
    if not math.isfinite(value):
        raise GrainInputError(f"{name} must be a finite number, not {value}.")
    if value < 0 or (positive and value == 0):
        bound = "greater than 0" if positive else "0 or more"
        raise GrainInputError(f"{name} must be {bound}; got {value}.")
    return value


def grain_left(*, harvest_mt, procurement_mt, seed_fodder_mt, rural_population_m, norm_kg) -> GrainBalance:
    """What the procurement plan leaves per rural inhabitant, against a norm (see the module docstring)."""
    harvest = _number("harvest_mt", harvest_mt)
    plan = _number("procurement_mt", procurement_mt)
    seed = _number("seed_fodder_mt", seed_fodder_mt)
    people = _number("rural_population_m", rural_population_m, positive=True)
    norm = _number("norm_kg", norm_kg, positive=True)
    remaining = harvest - plan - seed
    left = max(remaining, 0.0)
    shortfall = max(-remaining, 0.0)
    # Mt / million people = tonnes per person; x 1000 = kg per person
    per_person = left / people * 1000.0
    deficit = max(norm * people / 1000.0 - left, 0.0)
    return GrainBalance(harvest, plan, seed, people, norm, left, shortfall, per_person, deficit)


@dataclass(frozen=True)
class PlanTake:
    harvest_mt: float
    plan_mt: float
    left_mt: float  # harvest minus plan (never below 0)
    shortfall_mt: float  # how far the plan exceeds the harvest (0 if it does not)

    @property
    def share(self) -> float:
        """The plan as a share of the harvest (may exceed 1 when the plan cannot be met); plan_take
        refuses a harvest of 0, so the division is safe."""
        return self.plan_mt / self.harvest_mt


def plan_take(*, harvest_mt, plan_mt) -> PlanTake:
    """What a plan of ``plan_mt`` takes from a harvest of ``harvest_mt`` (both Mt), and what it leaves."""
    harvest = _number("harvest_mt", harvest_mt, positive=True)
    plan = _number("plan_mt", plan_mt)
    return PlanTake(harvest, plan, max(harvest - plan, 0.0), max(plan - harvest, 0.0))


def parse_assumption(label: str, text, *, zero_ok: bool = False) -> float | None:
    """A figure typed by a learner: None when left empty, a number otherwise, or a clear error.

    Accepts a decimal comma ("1,5") and surrounding spaces; refuses words, negative numbers and,
    unless ``zero_ok``, zero.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise GrainInputError(f"{label}: expected text to read a number from, not {type(text).__name__}.")
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise GrainInputError(f"{label}: '{text.strip()}' is not a number. Type digits only, e.g. 100 or 12.5.") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        bound = "0 or more" if zero_ok else "greater than 0"
        raise GrainInputError(f"{label}: must be a number {bound}; got '{text.strip()}'.")
    return value
