"""Debug logging of requests, responses and retries, with secrets redacted.

Enable it with ``logging.getLogger("<package name>").setLevel(logging.DEBUG)``. Authorization,
Cookie and apiKey headers and apiKey query values are replaced by ``***`` before formatting, so
logs can be shared.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Collection

import httpx

from .._version import PACKAGE_NAME

__all__ = ["Redactor", "logger"]

logger = logging.getLogger(PACKAGE_NAME)

_MASK = "***"
_ALWAYS_SECRET = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})


class Redactor:
    """Formats requests and responses for the log without the secrets they carry."""

    def __init__(self, header_names: Collection[str], query_names: Collection[str]) -> None:
        self._headers = _ALWAYS_SECRET | {name.lower() for name in header_names}
        self._query = frozenset(query_names)

    def url(self, url: httpx.URL) -> str:
        """The URL without user info and with apiKey query values masked."""
        pairs = [
            (name, _MASK if name in self._query else value)
            for name, value in url.params.multi_items()
        ]
        base = str(url.copy_with(userinfo=b"", query=None))
        if not pairs:
            return base
        return base + "?" + urllib.parse.urlencode(pairs, safe="*")

    def headers(self, headers: httpx.Headers) -> dict[str, str]:
        """The headers with secret values masked."""
        return {
            name: _MASK if name.lower() in self._headers else value
            for name, value in headers.multi_items()
        }

    def log_request(self, request: httpx.Request, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "request %s %s attempt=%d headers=%s",
                request.method,
                self.url(request.url),
                attempt + 1,
                self.headers(request.headers),
            )

    def log_response(self, request: httpx.Request, response: httpx.Response) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "response %s %s status=%d headers=%s",
                request.method,
                self.url(request.url),
                response.status_code,
                self.headers(response.headers),
            )

    def log_retry(self, request: httpx.Request, reason: str, delay: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "retry %s %s after %s in %.2fs",
                request.method,
                self.url(request.url),
                reason,
                delay,
            )
