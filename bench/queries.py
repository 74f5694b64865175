"""The GraphQL documents the benchmark sends."""

from __future__ import annotations

# R1: a cycle's 50 objectives with key results, scores and bets.
DASHBOARD = """query Dashboard($cycle: ID!) {
  objectives(cycleId: $cycle, first: 50) {
    totalCount
    pageInfo { hasNextPage }
    nodes {
      id title kind score scoreBand expectedGrade
      team { name }
      keyResults { id title score scoreBand confidence currentValue targetValue unit }
      bets { title stake odds expectedValue status }
    }
  }
}"""

# W1, W2, P1: one check-in.
CHECK_IN = """mutation CheckIn($input: RecordCheckInInput!) {
  recordCheckIn(input: $input) { id score currentValue version }
}"""

# A1: a page of 50 of one entity's audit trail, newest first.
AUDIT_PAGE = """query Audit($entity: ID!) {
  auditTrail(filter: { entityId: $entity }, first: 50) {
    pageInfo { hasNextPage endCursor }
    nodes { position recordedAt actor eventType entityId changes { field from to } reason }
  }
}"""

# T1: an objective as it stood at a moment.
TIME_TRAVEL = """query AsOf($id: ID!, $asOf: DateTime!) {
  objectiveAsOf(id: $id, asOf: $asOf) {
    id title score version
    keyResults { id score currentValue confidence }
  }
}"""
