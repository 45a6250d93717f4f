"""Headless Chromium driven over the DevTools protocol, through a pipe (no websocket library).

``--remote-debugging-pipe`` makes Chromium read commands from fd 3 and write replies and events to
fd 4, as NUL-terminated JSON: the transport Puppeteer uses. Enough here to load a page, collect
every console message, exception and network request, evaluate a script and take a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-pipe",
)
TIMEOUT_S = 60.0


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_chromium() -> str:
    """The Chromium executable. Without one a browser test skips, showing why; in CI (`CI=true`,
    which `.ci/run` sets) it fails, so that a failed install cannot turn into a green run."""
    executable = chromium()
    if executable is None:
        reason = "chromium is not installed (apt-get install chromium)"
        if in_ci():
            pytest.fail(f"{reason}, and CI=true: the browser tests must run in CI", pytrace=False)
        pytest.skip(f"{reason}; CI installs it, and fails without it")
    return executable


@dataclass
class PageRun:
    """What happened while a page loaded."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    evaluated: object = None


class Browser:
    def __init__(self, executable: str) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="chromium-profile-")
        commands_r, self._commands = os.pipe()  # we write, Chromium reads fd 3
        self._events, events_w = os.pipe()  # Chromium writes fd 4, we read

        def wire_fds() -> None:
            # Lift both ends above 10 first: one of them may itself be fd 3 or 4.
            reads, writes = (
                fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (commands_r, events_w)
            )
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        self._process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            preexec_fn=wire_fds,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_r)
        os.close(events_w)
        self._buffer = b""
        self._next_id = 0
        self._session: str | None = None
        self.events: list[dict] = []

    def close(self) -> None:
        with contextlib.suppress(OSError):  # Chromium may already be gone
            self.send("Browser.close", session=False)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._events)
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        targets = self.send("Target.getTargets", session=False)["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        attached = self.send(
            "Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}, session=False
        )
        self._session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, method: str, params: dict | None = None, *, session: bool = True) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self._session:
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m, wanted=self._next_id: m.get("id") == wanted)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def _wait(self, predicate) -> dict:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if predicate(message):
                    return message
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._events, 1 << 16)
            if not chunk:
                raise RuntimeError(f"Chromium exited (code {self._process.poll()})")
            self._buffer += chunk

    def load(self, url: str, *, width: int, script: str) -> PageRun:
        """Open ``url`` at ``width`` CSS pixels, wait for the load event, evaluate ``script``."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        self._wait(lambda m: m.get("method") == "Page.loadEventFired")
        value = self.send("Runtime.evaluate", {"expression": script, "returnByValue": True})
        return _summarise(self.events, value["result"].get("value"))

    def screenshot(self, path: Path) -> None:
        """The whole page, not just the viewport."""
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        shot = self.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": size["width"],
                    "height": size["height"],
                    "scale": 1,
                },
            },
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))


def _summarise(events: list[dict], evaluated: object) -> PageRun:
    run = PageRun(evaluated=evaluated)
    urls: dict[str, str] = {}  # request id -> URL
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            run.console_errors.append(" ".join(str(a.get("value")) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            run.console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            run.console_errors.append(params["entry"]["text"])
        elif method == "Network.requestWillBeSent":
            urls[params["requestId"]] = params["request"]["url"]
            run.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed":
            url = urls.get(params["requestId"], "?")
            run.failed_requests.append(f"{params.get('errorText', 'failed')}: {url}")
    return run
