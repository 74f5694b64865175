"""One handler per command: fetch, call the aggregate, commit (see ``domain.application.bus``
for the table and for what runs around every handler)."""
