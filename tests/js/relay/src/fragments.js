// The Relay project relay-compiler compiles against OKRA's schema.graphql (see
// relay/run.mjs). Fragments as an app would write them: refetchable fragments on
// Objective and Team (Relay refetches them through node(id:)), a connection on a
// team's objectives paged forward, and one on a cycle's objectives paged backward.
import { graphql } from "relay-runtime";

export const objectiveCard = graphql`
  fragment fragments_objective on Objective
  @refetchable(queryName: "ObjectiveRefetchQuery") {
    id
    title
    score
    version
    keyResults {
      id
      title
      currentValue
      score
    }
  }
`;

export const teamObjectives = graphql`
  fragment fragments_team on Team
  @refetchable(queryName: "TeamObjectivesPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 2 }
    cursor: { type: "String" }
  ) {
    id
    name
    objectives(first: $count, after: $cursor)
      @connection(key: "fragments_team_objectives") {
      edges {
        node {
          id
          title
          ...fragments_objective
        }
      }
    }
  }
`;

export const latestObjectives = graphql`
  fragment fragments_query on Query
  @refetchable(queryName: "LatestObjectivesPaginationQuery")
  @argumentDefinitions(
    cycle: { type: "ID!" }
    count: { type: "Int", defaultValue: 2 }
    cursor: { type: "String" }
  ) {
    objectives(cycleId: $cycle, last: $count, before: $cursor)
      @connection(key: "fragments_query_objectives") {
      edges {
        node {
          id
          title
        }
      }
    }
  }
`;

export const dashboard = graphql`
  query fragmentsDashboardQuery($team: ID!, $cycle: ID!) {
    team(id: $team) {
      ...fragments_team
    }
    ...fragments_query @arguments(cycle: $cycle)
  }
`;
