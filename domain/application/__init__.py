"""The application: commands, their handlers, the bus that runs them, and what runs
around every handler (locks, retries, idempotency, group commit, authorisation)."""
