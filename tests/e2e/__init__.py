"""OKRA as its users meet it: GraphQL over HTTP and websockets, the ``okra`` command
in processes, real clients and a browser; every test on both stores."""
