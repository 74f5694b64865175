"""The model: aggregates, their past-tense events and the rules they enforce.

Imports nothing but eventsourcing's domain and persistence-neutral tools: no database
driver, no HTTP, no GraphQL (an import contract checks it).
"""
