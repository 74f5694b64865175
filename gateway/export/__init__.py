"""A cycle's OKRs as a spreadsheet (XLSX) or CSV, and a plan read from CSV.

The figures are read from the views and turned into cells the way the GraphQL types
turn the same documents into fields (:mod:`gateway.export.sheets`), so an export
equals what the API answers at the same log position. Writing the files
(:mod:`gateway.export.workbook`, :mod:`gateway.export.delimited`) knows nothing of
where the figures came from; the CLI and the HTTP endpoint only choose the format.
"""
