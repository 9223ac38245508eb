"""Raw and streamed responses: the HTTP response itself, its body read or parsed on demand.

A resource's ``with_raw_response`` and ``with_streaming_response`` are built on copies of the
client made by ``client.raw()`` and ``client.raw(stream=True)``: only calls made through that
copy return a response object, whatever runs meanwhile in other threads, other tasks, or nested
inside the call. The two differ only in when the body is read: a raw call reads it before it
returns; a streamed call returns as soon as the status and headers have arrived, the body still
on the connection, and the ``with`` block around it closes the response when it ends, however
it ends.

A streamed call is retried like any call (see ``_retry``) while the client still holds the
response, that is before any byte of the body is given to the caller: once the caller has it, a
failure while reading the body raises ``APIConnectionError`` (or ``APITimeoutError``) and
nothing is sent again. An error status is never streamed: its body is read, at most
``MAX_ERROR_BODY`` bytes of it, and raised as a normal call raises it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import IO, Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

import httpx

from ._errors import request_id, transport_error

__all__ = [
    "MAX_ERROR_BODY",
    "AsyncRawResponse",
    "AsyncStreamedCall",
    "RawResponse",
    "StreamedCall",
    "async_raw_method",
    "async_raw_view",
    "async_stream_method",
    "async_stream_view",
    "raw_method",
    "raw_view",
    "read_error_body",
    "aread_error_body",
    "replacing_file",
    "stream_method",
    "stream_view",
]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")
_ResponseT = TypeVar("_ResponseT", bound="_Head[Any]")

# The most of an error body a streamed call reads: a server (or a proxy before it) may answer an
# error with gigabytes, which the caller asked to stream, not to hold.
MAX_ERROR_BODY = 1024 * 1024


class _Head(Generic[T]):
    """What a response says before its body: the status, the headers, the request id."""

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

    @property
    def request_id(self) -> str | None:
        """The id the server gave the request (``X-Request-Id`` and the like), or None."""
        return request_id(self.http_response.headers)

    def _parse_read_body(self) -> T:
        if self._parsed is None:
            self._parsed = (self._parser(),)
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}]>"


class RawResponse(_Head[T]):
    """An HTTP response whose body is parsed only when ``parse()`` is called.

    Streamed (``with_streaming_response``), the body is read only as asked: ``iter_bytes()``,
    ``read()``, ``write_to_file()`` or ``parse()``; the ``with`` block closes it.
    """

    def parse(self) -> T:
        """Parse the body into the declared type (once; later calls return the same object)."""
        self.read()
        return self._parse_read_body()

    def read(self) -> bytes:
        """The whole body (read from the connection once)."""
        with _reading(self.http_response):
            return self.http_response.read()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body, decoded (gzip...), in chunks of ``chunk_size`` bytes (None: as they come)."""
        with _reading(self.http_response):
            yield from self.http_response.iter_bytes(chunk_size)

    def write_to_file(self, path: str | os.PathLike[str]) -> None:
        """Write the body to ``path`` as it arrives; see ``replacing_file`` for how."""
        with replacing_file(path) as out:
            for chunk in self.iter_bytes():
                out.write(chunk)

    def close(self) -> None:
        self.http_response.close()

    def __enter__(self: _ResponseT) -> _ResponseT:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncRawResponse(_Head[T]):
    """A streamed response of the async client: ``RawResponse`` with its body read by awaiting."""

    async def parse(self) -> T:
        """Parse the body into the declared type (once; later calls return the same object)."""
        await self.read()
        return self._parse_read_body()

    async def read(self) -> bytes:
        """The whole body (read from the connection once)."""
        with _reading(self.http_response):
            return await self.http_response.aread()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body, decoded (gzip...), in chunks of ``chunk_size`` bytes (None: as they come)."""
        with _reading(self.http_response):
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                yield chunk

    async def write_to_file(self, path: str | os.PathLike[str]) -> None:
        """Write the body to ``path`` as it arrives; see ``replacing_file`` for how. Each chunk is
        written in a worker thread: a slow disk must not stall the event loop."""
        import asyncio  # only async users pay for it (see _client._asyncio_sleep)

        with replacing_file(path) as out:
            async for chunk in self.iter_bytes():
                await asyncio.to_thread(out.write, chunk)

    async def close(self) -> None:
        await self.http_response.aclose()

    async def __aenter__(self: _ResponseT) -> _ResponseT:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


@contextlib.contextmanager
def _reading(response: httpx.Response) -> Iterator[None]:
    """A failure while the body is read is the client's error, as one while sending is."""
    try:
        yield
    except httpx.RequestError as exc:
        raise transport_error(exc, response.request) from exc


