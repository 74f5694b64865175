"""Real data sources on 127.0.0.1 for the tests: an HTTP server answering JSON, which
also speaks the Prometheus HTTP API's instant query (``GET /api/v1/query``)."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class Served:
    """What the server answers, changed by the test between runs."""

    def __init__(self) -> None:
        self.json: Any = {"data": {"total": 41}}
        self.status = 200
        self.samples: dict[str, float] = {}  # PromQL -> the one sample's value
        self.requests: list[tuple[str, dict[str, str]]] = []  # path, headers

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    port = 0


def _handler(served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requests.append((self.path, dict(self.headers)))
            parts = urlsplit(self.path)
            if parts.path == "/api/v1/query":
                query = parse_qs(parts.query).get("query", [""])[0]
                if query in served.samples:
                    body: Any = {
                        "status": "success",
                        "data": {
                            "resultType": "vector",
                            "result": [
                                {
                                    "metric": {"__name__": query},
                                    "value": [1764921600.0, str(served.samples[query])],
                                }
                            ],
                        },
                    }
                else:
                    body = {"status": "success", "data": {"resultType": "vector", "result": []}}
                self._answer(200, body)
                return
            self._answer(served.status, served.json)

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def json_server() -> Iterator[Served]:
    served = Served()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    served.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
