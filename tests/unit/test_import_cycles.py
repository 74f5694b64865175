"""No import circle between the modules of one package.

A circle makes import order matter: whichever module of it is imported first sees
the other half-initialised, which works until someone imports from the other end
(or moves an import out of a function). The graph is grimp's, the one import-linter
checks the contracts on, built from the source: imports inside functions count
(they run), imports under ``if TYPE_CHECKING:`` do not (they never run).

grimp's ``nominate_cycle_breakers`` judges the children of one package, each
subpackage taken as a whole, so a circle between two subpackages counts too. A
module importing its own package's ``__init__`` while that imports it back is the
one circle that misses, so it has its own test.
"""

from __future__ import annotations

import grimp
import pytest

PACKAGES = ("domain", "projections", "gateway", "tests", "bench")

# Circles left for a change already under way, each by the import that closes it.
# The test fails when one of these is gone too, so that this list only shrinks.
KNOWN: dict[tuple[str, str], str] = {}


@pytest.fixture  # built afresh for each test (30 ms): one of them removes imports
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)


def _described(graph: grimp.ImportGraph, imports: set[tuple[str, str]]) -> str:
    """Each import with its line, and the chain that leads back to its importer."""
    lines = []
    for importer, imported in sorted(imports):
        details = graph.get_import_details(importer=importer, imported=imported)
        where = ", ".join(f"l.{d['line_number']}: {d['line_contents']}" for d in details)
        back = graph.find_shortest_chain(importer=imported, imported=importer) or ()
        lines.append(f"{importer} -> {imported} ({where}); back: {' -> '.join(back)}")
    return "\n".join(lines)


def test_no_circle_between_the_modules_of_a_package(graph: grimp.ImportGraph) -> None:
    stale = {(a, b) for a, b in KNOWN if not graph.direct_import_exists(importer=a, imported=b)}
    assert not stale, f"these circles are gone: remove them from KNOWN\n{sorted(stale)}"
    for importer, imported in KNOWN:
        graph.remove_import(importer=importer, imported=imported)
    packages = sorted(module for module in graph.modules if graph.find_children(module))
    assert "projections.handlers" in packages  # the graph holds what it should
    breakers = {edge for package in packages for edge in graph.nominate_cycle_breakers(package)}
    assert not breakers, "import circles; removing these imports would break them:\n" + _described(
        graph, breakers
    )


def test_no_module_imports_a_package_that_imports_it(graph: grimp.ImportGraph) -> None:
    circles = {
        (module, package)
        for module in graph.modules
        for package in graph.find_modules_directly_imported_by(module)
        if module.startswith(f"{package}.")
        and graph.chain_exists(importer=package, imported=module)
    }
    assert not circles, "modules importing their own package's __init__, which imports them:\n" + (
        _described(graph, circles)
    )


def test_the_domain_model_uses_only_eventsourcings_domain_tools() -> None:
    """import-linter cannot forbid an external package's submodules, so this test keeps
    the model off eventsourcing's stores: aggregates and events, no persistence."""
    graph = grimp.build_graph("domain", "eventsourcing", exclude_type_checking_imports=True)
    used = {
        imported
        for module in graph.find_descendants("domain.model")
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("eventsourcing")
    }
    assert used and used <= {"eventsourcing.domain", "eventsourcing.utils"}, used
