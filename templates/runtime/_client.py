"""The synchronous and asynchronous API clients.

Both are built on ``_BaseClient``, which owns everything that is not I/O: building the
``httpx.Request``, deciding whether and when to retry, and reading the response. The two
subclasses only differ in how they send, sleep and close, so they cannot drift apart.

Every request stays on the base URL: one that a path template or argument would send to another
scheme, host or port raises ``RequestURLError`` before anything is sent. Redirects to the base
URL's scheme, host and port are followed (at most five in a row; 307 and 308 keep the method and
body); any other redirect raises ``RedirectError`` and nothing is sent to its Location. The
rules are in ``_origin``.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import time
import types
import urllib.parse
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import httpx

from .._version import PACKAGE_NAME, __version__
from ._auth import Credentials, SecurityScheme, apply_auth, secret_names
from ._errors import InsecureTransportWarning, RequestURLError, transport_error
from ._logging import Redactor
from ._origin import BaseURL
from ._pagination import AsyncPager, PageSpec, PageWalker, SyncPager
from ._raw import AsyncRawResponse, RawResponse, aread_error_body, read_error_body
from ._response import is_json_type, parse_success, status_exception
from ._retry import can_retry_error, can_retry_status, has_idempotency_key, retry_delay
from ._route import Route
from ._serialize import (
    check_required,
    encode_files,
    encode_form,
    encode_headers,
    encode_json,
    encode_multipart_fields,
    encode_path,
    encode_query,
    raw_content,
)
from ._types import NOT_GIVEN, NotGiven, Timeout

__all__ = ["AsyncAPIClient", "ClientOptions", "SyncAPIClient"]

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"{PACKAGE_NAME}/{__version__} python-httpx/{httpx.__version__}"

# Read-only empty mappings: safe as default arguments.
_EMPTY: Mapping[str, Any] = types.MappingProxyType({})
_NO_SCHEMES: Mapping[str, SecurityScheme] = types.MappingProxyType({})

_HttpT = TypeVar("_HttpT", httpx.Client, httpx.AsyncClient)
_ClientT = TypeVar("_ClientT", bound="_BaseClient[Any]")
_SyncT = TypeVar("_SyncT", bound="SyncAPIClient")
_AsyncT = TypeVar("_AsyncT", bound="AsyncAPIClient")
# What a call returns: the parsed body, a RawResponse (its body read), or a streamed response
# (its body still on the connection).
_Returns = Literal["parsed", "raw", "stream"]


@dataclass(frozen=True)
class ClientOptions:
    """The settings of a client; ``with_options`` makes a copy with some replaced."""

    base_url: str
    schemes: Mapping[str, SecurityScheme] = field(default_factory=dict)
    credentials: Credentials = field(default_factory=Credentials)
    timeout: Timeout = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    default_headers: Mapping[str, str] = field(default_factory=dict)
    # False: a body that does not match its declared type is returned anyway, with a warning.
    strict_response_validation: bool = False


@dataclass(frozen=True)
class _Body:
    """The keyword arguments ``httpx.Client.build_request`` takes for a body."""

    content: bytes | None = None
    data: Mapping[str, Any] | None = None
    files: list[tuple[str, Any]] | None = None


class _BaseClient(Generic[_HttpT]):
    """Request building, retry decisions and response handling shared by both clients."""

    def __init__(self, options: ClientOptions, http_client: _HttpT, owns_http: bool) -> None:
        self._options = options
        self._http: _HttpT = http_client
        # Only a client the runtime created is closed by it: an injected one belongs to the caller.
        self._owns_http = owns_http
        # Other than "parsed" only on a copy made by raw(): the one way a call returns a response.
        self._returns: _Returns = "parsed"
        self._base_url: BaseURL | None = None
        self._redactor = Redactor(*secret_names(options.schemes))
        # warn -> this -> SyncAPIClient.__init__ -> the generated client's __init__ -> caller.
        _warn_if_insecure(options, stacklevel=5)

    @property
    def options(self) -> ClientOptions:
        return self._options

    def __repr__(self) -> str:
        base_url = self._redactor.url(httpx.URL(self._options.base_url))
        return f"{type(self).__name__}(base_url={base_url!r})"

    def with_options(
        self: _ClientT,
        *,
        base_url: str | NotGiven = NOT_GIVEN,
        credentials: Credentials | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        strict_response_validation: bool | NotGiven = NOT_GIVEN,
    ) -> _ClientT:
        """A copy with some options replaced, sharing this client's HTTP connection pool.

        ``default_headers`` are merged into the current ones. The copy borrows the pool, as
        openai-python's copies do, but unlike theirs its ``close()`` leaves the pool open (a
        short-lived copy must not break the client it came from); closing this client closes
        the pool for every copy.
        """
        changes: dict[str, Any] = {
            "base_url": base_url,
            "credentials": credentials,
            "timeout": timeout,
            "max_retries": max_retries,
            "strict_response_validation": strict_response_validation,
        }
        if not isinstance(default_headers, NotGiven):
            changes["default_headers"] = {**self._options.default_headers, **default_headers}
        given = {key: value for key, value in changes.items() if value is not NOT_GIVEN}
        clone = self._copy()
        clone._options = dataclasses.replace(self._options, **given)
        if "base_url" in given or "credentials" in given:
            _warn_if_insecure(clone._options, stacklevel=3)
        return clone

    def raw(self: _ClientT, *, stream: bool = False) -> _ClientT:
        """A copy whose ``request`` returns a ``RawResponse`` instead of the parsed body; with
        ``stream``, one whose body is not read yet (an ``AsyncRawResponse`` for the async client),
        which the caller must close.

        Only calls made through the copy are raw: this client, its other copies, and calls made
        meanwhile in other threads or tasks (or nested inside a raw call) are not.
        """
        clone = self._copy()
        clone._returns = "stream" if stream else "raw"
        return clone

    def _copy(self: _ClientT) -> _ClientT:
        clone = copy.copy(self)
        clone._owns_http = False
        # Subclasses cache resources with functools.cached_property; a cached resource is bound
        # to this client, so the copy must build its own or it would use these options.
        for name in _cached_property_names(type(self)):
            clone.__dict__.pop(name, None)
        return clone

    # -- building the request -------------------------------------------------------------

    def _build_request(
        self,
        route: Route,
        *,
        path: Mapping[str, object] = _EMPTY,
        query: Mapping[str, object] = _EMPTY,
        headers: Mapping[str, object] = _EMPTY,
        body: object = NOT_GIVEN,
        form: Mapping[str, object] = _EMPTY,
        files: Mapping[str, object] = _EMPTY,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> httpx.Request:
        options = self._options
        if route.required:  # most routes require nothing but their path
            given = {"query": query, "header": headers, "formData": {**form, **files}}
            check_required(route.required, given, body)
        url = options.base_url.rstrip("/") + encode_path(route.path, path, route.path_formats)
        params = encode_query(query, route.query_formats)
        all_headers = self._default_headers(route)
        apply_auth(all_headers, params, route.security, options.schemes, options.credentials)
        all_headers.update(encode_headers(headers))
        params.extend(encode_query(extra_query or _EMPTY, _EMPTY))
        all_headers.update(extra_headers or _EMPTY)
        encoded = _encode_body(route, body, form, files, all_headers, extra_body)
        if params:
            # The query joined here, as httpx would join it: httpx then parses one URL, not two.
            # After a path template's own query (``/search?kind=all``), which httpx's ``params=``
            # would replace.
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        try:
            request = self._http.build_request(
                route.method,
                url,
                headers=all_headers,
                content=encoded.content,
                data=encoded.data,
                files=encoded.files,
                timeout=options.timeout if isinstance(timeout, NotGiven) else timeout,
            )
        except httpx.InvalidURL as exc:
            # httpx names the part it refused (a port, a host), never the whole URL.
            raise RequestURLError(f"refused to send {route.method}: {exc}") from exc
        if "Cookie" not in all_headers and "Cookie" not in self._http.headers:
            request.headers.pop("Cookie", None)  # the jar's: given at each attempt (_with_jar)
        if self._http.params:
            request.url = _with_client_params(url, request.url, self._http.params)
        self._base().check(request)
        return request

    def _page_request(
        self,
        route: Route,
        walker: PageWalker,
        query: Mapping[str, object],
        request_kwargs: dict[str, Any],
        page_url: httpx.URL | None,
    ) -> httpx.Request:
        """The request for a walk's next page: the operation's own, or a GET of the next link
        the last page (at page_url) stated, resolved against that URL as a browser would, with
        the operation's headers and credentials, and only where the base URL allows a request."""
        request = self._build_request(route, query=query, **request_kwargs)
        if walker.link is None or page_url is None:
            return request
        try:
            url = page_url.join(walker.link)
        except httpx.InvalidURL as exc:
            raise RequestURLError(f"refused to follow the next link: {exc}") from exc
        if url.userinfo:
            raise RequestURLError("refused to follow a next link that carries user info")
        given = request.url.params
        wanted = [(k, v) for k, v in self._query_credentials(route) if k not in url.params]
        wanted += [(k, given[k]) for k in walker.link_query if k in given]  # api-version
        for name, value in wanted:
            if url.params.get_list(name) != [value]:
                url = _with_query_param(url, name, value)
        kept = [(k, v) for k, v in request.headers.multi_items() if k.lower() not in _BODY_HEADERS]
        link = httpx.Request("GET", url, headers=kept, extensions=request.extensions)
        self._base().check(link)
        return link

    def _query_credentials(self, route: Route) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = []
        options = self._options
        apply_auth({}, params, route.security, options.schemes, options.credentials)
        return params

    def _base(self) -> BaseURL:
        """The parsed base URL, parsed again only when ``with_options`` changed it."""
        configured = self._options.base_url
        if self._base_url is None or self._base_url.configured != configured:
            # Parsed by httpx as it parses requests, joined to an injected client's base_url.
            try:
                url = self._http.build_request("GET", configured.rstrip("/")).url
            except httpx.InvalidURL as exc:
                raise RequestURLError(f"the base URL is not valid: {exc}") from exc
            self._base_url = BaseURL(configured, url)
        return self._base_url

    def _default_headers(self, route: Route) -> httpx.Headers:
        binary = any(kind == "bytes" for kind in route.success.values())
        headers = httpx.Headers(
            {"User-Agent": USER_AGENT, "Accept": "*/*" if binary else "application/json"}
        )
        headers.update(self._options.default_headers)
        return headers

    # -- retry decisions ------------------------------------------------------------------

    def _delay_after_error(
        self,
        route: Route,
        request: httpx.Request,
        exc: httpx.RequestError,
        attempt: int,
        max_retries: int,
    ) -> float:
        """Seconds to wait before retrying after ``exc``; raises when it must not be retried."""
        if attempt < max_retries and can_retry_error(exc, _retry_safe(route, request)):
            delay = retry_delay(attempt)
            self._redactor.log_retry(request, type(exc).__name__, delay)
            return delay
        raise transport_error(exc, request) from exc

    def _delay_after_response(
        self, route: Route, response: httpx.Response, attempt: int, max_retries: int
    ) -> float | None:
        """Seconds to wait before retrying after ``response``, or None to keep it."""
        retryable = can_retry_status(response.status_code, _retry_safe(route, response.request))
        if not retryable or attempt >= max_retries:
            return None
        delay = retry_delay(attempt, response.headers)
        self._redactor.log_retry(response.request, f"status {response.status_code}", delay)
        return delay

    # -- redirects ------------------------------------------------------------------------

    def _next_hop(self, route: Route, response: httpx.Response, hops: int) -> httpx.Request | None:
        """The request that follows a redirect ``response``, or None when it is not a redirect.

        Raises ``RedirectError`` for a redirect that is not followed (see ``_origin``).
        """
        if not 300 <= response.status_code < 400:
            return None
        target = response.next_request
        refusal = self._base().redirect_refusal(response, hops)
        if refusal is not None or target is None:  # a missing target always has a refusal
            detail = refusal or "not followed"
            raise status_exception(route.errors, response, detail, self._secrets())
        return target

    # -- reading the response -------------------------------------------------------------

    def _finish(self, route: Route, response: httpx.Response, returns: _Returns) -> Any:
        """The parsed body, or the response as ``returns`` says; raises for error statuses in
        every mode (a streamed response's error body was read by ``_send``)."""
        if response.status_code >= 300:
            raise status_exception(route.errors, response, secrets=self._secrets())
        parse = functools.partial(
            parse_success, route.success, response, self._options.strict_response_validation
        )
        if returns == "parsed":
            return parse()
        if returns == "stream":
            return self._streamed_response(response, parse)
        return RawResponse(response, parse)

    # The streamed response's class: its body is read with the client's kind of I/O.
    _streamed_response: Callable[[httpx.Response, Callable[[], Any]], Any]

    def _secrets(self) -> tuple[str, ...]:
        return self._options.credentials.secrets()

    def _retries(self, max_retries: int | NotGiven) -> int:
        return self._options.max_retries if isinstance(max_retries, NotGiven) else max_retries


