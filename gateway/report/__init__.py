"""Reports as self-contained HTML pages, for people who would rather not write GraphQL.

:mod:`gateway.report.figures` reads the views into the very numbers the GraphQL
queries serve (the pure modules of :mod:`projections` compute both);
:mod:`gateway.report.svg` draws charts as inline SVG; :mod:`gateway.report.retro`
assembles the retrospective page from its template.
"""
