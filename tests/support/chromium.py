"""Headless Chromium driven over the DevTools protocol, to look at pages as a browser
lays them out: element sizes, pixels, the print layout, and every request made.

Nothing runs inside the page under test: the script evaluated here comes from the
test, through the protocol, after the page has loaded. Chromium is Debian's package
(``make test`` installs it when it can); without it the tests that need it say so in
red and are skipped, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
MISSING = (
    "Chromium is not installed (Debian: apt-get install chromium; make test does it as "
    "root): the report's rendering tests were NOT run"
)


def executable() -> str | None:
    """``OKRA_TEST_CHROMIUM`` if set (another build, or a path that does not exist to
    see the tests skip), else Debian's chromium."""
    chosen = os.environ.get("OKRA_TEST_CHROMIUM")
    if chosen is not None:
        return chosen if Path(chosen).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def require() -> str:
    found = executable()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {MISSING}")
        pytest.skip(MISSING)
    return found


class Page:
    """One tab; ``events`` collects what Chromium reported while it was open."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    @property
    def events(self) -> list[dict[str, Any]]:
        return [e for e in self.browser.events if e.get("sessionId") == self.session]

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.call(method, params, self.session)

    def open(self, url: str, timeout: float = 30) -> None:
        self.call("Page.enable")
        self.call("Network.enable")
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        while self.evaluate("document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not finish loading")
            time.sleep(0.05)

    def evaluate(self, expression: str) -> Any:
        answer = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in answer:
            raise RuntimeError(answer["exceptionDetails"])
        return answer["result"].get("value")

    def click(self, x: float, y: float) -> None:
        """A real mouse click (press and release) at that point of the viewport."""
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )

    def screenshot(self, clip: dict[str, float] | None = None) -> bytes:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": True}
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
        return base64.b64decode(self.call("Page.captureScreenshot", **params)["data"])

    def print_to_pdf(self) -> bytes:
        answer = self.call("Page.printToPDF", preferCSSPageSize=True, printBackground=True)
        return base64.b64decode(answer["data"])


class Browser:
    def __init__(self, ws: ClientConnection, process: subprocess.Popen[bytes]) -> None:
        self.ws = ws
        self.process = process
        self.events: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            answer = json.loads(self.ws.recv(timeout=60))
            if answer.get("id") != number:
                self.events.append(answer)
                continue
            if "error" in answer:
                raise RuntimeError(f"{method}: {answer['error']}")
            result: dict[str, Any] = answer["result"]
            return result

    def page(self, width: int = 1100, height: int = 900) -> Page:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        page = Page(self, session["sessionId"])
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        return page


# Every request that leaves the machine fails: names resolve to nothing but the
# loopback address, and whatever is not loopback (an address typed as digits too)
# goes through a proxy that is not there. The server under test stays reachable.
OFFLINE = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
)


@contextlib.contextmanager
def browser(*flags: str) -> Iterator[Browser]:
    """A headless Chromium; ``flags`` are added to its command line (e.g. OFFLINE)."""
    binary = require()
    # Chromium's helper processes may still write to the profile after the browser has
    # exited (seen under load, with test processes in parallel): a profile that cannot
    # be removed at once is left to the system's temporary files, not a test failure.
    profiles = tempfile.TemporaryDirectory(prefix="okra-chromium-", ignore_cleanup_errors=True)
    with profiles as profile:
        process = subprocess.Popen(
            [binary, *FLAGS, *flags, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            active = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 60
            while not (active.exists() and len(active.read_text().split()) >= 2):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{binary} did not start its DevTools endpoint")
                time.sleep(0.05)
            port, path = active.read_text().split()[:2]
            with connect(f"ws://127.0.0.1:{port}{path}", max_size=None) as ws:
                yield Browser(ws, process)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
