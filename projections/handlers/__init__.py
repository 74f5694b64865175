"""How each domain event changes the views: the complete projection.

Importing this package loads every feature's handlers (each module registers its
own on :func:`~projections.handlers.dispatch.project`, or an observer), so the
projector gets all of them by importing :func:`apply` and :func:`wanted` from here.
The feature modules import only :mod:`projections.documents` and
:mod:`~projections.handlers.dispatch`, never each other.
"""

from __future__ import annotations

from projections.handlers import (
    actions,
    bets,
    corrections,
    data_sources,
    history,
    objectives,
    people,
    strategy,
    teams,
    tokens,
    webhooks,
)
from projections.handlers.dispatch import apply, wanted

# The feature modules, loaded for the handlers they register.
FEATURES = (
    teams,
    objectives,
    bets,
    tokens,
    corrections,
    strategy,
    people,
    history,
    actions,
    data_sources,
    webhooks,
)

__all__ = ["FEATURES", "apply", "wanted"]
