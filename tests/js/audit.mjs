// The GraphQL-over-HTTP specification's own audit suite (graphql-http), run against
// a running OKRA gateway. Usage: OKRA_URL=... OKRA_TOKEN=... node audit.mjs
// Prints every audit's id, level, outcome and reason as JSON; the Python test judges.
import { serverAudits } from "graphql-http";

const url = `${process.env.OKRA_URL}/graphql`;
const token = process.env.OKRA_TOKEN;
const fetchFn = (input, init = {}) =>
  fetch(input, {
    ...init,
    headers: { ...(init.headers || {}), authorization: `Bearer ${token}` },
  });

const results = [];
for (const { id, name, fn } of serverAudits({ url, fetchFn })) {
  const result = await fn();
  results.push({ id, name, status: result.status, reason: result.reason ?? null });
}
console.log(JSON.stringify(results));
