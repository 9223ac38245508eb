"""Exceptions raised by the client, and the warning about sending credentials in clear text.

Catch ``APIError`` to handle every failure of a call, or one of its subclasses::

    APIError
    ├── APIConnectionError            the server could not be reached, or the exchange broke off
    │   └── APITimeoutError           ... because a timeout expired
    ├── APIResponseValidationError    a 2xx response whose body does not match the declared type
    ├── RequestURLError               a request refused before sending: its URL is not valid or
    │                                 leaves the base URL (another scheme, host or port)
    └── APIStatusError                the server answered with a status >= 400, or a redirect
        ├── RedirectError             3xx: a redirect the client did not follow
        ├── BadRequestError           400
        ├── AuthenticationError       401
        ├── PermissionDeniedError     403
        ├── NotFoundError             404
        ├── ConflictError             409
        ├── UnprocessableEntityError  422
        ├── RateLimitError            429
        └── InternalServerError       >= 500

Messages name the method, the URL path, the status and, for a URL refused, its scheme, host and
port only: never user info, headers or query strings, which is where credentials travel. A status
error's message adds what the server said (the message of its error body, or the start of its
text, with control characters escaped and the client's credentials masked) and the request id
the server gave the response (``request_id``), which its operators ask for.
"""

from __future__ import annotations

import httpx

__all__ = [
    "REQUEST_ID_HEADERS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InsecureTransportWarning",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RequestURLError",
    "UnprocessableEntityError",
    "status_error",
    "transport_error",
]


# Where servers put the id of a request (their logs know it by): the common names, in order.
REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-ms-request-id",
    "x-correlation-id",
)


def request_id(headers: httpx.Headers) -> str | None:
    """The request id a response carries (the first of ``REQUEST_ID_HEADERS`` present)."""
    return next((headers[name] for name in REQUEST_ID_HEADERS if headers.get(name)), None)


def transport_error(exc: httpx.RequestError, request: httpx.Request) -> APIConnectionError:
    """The client's error for ``exc``, raised by httpx while sending ``request`` or reading its
    response: ``APITimeoutError`` for a timeout, else ``APIConnectionError``. The message names
    the method and path only (no query string, where apiKeys may travel)."""
    described = f"{request.method} {request.url.raw_path.split(b'?')[0].decode('ascii')}"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Timed out: {described}", request=request)
    return APIConnectionError(f"Connection error: {described}", request=request)


class InsecureTransportWarning(UserWarning):
    """Credentials are configured for a plain ``http://`` base URL, where anyone can read them."""


class APIError(Exception):
    """Base class of every error the client raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class APIConnectionError(APIError):
    """No usable response arrived: the connection failed or broke off (the cause is chained)."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired."""


class APIResponseValidationError(APIError):
    """A successful response whose body is not what the API description promises.

    ``body`` holds what could be read (JSON data or text) so the caller can still use it.
    Raised only by a client made with ``strict_response_validation=True`` when the body can be
    read but does not match; otherwise the data is returned as received, with a logged warning.
    """

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.request_id: str | None = request_id(response.headers)


class RequestURLError(APIError, ValueError):
    """A request the client refused to send; nothing was sent.

    Its URL is not valid, or it would leave the base URL: another scheme, host or port, or a
    path outside the base URL's path. A path template or path argument can only add to the base
    URL's path, so credentials never travel to a host the caller did not configure. The message
    names the scheme, host and port refused, never user info, query or headers. It is also a
    ``ValueError``, like a missing path argument: the arguments cannot make a request.
    """


class APIStatusError(APIError):
    """The server answered with an error status (or a redirect the client did not follow).

    ``body`` is the parsed error body: an instance of the error model the API declares for this
    status when the body matches it, otherwise the JSON data, otherwise the text. ``request_id``
    is the id the server gave the request (``X-Request-Id`` and the like), or None.
    """

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message)
        self.response = response
        self.status_code: int = response.status_code
        self.headers: httpx.Headers = response.headers
        self.body = body
        self.request_id: str | None = request_id(response.headers)


class RedirectError(APIStatusError):
    """A 3xx response the client did not follow; the message says why.

    ``location`` is the response's Location header (None when it has none). The client follows
    301, 302, 303, 307 and 308 only to the base URL's scheme, host and port, and only a few
    times in a row; nothing is ever sent to a Location elsewhere.
    """

    def __init__(self, message: str, *, response: httpx.Response, body: object) -> None:
        super().__init__(message, response=response, body=body)
        self.location: str | None = response.headers.get("location")


class BadRequestError(APIStatusError):
    """400 Bad Request."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized: credentials are missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden."""


class NotFoundError(APIStatusError):
    """404 Not Found."""


class ConflictError(APIStatusError):
    """409 Conflict."""


class UnprocessableEntityError(APIStatusError):
    """422 Unprocessable Entity."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests."""


class InternalServerError(APIStatusError):
    """Any 5xx status."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(status_code: int) -> type[APIStatusError]:
    """Return the exception class for an error status (``APIStatusError`` when none is specific)."""
    if status_code >= 500:
        return InternalServerError
    if 300 <= status_code < 400:
        return RedirectError
    return _BY_STATUS.get(status_code, APIStatusError)
