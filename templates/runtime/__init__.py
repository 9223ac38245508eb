"""The runtime every generated client is built on: HTTP, auth, retries, errors and models.

Everything public is re-exported here; the underscore modules are private and may change.
"""

from ._auth import Credentials, SecurityScheme
from ._client import AsyncAPIClient, ClientOptions, SyncAPIClient
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InsecureTransportWarning,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    RequestURLError,
    UnprocessableEntityError,
    status_error,
)
from ._logging import configure_logging
from ._models import BaseModel, OpenEnum, to_jsonable
from ._pagination import AsyncPager, PageSpec, SyncPager
from ._raw import (
    AsyncRawResponse,
    AsyncStreamedCall,
    RawResponse,
    StreamedCall,
    async_raw_method,
    async_raw_view,
    async_stream_method,
    async_stream_view,
    raw_method,
    raw_view,
    stream_method,
    stream_view,
)
from ._route import LazyType, Route
from ._types import NOT_GIVEN, FileInput, NotGiven, Timeout

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAPIClient",
    "AsyncPager",
    "AsyncRawResponse",
    "AsyncStreamedCall",
    "AuthenticationError",
    "BadRequestError",
    "BaseModel",
    "ClientOptions",
    "ConflictError",
    "Credentials",
    "FileInput",
    "InsecureTransportWarning",
    "InternalServerError",
    "LazyType",
    "NotFoundError",
    "NotGiven",
    "OpenEnum",
    "PageSpec",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "RedirectError",
    "RequestURLError",
    "Route",
    "SecurityScheme",
    "StreamedCall",
    "SyncAPIClient",
    "SyncPager",
    "Timeout",
    "UnprocessableEntityError",
    "async_raw_method",
    "async_raw_view",
    "async_stream_method",
    "async_stream_view",
    "configure_logging",
    "raw_method",
    "raw_view",
    "status_error",
    "stream_method",
    "stream_view",
    "to_jsonable",
]
