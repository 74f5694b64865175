// OKRA's GraphiQL: the editor on the example document (or the one in the address), with
// the variables the server filled in. Runs after React, GraphiQL and its explorer plugin;
// loaded from the server itself unless OKRA_GRAPHIQL_CDN=true, in which case a network
// that blocks the CDN is named here instead of leaving "Loading…" on the page forever.
(function () {
  "use strict";
  const root = document.getElementById("graphiql");
  const example = JSON.parse(document.getElementById("okra-example").textContent);
  if (typeof GraphiQL === "undefined" || typeof React === "undefined") {
    root.textContent =
      "GraphiQL's scripts did not load from " + example.assets + ". " +
      (example.cdn
        ? "This server is set to load them from a CDN (OKRA_GRAPHIQL_CDN=true), which " +
          "this network does not reach: unset it to use the copies the server ships."
        : "The server's own copies are missing: reinstall OKRA.");
    root.className = "okra-failed";
    return;
  }
  const parameters = new URLSearchParams(window.location.search);
  const url = window.location.href.split(/[?#]/)[0];
  const socket = new URL(url);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  const fetcher = GraphiQL.createFetcher({ url: url, subscriptionUrl: socket.toString() });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  // What is being edited stays in the address, so a reload (or a shared link) keeps it.
  function remember(name, value) {
    if (value) parameters.set(name, value);
    else parameters.delete(name);
    window.history.replaceState(null, "", "?" + parameters.toString());
  }

  function Editor() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      query: parameters.get("query") || example.query,
      variables: parameters.get("variables") || example.variables,
      onEditQuery: function (query) { remember("query", query); },
      onEditVariables: function (variables) { remember("variables", variables); },
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
    });
  }

  ReactDOM.createRoot(root).render(React.createElement(Editor));
})();
