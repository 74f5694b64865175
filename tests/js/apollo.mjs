// Apollo Client's normalised cache (InMemoryCache, no configuration) against a running
// OKRA gateway. Usage: OKRA_URL=... OKRA_TOKEN=... CYCLE=... KEY_RESULT=... AS_OF=... node apollo.mjs
// The dashboard query, then recordCheckIn answering the fields the dashboard shows: the
// cached dashboard must follow without a refetch. Then one key result now and as of a
// past moment, asked together: the cache must keep both. Prints what it saw as JSON.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";

const { OKRA_URL: url, OKRA_TOKEN: token, CYCLE: cycle, KEY_RESULT: keyResult } = process.env;
const requests = [];
const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: new HttpLink({
    uri: `${url}/graphql`,
    headers: { authorization: `Bearer ${token}` },
    fetch: (input, init) => {
      requests.push(JSON.parse(init.body).operationName);
      return fetch(input, init);
    },
  }),
});

const DASHBOARD = gql`
  query Dashboard($cycle: ID!) {
    objectives(cycleId: $cycle, first: 50) {
      totalCount
      nodes {
        id
        title
        score
        keyResults { id title score currentValue confidence version }
      }
    }
  }
`;
const CHECK_IN = gql`
  mutation CheckIn($input: RecordCheckInInput!) {
    recordCheckIn(input: $input) {
      id
      score
      currentValue
      confidence
      version
      objective { id score }
    }
  }
`;
const THEN_AND_NOW = gql`
  query ThenAndNow($kr: ID!, $at: DateTime!) {
    now: keyResult(id: $kr) { id targetValue currentValue score }
    then: keyResultAsOf(id: $kr, asOf: $at) { id entityId seenAt targetValue currentValue score }
  }
`;

const shown = (data) => data.objectives.nodes.find((o) => o.keyResults.some((k) => k.id === keyResult));
const dashboard = await client.query({ query: DASHBOARD, variables: { cycle } });
const before = shown(dashboard.data);

const checkIn = await client.mutate({
  mutation: CHECK_IN,
  variables: { input: { keyResultId: keyResult, value: 7, confidence: 0.9 } },
});
// No refetch, no update function: what the cache now answers for the dashboard.
const cached = client.readQuery({ query: DASHBOARD, variables: { cycle } });
const after = shown(cached);
const fromCache = await client.query({
  query: DASHBOARD,
  variables: { cycle },
  fetchPolicy: "cache-only",
});

const answered = await client.query({
  query: THEN_AND_NOW,
  variables: { kr: keyResult, at: process.env.AS_OF },
});
const reread = client.readQuery({
  query: THEN_AND_NOW,
  variables: { kr: keyResult, at: process.env.AS_OF },
});
const normalised = client.cache.extract();

console.log(
  JSON.stringify({
    before,
    checkIn: checkIn.data.recordCheckIn,
    after,
    sameFromCacheOnly: JSON.stringify(shown(fromCache.data)) === JSON.stringify(after),
    answered: answered.data,
    reread,
    keys: Object.keys(normalised).filter((k) => k.startsWith("KeyResult")),
    requests,
  }),
);
