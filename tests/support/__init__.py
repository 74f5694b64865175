"""What the tests share: clients, processes, databases, browsers, SQL counters."""
