"""Figures that stay numbers: sums, products and ratios of stored values saturate at
the largest double instead of overflowing to infinity.

Every stored number is finite (the rules refuse the others), but a finite number can
be large (a stake of 1e308) or tiny (an impact of 1e-320), and the figures computed
from them (a portfolio's stakes, a bet's stake per expected progress) can overflow.
An infinity cannot be answered in JSON or GraphQL, and it turns the next step into
NaN (infinity over infinity), which broke whole shared views (a cycle's audit) for
everyone. So each computed figure passes through :func:`finite` (or is summed by
:func:`total`) before anything else is done with it: past ±1.8e308 a figure reads as
the largest double, which is as near as a double gets.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable

LARGEST = sys.float_info.max
_DOWN, _UP = 2.0**-64, 2.0**64


def finite(value: float) -> float:
    """``value``, with an overflow to ±infinity brought back to ±the largest double."""
    return math.copysign(LARGEST, value) if math.isinf(value) else value


def total(values: Iterable[float]) -> float:
    """The exact sum of finite numbers (``math.fsum``), saturated when it overflows."""
    numbers = [float(v) for v in values]
    try:
        return math.fsum(numbers)
    except OverflowError:  # a partial sum overflowed: sum scaled down, scale back up
        return finite(math.fsum(n * _DOWN for n in numbers) * _UP)


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator`` (non-zero denominator), saturated."""
    try:
        return finite(numerator / denominator)
    except OverflowError:
        return math.copysign(LARGEST, numerator) * math.copysign(1.0, denominator)
