"""Stores, the projector and the application on real SQLite and PostgreSQL, without
the gateway."""
