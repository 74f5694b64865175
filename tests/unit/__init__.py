"""The fast tier: pure tests, no database, no HTTP, no processes (seconds).

``make test-fast`` runs these alone."""