class StreamedCall(Generic[T]):
    """What ``with_streaming_response.<operation>(...)`` returns: the request is sent when the
    ``with`` block starts (raising as a normal call does), and the response is closed when the
    block ends, however it ends."""

    def __init__(self, send: Callable[[], object]) -> None:
        self._send = send
        self._response: RawResponse[T] | None = None

    def __enter__(self) -> RawResponse[T]:
        self._response = _checked(self._send(), RawResponse)
        return self._response

    def __exit__(self, *exc_info: object) -> None:
        if self._response is not None:
            self._response.close()


class AsyncStreamedCall(Generic[T]):
    """``StreamedCall`` for ``async with``: the request is sent when the block starts."""

    def __init__(self, send: Callable[[], Awaitable[object]]) -> None:
        self._send = send
        self._response: AsyncRawResponse[T] | None = None

    async def __aenter__(self) -> AsyncRawResponse[T]:
        self._response = _checked(await self._send(), AsyncRawResponse)
        return self._response

    async def __aexit__(self, *exc_info: object) -> None:
        if self._response is not None:
            await self._response.close()


def raw_method(method: Callable[P, R]) -> Callable[P, RawResponse[R]]:
    """``method`` of a resource built on a raw client, typed as returning the ``RawResponse``
    that client gives back instead of ``R`` (the parameters stay those of ``method``)."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[R]:
        return _checked(method(*args, **kwargs), RawResponse)

    return wrapped


def async_raw_method(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[RawResponse[R]]]:
    """Like ``raw_method``, for ``async`` methods."""

    @functools.wraps(method)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> RawResponse[R]:
        return _checked(await method(*args, **kwargs), RawResponse)

    return wrapped


def stream_method(method: Callable[P, R]) -> Callable[P, StreamedCall[R]]:
    """``method`` of a resource built on a streaming client (``client.raw(stream=True)``), typed
    as returning the ``StreamedCall`` that sends it in a ``with`` block."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> StreamedCall[R]:
        return StreamedCall(lambda: method(*args, **kwargs))

    return wrapped


def async_stream_method(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncStreamedCall[R]]:
    """Like ``stream_method``, for ``async`` methods (and ``async with``)."""

    @functools.wraps(method)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncStreamedCall[R]:
        # Called when the block starts, not here: a call never entered leaves no coroutine behind.
        return AsyncStreamedCall(lambda: method(*args, **kwargs))

    return wrapped


class _View(Protocol):
    """A resource's ``with_raw_response`` or ``with_streaming_response``: the resource it is
    built on, whose client is a raw copy."""

    _resource: Any


class ViewMethod(Generic[P, T]):
    """An operation as a member of a view (a class attribute): the method of the view's
    resource, wrapped when it is first used on a view, then kept on it.

    Not when the view is made: a resource may have hundreds of operations, and wrapping every
    one of them on each view cost more than a raw call itself (Jira's 317 operations: 1.4 ms a
    view). The method is looked up on the view's resource, so a subclass's override is the one
    called; the function the factories below take only types the member.
    """

    def __init__(self, wrap: Callable[[Any], Any]) -> None:
        self._wrap = wrap
        self._name = ""  # the attribute's, set when the view's class is made

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, view: None, owner: type | None = None) -> ViewMethod[P, T]: ...

    @overload
    def __get__(self, view: _View, owner: type | None = None) -> Callable[P, T]: ...

    def __get__(
        self, view: _View | None, owner: type | None = None
    ) -> ViewMethod[P, T] | Callable[P, T]:
        if view is None:
            return self
        wrapped: Callable[P, T] = self._wrap(getattr(view._resource, self._name))
        vars(view)[self._name] = wrapped  # found before this descriptor from now on
        return wrapped


