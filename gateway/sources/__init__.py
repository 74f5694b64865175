"""Data sources: reading a key result's number where it lives (``reading``), and running
sources on their schedule, once across gateways (``scheduler``)."""
