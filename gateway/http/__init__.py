"""The HTTP side of the gateway: the Starlette app (:mod:`gateway.http.app`), its
middleware and its endpoints.

Left empty on purpose: the GraphQL schema imports the result cache's extension from
here, so an ``__init__`` that imported the app would import the schema while the
schema is being imported.
"""
