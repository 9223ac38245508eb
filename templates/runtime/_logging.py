"""Logging of requests, responses and retries, with secrets redacted.

The logger is named after the package, as it is imported (``callfire_client``, not the
distribution's ``callfire-client``). Enable it with
``logging.getLogger("<package>").setLevel(logging.DEBUG)``, or with the client's environment
switch (``<PREFIX>_LOG=debug`` or ``info``, when the client reads the environment), which
also prints to stderr when the program configured no logging. Requests and responses are
logged at DEBUG, retries at INFO, responses that do not match their declared type at WARNING.
Authorization, Cookie and apiKey headers and apiKey query values are replaced by ``***``
before formatting, so logs can be shared.
"""

from __future__ import annotations

import logging
import urllib.parse
import warnings
from collections.abc import Collection

import httpx

__all__ = ["Redactor", "configure_logging", "logger"]

# This module is <package>._runtime._logging: the logger is the package's (vendored or not).
PACKAGE = __name__.rsplit("._runtime", 1)[0]
logger = logging.getLogger(PACKAGE)

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_FORMAT = "[%(asctime)s %(name)s %(levelname)s] %(message)s"


def configure_logging(value: str | None, variable: str) -> None:
    """Apply the environment switch ``variable`` (its ``value``: debug or info; unset: nothing).

    Sets the package logger's level and, when nothing handles its records yet (the program
    configured no logging), adds one handler printing to stderr. Calling it again changes
    nothing more.
    """
    if not value:
        return
    level = _LEVELS.get(value.strip().lower())
    if level is None:
        warnings.warn(f"{variable}={value!r} is ignored: use debug or info", stacklevel=3)
        return
    logger.setLevel(level)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(handler)


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
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "retry %s %s after %s in %.2fs",
                request.method,
                self.url(request.url),
                reason,
                delay,
            )