def raw_view(method: Callable[Concatenate[Any, P], R]) -> ViewMethod[P, RawResponse[R]]:
    """The member of a ``with_raw_response`` view for the resource's ``method``."""
    return ViewMethod[P, RawResponse[R]](raw_method)


def async_raw_view(
    method: Callable[Concatenate[Any, P], Awaitable[R]],
) -> ViewMethod[P, Awaitable[RawResponse[R]]]:
    """Like ``raw_view``, for ``async`` methods."""
    return ViewMethod[P, Awaitable[RawResponse[R]]](async_raw_method)


def stream_view(method: Callable[Concatenate[Any, P], R]) -> ViewMethod[P, StreamedCall[R]]:
    """The member of a ``with_streaming_response`` view for the resource's ``method``."""
    return ViewMethod[P, StreamedCall[R]](stream_method)


def async_stream_view(
    method: Callable[Concatenate[Any, P], Awaitable[R]],
) -> ViewMethod[P, AsyncStreamedCall[R]]:
    """Like ``stream_view``, for ``async`` methods (and ``async with``)."""
    return ViewMethod[P, AsyncStreamedCall[R]](async_stream_method)


def _checked(result: object, expected: type[_ResponseT]) -> _ResponseT:
    if not isinstance(result, expected):
        raise TypeError("the method is not one of a resource built on a raw client (client.raw())")
    return result


def read_error_body(response: httpx.Response) -> httpx.Response:
    """The error (or redirect) ``response`` of a streamed call with its body read, at most
    ``MAX_ERROR_BODY`` bytes of it, and its connection closed."""
    try:
        body = _bounded(response.iter_bytes())
    finally:
        response.close()
    return _with_body(response, body)


async def aread_error_body(response: httpx.Response) -> httpx.Response:
    """``read_error_body`` for the async client."""
    chunks, size = [], 0
    try:
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= MAX_ERROR_BODY:
                break
    finally:
        await response.aclose()
    return _with_body(response, _bounded(chunks))


def _bounded(chunks: Iterable[bytes]) -> bytes:
    kept, size = [], 0
    for chunk in chunks:
        kept.append(chunk[: MAX_ERROR_BODY - size])
        size += len(kept[-1])
        if size >= MAX_ERROR_BODY:
            break
    return b"".join(kept)


def _with_body(response: httpx.Response, body: bytes) -> httpx.Response:
    """A read copy of ``response`` holding ``body``, decoded already (so its Content-Encoding
    goes), and the redirect httpx prepared for it."""
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() != "content-encoding"
    ]
    copy = httpx.Response(
        response.status_code,
        headers=headers,
        content=body,
        request=response.request,
        extensions=response.extensions,
    )
    copy.next_request = response.next_request
    return copy


@contextlib.contextmanager
def replacing_file(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A new file beside ``path`` that replaces it when the block ends without error, and is
    removed when it raises: a failed download never leaves a truncated file under ``path``, and
    a link planted at ``path`` is replaced, never written through."""
    target = os.fspath(path)
    temp, out = _new_file_beside(target)
    try:
        with out:
            yield out
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _new_file_beside(target: str) -> tuple[str, IO[bytes]]:
    folder, name = os.path.split(target)
    # O_EXCL creates the file or fails: it never opens one an attacker placed (or linked) first.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = os.path.join(folder, f".{name[:200]}.{secrets.token_hex(6)}.part")
        try:
            descriptor = os.open(temp, flags, 0o666)  # the umask applies, as to any new file
        except FileExistsError:
            continue
        return temp, os.fdopen(descriptor, "wb")
    raise FileExistsError(f"no free temporary name beside {target!r}")