class SyncAPIClient(_BaseClient[httpx.Client]):
    """A blocking client; use it as a context manager or call ``close()``."""

    _streamed_response = RawResponse

    def __init__(
        self,
        *,
        base_url: str,
        schemes: Mapping[str, SecurityScheme] = _NO_SCHEMES,
        credentials: Credentials | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        strict_response_validation: bool = False,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        _sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        _check_http_arguments(http_client, transport)
        options = _make_options(
            base_url, schemes, credentials, timeout, max_retries, default_headers, http_client
        )
        options = dataclasses.replace(
            options, strict_response_validation=strict_response_validation
        )
        owns = http_client is None
        http = httpx.Client(transport=transport) if http_client is None else http_client
        super().__init__(options, http, owns)
        self._sleep = _sleep

    def request(
        self,
        route: Route,
        *,
        path: Mapping[str, object] = _EMPTY,
        query: Mapping[str, object] = _EMPTY,
        headers: Mapping[str, object] = _EMPTY,
        body: object = NOT_GIVEN,
        form: Mapping[str, object] = _EMPTY,
        files: Mapping[str, object] = _EMPTY,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Send one operation (with retries) and return its parsed body, or raise."""
        http_request = self._build_request(
            route,
            path=path,
            query=query,
            headers=headers,
            body=body,
            form=form,
            files=files,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        stream = self._returns == "stream"
        response = self._send(route, http_request, self._retries(max_retries), stream)
        return self._finish(route, response, self._returns)

    def paginate(
        self, route: Route, page_spec: PageSpec, **request_kwargs: Any
    ) -> SyncPager[Any, Any]:
        """The items of every page, each page fetched when the previous one is used up; the
        pager's ``iter_pages()`` gives the pages themselves.

        The pages are read here, so the items are parsed on a raw copy too.
        """
        query = request_kwargs.pop("query", _EMPTY)
        retries = self._retries(request_kwargs.pop("max_retries", NOT_GIVEN))

        def pages() -> Iterator[tuple[Any, list[Any]]]:
            walker, where = PageWalker(page_spec, query), None
            while (page_query := walker.next_query()) is not None:
                http_request = self._page_request(route, walker, page_query, request_kwargs, where)
                sent = self._send(route, http_request, retries)
                where = sent.request.url  # where the page is: its next link is relative to it
                page = self._finish(route, sent, "parsed")
                if (items := walker.advance(page)) is not None:
                    yield page, items

        return SyncPager(pages)

    def _send(
        self, route: Route, request: httpx.Request, max_retries: int, stream: bool = False
    ) -> httpx.Response:
        hops = 0
        while True:
            response = self._send_with_retries(route, request, max_retries, stream)
            next_request = self._next_hop(route, response, hops)
            if next_request is None:
                return response
            response.close()
            request, hops = next_request, hops + 1

    def _send_with_retries(
        self, route: Route, request: httpx.Request, max_retries: int, stream: bool
    ) -> httpx.Response:
        """The response to keep: a success's body is still unread when ``stream``, which is
        why nothing is retried after it is returned."""
        jar = "Cookie" not in request.headers  # no Cookie of the caller's: the jar's, as it is
        attempt = 0
        while True:
            if jar:
                _with_jar(self._http.cookies, request)
            self._redactor.log_request(request, attempt)
            try:
                # Redirects are never left to httpx, whatever the injected client says.
                response = self._http.send(request, stream=stream, follow_redirects=False)
                if stream and response.status_code >= 300:
                    response = read_error_body(response)
            except httpx.RequestError as exc:
                delay = self._delay_after_error(route, request, exc, attempt, max_retries)
            else:
                self._redactor.log_response(request, response)
                maybe_delay = self._delay_after_response(route, response, attempt, max_retries)
                if maybe_delay is None:
                    return response
                response.close()
                delay = maybe_delay
            self._sleep(delay)
            attempt += 1

    def close(self) -> None:
        """Close the HTTP client if this runtime created it (not an injected one, which is the
        caller's to close, nor the one a ``with_options`` copy borrows)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: _SyncT) -> _SyncT:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncAPIClient(_BaseClient[httpx.AsyncClient]):
    """An ``asyncio`` client; use it as an async context manager or await ``aclose()``."""

    _streamed_response = AsyncRawResponse

    def __init__(
        self,
        *,
        base_url: str,
        schemes: Mapping[str, SecurityScheme] = _NO_SCHEMES,
        credentials: Credentials | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        strict_response_validation: bool = False,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        _sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        _check_http_arguments(http_client, transport)
        options = _make_options(
            base_url, schemes, credentials, timeout, max_retries, default_headers, http_client
        )
        options = dataclasses.replace(
            options, strict_response_validation=strict_response_validation
        )
        owns = http_client is None
        http = httpx.AsyncClient(transport=transport) if http_client is None else http_client
        super().__init__(options, http, owns)
        self._sleep = _asyncio_sleep() if _sleep is None else _sleep

    async def request(
        self,
        route: Route,
        *,
        path: Mapping[str, object] = _EMPTY,
        query: Mapping[str, object] = _EMPTY,
        headers: Mapping[str, object] = _EMPTY,
        body: object = NOT_GIVEN,
        form: Mapping[str, object] = _EMPTY,
        files: Mapping[str, object] = _EMPTY,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Send one operation (with retries) and return its parsed body, or raise."""
        http_request = self._build_request(
            route,
            path=path,
            query=query,
            headers=headers,
            body=body,
            form=form,
            files=files,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )
        stream = self._returns == "stream"
        response = await self._send(route, http_request, self._retries(max_retries), stream)
        return self._finish(route, response, self._returns)

    def apaginate(
        self, route: Route, page_spec: PageSpec, **request_kwargs: Any
    ) -> AsyncPager[Any, Any]:
        """The items of every page, each page fetched when the previous one is used up; the
        pager's ``iter_pages()`` gives the pages themselves.

        The pages are read here, so the items are parsed on a raw copy too.
        """
        query = request_kwargs.pop("query", _EMPTY)
        retries = self._retries(request_kwargs.pop("max_retries", NOT_GIVEN))

        async def pages() -> AsyncIterator[tuple[Any, list[Any]]]:
            walker, where = PageWalker(page_spec, query), None
            while (page_query := walker.next_query()) is not None:
                http_request = self._page_request(route, walker, page_query, request_kwargs, where)
                sent = await self._send(route, http_request, retries)
                where = sent.request.url
                page = self._finish(route, sent, "parsed")
                if (items := walker.advance(page)) is not None:
                    yield page, items

        return AsyncPager(pages)

    async def _send(
        self, route: Route, request: httpx.Request, max_retries: int, stream: bool = False
    ) -> httpx.Response:
        hops = 0
        while True:
            response = await self._send_with_retries(route, request, max_retries, stream)
            next_request = self._next_hop(route, response, hops)
            if next_request is None:
                return response
            await response.aclose()
            request, hops = next_request, hops + 1

    async def _send_with_retries(
        self, route: Route, request: httpx.Request, max_retries: int, stream: bool
    ) -> httpx.Response:
        """See ``SyncAPIClient._send_with_retries``."""
        jar = "Cookie" not in request.headers
        attempt = 0
        while True:
            if jar:
                _with_jar(self._http.cookies, request)
            self._redactor.log_request(request, attempt)
            try:
                # Redirects are never left to httpx, whatever the injected client says.
                response = await self._http.send(request, stream=stream, follow_redirects=False)
                if stream and response.status_code >= 300:
                    response = await aread_error_body(response)
            except httpx.RequestError as exc:
                delay = self._delay_after_error(route, request, exc, attempt, max_retries)
            else:
                self._redactor.log_response(request, response)
                maybe_delay = self._delay_after_response(route, response, attempt, max_retries)
                if maybe_delay is None:
                    return response
                await response.aclose()
                delay = maybe_delay
            await self._sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        """Close the HTTP client if this runtime created it (see ``close``)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: _AsyncT) -> _AsyncT:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _make_options(
    base_url: str,
    schemes: Mapping[str, SecurityScheme],
    credentials: Credentials | None,
    timeout: Timeout | NotGiven,
    max_retries: int,
    default_headers: Mapping[str, str] | None,
    http_client: httpx.Client | httpx.AsyncClient | None,
) -> ClientOptions:
    return ClientOptions(
        base_url=base_url,
        schemes=dict(schemes),
        credentials=credentials if credentials is not None else Credentials(),
        timeout=_default_timeout(http_client) if isinstance(timeout, NotGiven) else timeout,
        max_retries=max_retries,
        default_headers=dict(default_headers or {}),
    )


def _with_client_params(url: str, built: httpx.URL, params: httpx.QueryParams) -> httpx.URL:
    """built with url's query back: an injected client's ``params=`` became built's whole query
    (httpx 0.28), which would drop the operation's parameters, even a query API key. The
    client's params follow as defaults, each only where the request gives no value of its name."""
    query = urllib.parse.urlsplit(url).query
    given = {name for name, _ in urllib.parse.parse_qsl(query, keep_blank_values=True)}
    defaults = urllib.parse.urlencode([i for i in params.multi_items() if i[0] not in given])
    return built.copy_with(query="&".join(p for p in (query, defaults) if p).encode("ascii"))


def _retry_safe(route: Route, request: httpx.Request) -> bool:
    """True when sending ``request`` twice cannot make the server act twice."""
    return route.idempotent or has_idempotency_key(request, route.idempotency_header)


def _default_timeout(http_client: httpx.Client | httpx.AsyncClient | None) -> Timeout:
    """The timeout when the caller gives none: an injected client's own, unless it is httpx's
    default (5 s, which its maker most likely never chose), else ``DEFAULT_TIMEOUT``."""
    if http_client is not None and http_client.timeout != httpx.Timeout(5.0):
        return http_client.timeout
    return DEFAULT_TIMEOUT


def _asyncio_sleep() -> Callable[[float], Awaitable[None]]:
    # Imported only by an async client: asyncio takes about 12 ms to import, which every
    # synchronous user would otherwise pay at import time.
    import asyncio

    return asyncio.sleep


def _cached_property_names(cls: type) -> set[str]:
    return {
        name
        for klass in cls.__mro__
        for name, attribute in vars(klass).items()
        if isinstance(attribute, functools.cached_property)
    }


def _check_http_arguments(http_client: object, transport: object) -> None:
    if http_client is not None and transport is not None:
        raise ValueError("pass either http_client or transport, not both")


def _warn_if_insecure(options: ClientOptions, stacklevel: int) -> None:
    insecure = options.base_url.lower().startswith("http://")
    if insecure and not options.credentials.is_empty():
        warnings.warn(
            "credentials are configured for a plain http:// base URL; they will be sent "
            "unencrypted (use https://)",
            InsecureTransportWarning,
            stacklevel=stacklevel,
        )


def _with_jar(cookies: httpx.Cookies, request: httpx.Request) -> None:
    """Give request the cookies the jar holds now, as httpx does for a redirect: the response to
    a failed attempt may have set one (a load balancer's affinity cookie, on a 503) that the
    next attempt must carry, as a browser's would."""
    request.headers.pop("Cookie", None)
    if cookies:  # an empty jar, the usual case, adds nothing: urllib's cookie policy is skipped
        cookies.set_cookie_header(request)


def _encode_body(
    route: Route,
    body: object,
    form: Mapping[str, object],
    files: Mapping[str, object],
    headers: httpx.Headers,
    extra_body: Mapping[str, object] | None = None,
) -> _Body:
    """Encode the body the route declares; sets Content-Type where httpx does not.

    ``extra_body`` adds fields (replacing those of the same name): to the form, or to a JSON
    object body (an operation without a body sends them as one).
    """
    if route.body == "form":
        return _Body(data=encode_form({**form, **(extra_body or {})}, route.form_formats))
    if route.body == "multipart":
        return _encode_multipart(route, {**form, **(extra_body or {})}, files, headers)
    if route.body == "raw":
        return _encode_raw(route, body, headers, extra_body)
    if extra_body:  # the body made as the API names it first, then the extra fields as given
        body = _with_extra_fields(route, body, extra_body)
    if body is None or isinstance(body, NotGiven):
        return _Body()
    if isinstance(body, (bytes, bytearray)):
        headers.setdefault("Content-Type", route.content_type or "application/octet-stream")
        return _Body(content=bytes(body))
    if isinstance(body, str) and route.content_type and not is_json_type(route.content_type):
        # A text body (text/plain, application/xml, ...) is sent as is, not as a JSON string.
        headers.setdefault("Content-Type", route.content_type)
        return _Body(content=body.encode("utf-8"))
    headers.setdefault("Content-Type", route.content_type or "application/json")
    data = body if extra_body else encode_json(body, route.body_type)
    # Compact and UTF-8, like httpx's own json= encoding; NaN is not JSON, so refuse it.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _Body(content=text.encode("utf-8"))


def _with_query_param(url: httpx.URL, name: str, value: str) -> httpx.URL:
    """url with name=value (and no other value of name) in its query; the rest of the query is
    kept as the server wrote it (httpx's copy_set_param would encode it again: $ as %24)."""
    pairs = [pair for pair in url.query.decode("ascii").split("&") if pair]
    kept = [p for p in pairs if urllib.parse.unquote_plus(p.split("=", 1)[0]) != name]
    kept.append(urllib.parse.urlencode({name: value}))
    return url.copy_with(query="&".join(kept).encode("ascii"))


# A next link is a GET: the operation's body, if it had one, is not sent again.
_BODY_HEADERS = ("content-type", "content-length")


def _encode_raw(
    route: Route, body: object, headers: httpx.Headers, extra_body: Mapping[str, object] | None
) -> _Body:
    """A body the operation consumes as text or bytes (XML, a file, ...): sent as given, as the
    media type it consumes unless a (name, content, type) tuple names another."""
    media_type = route.content_type or "application/octet-stream"
    if extra_body:
        raise TypeError(
            f"extra_body adds fields to a JSON object; this body is sent as {media_type}"
        )
    if body is None or isinstance(body, NotGiven):
        return _Body()
    content, named = raw_content(body, media_type)
    headers.setdefault("Content-Type", named or media_type)
    return _Body(content=content)


def _with_extra_fields(
    route: Route, body: object, extra_body: Mapping[str, object]
) -> dict[str, Any]:
    data = {} if body is None or isinstance(body, NotGiven) else encode_json(body, route.body_type)
    if not isinstance(data, dict):
        raise TypeError(
            f"extra_body adds fields to a JSON object; this body is {type(body).__name__}"
        )
    return {**data, **encode_json(dict(extra_body))}


def _encode_multipart(
    route: Route,
    form: Mapping[str, object],
    files: Mapping[str, object],
    headers: httpx.Headers,
) -> _Body:
    fields = encode_form(form, route.form_formats)
    file_entries = encode_files(files)
    if file_entries:
        return _Body(data=fields, files=file_entries)
    # httpx would fall back to urlencoded without files; the operation wants multipart.
    content, content_type = encode_multipart_fields(fields)
    headers["Content-Type"] = content_type
    return _Body(content=content)
