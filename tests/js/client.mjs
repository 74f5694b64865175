// A real JavaScript client session against a running OKRA gateway.
// Usage: OKRA_URL=http://127.0.0.1:8000 OKRA_TOKEN=okra_... node client.mjs
// Prints one JSON object with what each step answered; the Python test checks it.
import { GraphQLClient, gql } from "graphql-request";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const url = process.env.OKRA_URL;
const token = process.env.OKRA_TOKEN;
const http = new GraphQLClient(`${url}/graphql`, {
  headers: { Authorization: `Bearer ${token}` },
});

const team = await http.request(gql`
  mutation { createTeam(input: { name: "From JavaScript" }) { id name } }
`);
const cycle = await http.request(gql`
  mutation { openCycle(input: { name: "JS-2026", kind: ANNUAL,
    startsOn: "2026-01-01", endsOn: "2026-12-31" }) { id } }
`);
const objective = await http.request(
  gql`mutation($c: ID!, $t: ID!) { createObjective(input: { cycleId: $c, teamId: $t,
      title: "Ship the JS client" }) { id } }`,
  { c: cycle.openCycle.id, t: team.createTeam.id },
);
const kr = await http.request(
  gql`mutation($o: ID!) { addKeyResult(input: { objectiveId: $o, title: "Adoption",
      startValue: 0, targetValue: 10 }) { id } }`,
  { o: objective.createObjective.id },
);

let refused;
try {
  await http.request(gql`mutation { createTeam(input: { name: "  " }) { id } }`);
} catch (error) {
  refused = error.response.errors[0].extensions;
}

const ws = createClient({
  url: `${url.replace("http", "ws")}/graphql`,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
});
const live = new Promise((resolve, reject) => {
  const stop = ws.subscribe(
    {
      query: `subscription($o: ID) { keyResultChanged(objectiveId: $o) { id score } }`,
      variables: { o: objective.createObjective.id },
    },
    {
      next: (message) => { resolve(message.data); stop(); },
      error: reject,
      complete: () => {},
    },
  );
});
await new Promise((r) => setTimeout(r, 300));
const checkIn = await http.request(
  gql`mutation($k: ID!) { recordCheckIn(input: { keyResultId: $k, value: 5 }) { score } }`,
  { k: kr.addKeyResult.id },
);
const pushed = await live;
await ws.dispose();

const query = await http.request(
  gql`query($c: ID!) { objectives(cycleId: $c) { totalCount nodes { title score } } }`,
  { c: cycle.openCycle.id },
);
console.log(JSON.stringify({ team: team.createTeam, refused, checkIn, pushed, query }));
