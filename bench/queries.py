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

# R3: a cycle's retrospective, the organisation and every team (with the previous
# quarter for comparison, the default).
_CARD = """
      objectiveCount keyResultCount averageGrade comparedAverageGrade averageGradeDelta
      objectiveGrades { red yellow green } keyResultGrades { red yellow green }
      committedHit committedMissed aspirationalAverage aspirationalVsExpected
      bets { placed validated invalidated withdrawn open stakeSpent { unit amount }
             realisedImpact }
      calibration { brierScore forecasts keyResults }
      carriedOver { cycles } carriedForward
      findings { kind count }"""
RETROSPECTIVE = f"""query Retro($cycle: ID!) {{
  retrospective(cycleId: $cycle) {{
    organisation {{ {_CARD} }}
    teams {{ team {{ id name }} {_CARD} }}
  }}
}}"""

# R4: the alignment audit of a cycle.
ALIGNMENT_AUDIT = """query Audit($cycle: ID!) {
  alignmentAudit(cycleId: $cycle) {
    evaluatedOn
    counts { kind count }
    findings { kind severity entityType entityId teamId message measured threshold }
  }
}"""

# R5: the alignment tree of a cycle.
ALIGNMENT = """query Tree($cycle: ID!) {
  alignment(cycleId: $cycle) {
    nodes { depth inCycle parentKeyResultId objective { id title score } }
  }
}"""

# R6: the strategy map seen from a cycle.
STRATEGY_MAP = """query Map($cycle: ID!) {
  strategyMap(cycleId: $cycle) {
    defined version
    values { name retired served meanScore objectives { id } }
    constituents { name retired served meanScore objectives { id } }
  }
}"""
