"""Letting go of what a request read, as soon as its operation is answered.

The per-request DataLoaders keep every document they loaded (an alignment tree at a
million events: 4,400 objectives and 17,000 key results, 83,000 objects), and they sit
in reference cycles (their load functions close over the request's loaders), so reference counting
alone never frees them: they wait for the cyclic collector, whose older generations
then take 0.6 s to walk a few requests' worth. Emptying the loaders' caches and last
batches once the operation is answered hands the documents back to reference counting.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension


class ReleaseReads(SchemaExtension):
    """Empties the request's DataLoader caches after its operation."""

    def on_operation(self) -> Iterator[None]:
        yield
        loaders = getattr(self.execution_context.context, "loaders", None)
        if loaders is not None:
            loaders.release()
