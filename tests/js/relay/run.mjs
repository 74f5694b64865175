// relay-runtime against a running OKRA gateway, with the artifacts relay-compiler made
// from relay/src (ARTIFACTS: their folder). Usage:
//   OKRA_URL=... OKRA_TOKEN=... ARTIFACTS=... TEAM=... CYCLE=... KEY_RESULT=... node run.mjs
// Runs what usePaginationFragment and useRefetchableFragment run in an app: the query,
// the pagination queries (forward through node(id:), backward with last/before), the
// refetch of an objective through node(id:); prints what the store then holds as JSON.
import { createRequire } from "node:module";
import path from "node:path";
import {
  Environment,
  Network,
  RecordSource,
  Store,
  createOperationDescriptor,
  fetchQuery,
  getRequest,
  getSelector,
} from "relay-runtime";

const { OKRA_URL: url, OKRA_TOKEN: token, ARTIFACTS: artifacts } = process.env;
const { TEAM: team, CYCLE: cycle, KEY_RESULT: keyResult } = process.env;
const load = createRequire(path.join(artifacts, "index.js"));
const artifact = (name) => load(`./${name}.graphql.js`);

let requests = 0;
const post = async (text, variables) => {
  requests += 1;
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: text, variables }),
  });
  return response.json();
};
const environment = new Environment({
  network: Network.create((params, variables) => post(params.text, variables)),
  store: new Store(new RecordSource()),
});

const run = (query, variables) =>
  fetchQuery(environment, query, variables, { fetchPolicy: "network-only" }).toPromise();

// What a component would render from a fragment reference: read from the store.
const read = (fragment, reference) => environment.lookup(getSelector(fragment, reference)).data;

const dashboard = artifact("fragmentsDashboardQuery");
await run(dashboard, { team, cycle });
const operation = createOperationDescriptor(getRequest(dashboard), { team, cycle });
const root = environment.lookup(operation.fragment).data;
const teamFragment = artifact("fragments_team");
const queryFragment = artifact("fragments_query");

// The pageInfo Relay keeps for a connection (what loadNext and loadPrevious read).
function connectionPageInfo(key) {
  const source = environment.getStore().getSource().toJSON();
  const connection = Object.values(source).find(
    (r) => r.__typename === "ObjectiveConnection" && r.__id.includes(key),
  );
  return source[connection.pageInfo.__ref];
}

const titles = (fragment, ref) => read(fragment, ref).objectives.edges.map((e) => e.node.title);

// Forward: loadNext until the team's connection is complete, through node(id: team).
const forward = [titles(teamFragment, root.team)];
while (true) {
  const info = connectionPageInfo("__fragments_team_objectives_connection");
  if (!info.hasNextPage) break;
  await run(artifact("TeamObjectivesPaginationQuery"), {
    id: team,
    count: 2,
    cursor: info.endCursor,
  });
  forward.push(titles(teamFragment, root.team));
}

// Backward: loadPrevious on the cycle's objectives, last/before from the end.
const backward = [titles(queryFragment, root)];
while (true) {
  const info = connectionPageInfo("__fragments_query_objectives_connection");
  if (!info.hasPreviousPage) break;
  await run(artifact("LatestObjectivesPaginationQuery"), {
    cycle,
    count: 2,
    cursor: info.startCursor,
  });
  backward.push(titles(queryFragment, root));
}

// Refetch: an objective changes on the server; its fragment refetches through node(id:).
const first = read(teamFragment, root.team).objectives.edges[0].node;
const card = artifact("fragments_objective");
const before = read(card, first);
const checked = await post(
  `mutation($kr: ID!) { recordCheckIn(input: { keyResultId: $kr, value: 8 }) { id score } }`,
  { kr: keyResult },
);
const stale = read(card, first);
const refetched = await run(artifact("ObjectiveRefetchQuery"), { id: before.id });
const after = read(card, first);

console.log(
  JSON.stringify({
    forward,
    backward,
    before: { score: before.score, version: before.version, keyResults: before.keyResults },
    checkIn: checked.data.recordCheckIn,
    stale: { score: stale.score },
    refetched: refetched.node !== null,
    after: { score: after.score, version: after.version, keyResults: after.keyResults },
    requests,
  }),
);
