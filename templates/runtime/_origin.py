"""Keeping every request on the base URL: the check before sending, and which redirects to follow.

The base URL is the only address the caller trusts with credentials. Path templates come from
the API description and path arguments from the caller's data; neither may move a request to
another scheme, host or port (a template ``.evil.example/x`` or ``{name}/x`` would otherwise
turn ``https://api.example.com`` into ``https://api.example.com.evil.example/x``), nor out of
the base URL's path. Such a request raises ``RequestURLError`` and nothing is sent.

Redirects: a 301, 302, 303, 307 or 308 whose Location has the base URL's scheme, host and port
is followed, at most ``MAX_REDIRECTS`` times in a row, as httpx follows it: 303 (and 302, and
301 after a POST) becomes a GET without a body, 307 and 308 keep the method and body. Any other
3xx, a Location elsewhere (the same host over another scheme or port included), a Location with
user info, and one redirect too many are not followed: the call raises ``RedirectError``, which
carries the status, headers and Location, and nothing is sent to the Location. An injected
``httpx.Client(follow_redirects=True)`` changes nothing: every send asks httpx not to follow.
"""

from __future__ import annotations

import httpx

from ._errors import RequestURLError

__all__ = ["MAX_REDIRECTS", "BaseURL"]

MAX_REDIRECTS = 5

_DEFAULT_PORTS = {"http": 80, "https": 443}

# (scheme, host, port): what must not change between the base URL and a request.
_Origin = tuple[str, bytes, int | None]


class BaseURL:
    """The base URL as httpx parsed it: the origin and path every request must stay within."""

    __slots__ = ("configured", "_origin", "_path", "_shown")

    def __init__(self, configured: str, url: httpx.URL) -> None:
        # The option this was parsed from: a client whose base_url changed parses it again.
        self.configured = configured
        self._origin = _origin_of(url)
        self._path = _path_of(url).rstrip(b"/")
        self._shown = _show_origin(url)

    def check(self, request: httpx.Request) -> None:
        """Raise ``RequestURLError`` unless ``request`` stays on this origin, under this path."""
        url = request.url
        if _origin_of(url) != self._origin:
            raise RequestURLError(
                f"refused to send {request.method} to {_show_origin(url)}: a path template or "
                f"argument cannot change the base URL's scheme, host or port ({self._shown})"
            )
        path = _path_of(url)
        if path != self._path and not path.startswith(self._path + b"/"):
            raise RequestURLError(
                f"refused to send {request.method} {path.decode('ascii')}: it is outside the "
                f"base URL's path {self._path.decode('ascii')}/"
            )

    def redirect_refusal(self, response: httpx.Response, hops: int) -> str | None:
        """Why the 3xx ``response`` is not followed; None when its ``next_request`` may be sent.

        ``hops`` counts the redirects already followed for this call.
        """
        target = response.next_request
        if target is None:
            # httpx prepares a next request for 301, 302, 303, 307 and 308 with a Location only.
            if "location" not in response.headers:
                return "the redirect has no Location"
            return f"a {response.status_code} redirect is not followed"
        if _origin_of(target.url) != self._origin:
            return (
                f"not followed to {_show_origin(target.url)}: only redirects to the base URL's "
                f"scheme, host and port ({self._shown}) are followed"
            )
        if target.url.userinfo:
            return "not followed: the Location carries user info"
        if hops >= MAX_REDIRECTS:
            return f"not followed: more than {MAX_REDIRECTS} redirects in a row"
        return None


def _origin_of(url: httpx.URL) -> _Origin:
    # httpx lower-cases the host and drops a default port; the port is filled in again so that
    # https://host and https://host:443 compare equal.
    return url.scheme, url.raw_host, url.port or _DEFAULT_PORTS.get(url.scheme)


def _path_of(url: httpx.URL) -> bytes:
    return url.raw_path.split(b"?", 1)[0]


def _show_origin(url: httpx.URL) -> str:
    """``scheme://host[:port]``: never the user info, path or query, where secrets may be."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}"
