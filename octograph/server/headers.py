"""The security headers every response carries: pages, answers, downloads, errors.

An ASGI middleware rather than a header in each handler: a 404 from the router, a 405, a
413 or an exception handler's page never pass through the page helper, and a policy that
some responses forget protects none of them.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["FRAMES", "OTHER_CSP", "REFERRER_POLICY", "SecurityHeaders"]

# No site may frame a page of this server (clickjacking); a <meta> policy cannot say this,
# so the graph view, whose own policy is in a meta element, needs it as a header.
FRAMES = "frame-ancestors 'none'"
# Anything that is not a page (JSON, CSV, Turtle, text) loads nothing when opened in a tab.
OTHER_CSP = f"default-src 'none'; {FRAMES}"
# Query texts travel in URLs: links out of the pages must not hand them to other sites.
REFERRER_POLICY = "same-origin"


class SecurityHeaders:
    """Adds CSP (with frame-ancestors 'none'), nosniff and Referrer-Policy to each response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                secure(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def secure(headers: MutableHeaders) -> None:
    """Set the security headers on *headers*, keeping a stricter policy a handler set."""
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers without frame-ancestors
    policy = headers.get("Content-Security-Policy")
    if policy is None:
        html = headers.get("Content-Type", "").startswith("text/html")
        headers["Content-Security-Policy"] = FRAMES if html else OTHER_CSP
    elif "frame-ancestors" not in policy:
        headers["Content-Security-Policy"] = f"{policy}; {FRAMES}"
