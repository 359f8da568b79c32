"""Launch Debian's chromium headless through Playwright, for browser tests and benchmarks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ChromiumMissingError", "PageLog", "launch", "watch"]

# Playwright's own browser download is not reachable from CI, so the tests drive the
# chromium Debian packages; CI installs it with `apt-get install chromium`.
CHROMIUM = Path("/usr/bin/chromium")
# Everything that would make chromium talk to Google on its own is off, so that any request
# the tests see comes from the page.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",  # runs as root in containers, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class ChromiumMissingError(RuntimeError):
    """Debian's chromium is not installed where the tests expect it."""


@contextmanager
def launch(executable: Path = CHROMIUM) -> Iterator[Browser]:
    """Start headless chromium and close it on exit.

    Raises:
        ChromiumMissingError: `executable` does not exist or cannot be run.
    """
    if not (executable.is_file() and os.access(executable, os.X_OK)):
        raise ChromiumMissingError(
            f"no chromium at {executable}: install Debian's chromium (apt-get install chromium)"
            " to run the browser tests"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageLog:
    """What a page said and asked for while a test drove it."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def remote_requests(self) -> list[str]:
        """Requests that would leave the machine: anything but file: and inline data: URLs."""
        return [u for u in self.requests if not u.startswith(("file:", "data:", "about:"))]


def watch(page: Page) -> PageLog:
    """Record the console errors, uncaught exceptions and requests of `page` from now on."""
    log = PageLog()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.errors.append(message.text)

    def on_request(request: Request) -> None:
        log.requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: log.errors.append(f"uncaught: {error}"))
    page.on("request", on_request)
    return log
