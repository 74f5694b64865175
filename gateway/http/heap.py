"""The cyclic garbage collector, set for a server that answers big queries.

A heavy answer holds hundreds of thousands of live containers while it is built (an
alignment tree at a million events: documents, strawberry objects, graphql-core
results). With CPython's default thresholds (700 allocations) the young collections
run hundreds of times per request and promote those live objects, so full
collections follow, two or three per request at 100–200 ms each: measured in-process
at a million events, the alignment tree took 510 ms (median of 20) and the
retrospective 195 ms. Young collections every 50,000 allocations, and the start-up
heap frozen out of the collector's walks (``gc.freeze``, after a full collection),
took them to 285 and 120 ms. Memory changes little: garbage in cycles lives a little
longer, everything else is freed by reference counting as before.
"""

from __future__ import annotations

import gc

YOUNG = 50_000  # allocations between young collections (CPython: 700)
MIDDLE = 20  # young collections between middle ones (CPython: 10)
OLD = 100  # middle collections between full ones, at most (CPython: 10)


def tune() -> None:
    """Set the thresholds, collect once and keep what survives (the application as
    started) out of every later collection. For a server process (``okra serve``): a
    process that starts and stops many applications (the tests) keeps CPython's
    defaults, or what a finished one left in cycles would be freed late, or never."""
    gc.set_threshold(YOUNG, MIDDLE, OLD)
    gc.collect()
    gc.freeze()
