"""Reading responses: parsing success bodies, building status errors, and raw responses.

A raw response comes from a raw copy of the client (``client.raw()``, which a resource's
``with_raw_response`` is built on): only calls made through that copy return one, whatever runs
meanwhile in other threads, other tasks, or nested inside the call.

Parsing validates JSON against the type the operation declares for the status, through a
``pydantic.TypeAdapter`` that is built once per type (building one is slow). A body nested too
deeply for the JSON readers (a hostile ``[[[[...]]]]``) is not JSON to the client: a success
raises ``APIResponseValidationError``, an error status carries the body as text.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx
import pydantic

from ._errors import APIResponseValidationError, APIStatusError, status_error
from ._route import LazyType

__all__ = [
    "RawResponse",
    "async_raw_method",
    "declared_type",
    "is_json_type",
    "parse_error_body",
    "parse_success",
    "raw_method",
    "status_exception",
]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

_ADAPTERS: dict[object, pydantic.TypeAdapter[Any]] = {}


class RawResponse(Generic[T]):
    """An HTTP response whose body is parsed only when ``parse()`` is called."""

    def __init__(self, http_response: httpx.Response, parser: Callable[[], T]) -> None:
        self.http_response = http_response
        self._parser = parser
        self._parsed: tuple[T] | None = None

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    def parse(self) -> T:
        """Parse the body into the declared type (once; later calls return the same object)."""
        if self._parsed is None:
            self._parsed = (self._parser(),)
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}]>"


def raw_method(method: Callable[P, R]) -> Callable[P, RawResponse[R]]:
    """``method`` of a resource built on a raw client, typed as returning the ``RawResponse``
    that client gives back instead of ``R`` (the parameters stay those of ``method``)."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[R]:
        return _checked_raw(method(*args, **kwargs))

    return wrapped


def async_raw_method(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[RawResponse[R]]]:
    """Like ``raw_method``, for ``async`` methods."""

    @functools.wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[R]:
        return _checked_raw(await method(*args, **kwargs))

    return wrapped


def _checked_raw(result: object) -> RawResponse[Any]:
    if not isinstance(result, RawResponse):
        raise TypeError("the method is not one of a resource built on a raw client (client.raw())")
    return result


def declared_type(types: Mapping[str, object], status_code: int) -> object:
    """The body type declared for ``status_code``, falling back to "default", else None."""
    declared = types.get(str(status_code), types.get("default"))
    return declared.resolve() if isinstance(declared, LazyType) else declared


def _adapter(annotation: object) -> pydantic.TypeAdapter[Any]:
    try:
        return _ADAPTERS[annotation]
    except KeyError:
        adapter = _ADAPTERS[annotation] = pydantic.TypeAdapter(cast(Any, annotation))
        return adapter
    except TypeError:  # an unhashable annotation cannot be cached
        return pydantic.TypeAdapter(cast(Any, annotation))


def is_json_type(content_type: str) -> bool:
    """True for application/json and the ``+json`` media types (``application/problem+json``)."""
    media_type = content_type.split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _describe(response: httpx.Response) -> str:
    """'404 Not Found for GET /calls/5': no query string, where apiKeys may travel."""
    request = response.request
    path = request.url.raw_path.split(b"?")[0].decode("ascii")
    return f"{response.status_code} {response.reason_phrase} for {request.method} {path}"


def parse_success(types: Mapping[str, object], response: httpx.Response) -> Any:
    """Parse a successful response into the type declared for its status."""
    try:
        return _parse_success(types, response)
    except RecursionError as exc:
        # From json, tried when pydantic's reader gives up on deep nesting, or from validation:
        # data nested deeper than the interpreter's stack allows is a hostile body, not a bug.
        message = f"{_describe(response)}: the body is nested too deeply to read"
        raise APIResponseValidationError(message, response=response, body=response.text) from exc


def _parse_success(types: Mapping[str, object], response: httpx.Response) -> Any:
    declared = declared_type(types, response.status_code)
    if declared is None or not response.content:
        return None
    if declared == "bytes":
        return response.content
    if declared is str and not is_json_type(response.headers.get("content-type", "")):
        return response.text
    adapter = _adapter(declared)
    try:
        # pydantic reads the JSON itself: about twice as fast as json.loads and then validating
        return adapter.validate_json(response.content)
    except pydantic.ValidationError as exc:
        if not _unreadable(exc):
            raise _mismatch(response) from exc
    try:  # JSON pydantic cannot read (a byte order mark, UTF-16): the standard library may
        data = response.json()
    except ValueError as exc:
        message = f"{_describe(response)}: the body is not JSON"
        raise APIResponseValidationError(message, response=response, body=response.text) from exc
    try:
        return adapter.validate_python(data)
    except pydantic.ValidationError as exc:
        raise _mismatch(response) from exc


def _unreadable(exc: pydantic.ValidationError) -> bool:
    return any(error["type"] == "json_invalid" for error in exc.errors(include_url=False))


def _mismatch(response: httpx.Response) -> APIResponseValidationError:
    message = f"{_describe(response)}: the body does not match the declared type"
    return APIResponseValidationError(message, response=response, body=_json_or_text(response))


def _json_or_text(response: httpx.Response) -> object:
    """The body as JSON data, else as text (also when it is nested too deeply to read)."""
    try:
        return response.json()
    except (ValueError, RecursionError):
        return response.text


def parse_error_body(types: Mapping[str, object], response: httpx.Response) -> object:
    """The declared error model when the body matches it, else the JSON data, else the text."""
    if not response.content:
        return None
    try:
        data = response.json()
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to read
        return response.text
    declared = declared_type(types, response.status_code)
    if declared is None or declared == "bytes":
        return data
    try:
        return _adapter(declared).validate_python(data)
    except (pydantic.ValidationError, RecursionError):
        return data


def status_exception(
    types: Mapping[str, object], response: httpx.Response, detail: str = ""
) -> APIStatusError:
    """The exception for an error (or unfollowed redirect) response, carrying its parsed body.

    ``detail`` ends the message when given (why a redirect was not followed).
    """
    body = parse_error_body(types, response)
    error_class = status_error(response.status_code)
    message = f"{_describe(response)}: {detail}" if detail else _describe(response)
    return error_class(message, response=response, body=body)
