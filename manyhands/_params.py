"""Range checks for the parameters of the course's thought-experiment models, with plain messages."""

from __future__ import annotations

import math

import numpy as np


def number(name: str, value, low: float, high: float, error: type[ValueError] = ValueError) -> float:
    """``value`` as a float, or ``error`` saying that ``name`` must be a number between low and high."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise error(f"{name} must be a number, not {value!r}.")
    value = float(value)
    if math.isnan(value) or not low <= value <= high:
        raise error(f"{name} must be between {low:g} and {high:g}, not {value:g}.")
    return value


def whole(name: str, value, low: int, high: int, error: type[ValueError] = ValueError) -> int:
    """``value`` as an int, or ``error`` saying that ``name`` must be a whole number between low and high."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise error(f"{name} must be a whole number, not {value!r}.")
    if not low <= int(value) <= high:
        raise error(f"{name} must be between {low} and {high}, not {value}.")
    return int(value)
