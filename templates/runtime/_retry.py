"""When to send a request again, and how long to wait first.

The rule that matters: a request that may have reached the server is sent again only with a
guarantee that the server acts on it once: the operation is idempotent, or the request carries
an idempotency key (a header the API declares as one, or ``Idempotency-Key``), so a retry can
never create a second order or a second call. Two failures are retried for every method, since
the server did not act on them: a failure to connect (nothing was sent), and 429 Too Many
Requests (the server refused to process the request), after the ``Retry-After`` it asks for.
"""

from __future__ import annotations

import email.utils
import math
import random
import time

import httpx

__all__ = [
    "IDEMPOTENCY_HEADERS",
    "RETRYABLE_STATUSES",
    "backoff_delay",
    "can_retry_error",
    "can_retry_status",
    "has_idempotency_key",
    "retry_delay",
]

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Statuses that say the request was not processed: retried whatever the method.
_NOT_PROCESSED = frozenset({429})
# The idempotency key header names a caller may add (extra_headers) to any request: the IETF
# draft's (draft-ietf-httpapi-idempotency-key-header) and its common X- form.
IDEMPOTENCY_HEADERS = ("idempotency-key", "x-idempotency-key")

# Raised before a single byte of the request left the machine.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Raised after (part of) the request may have been sent and processed.
_MAYBE_SENT = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)

_INITIAL_DELAY = 0.5
_MAX_BACKOFF = 8.0
_MAX_RETRY_AFTER = 60.0


def has_idempotency_key(request: httpx.Request, declared: str | None = None) -> bool:
    """True when ``request`` carries a non-empty idempotency key: in the header the operation
    declares as one (``declared``), or in one of ``IDEMPOTENCY_HEADERS``."""
    names = (declared, *IDEMPOTENCY_HEADERS) if declared else IDEMPOTENCY_HEADERS
    return any(request.headers.get(name, "").strip() for name in names)


def can_retry_error(exc: httpx.RequestError, retry_safe: bool) -> bool:
    """True when the transport failure ``exc`` may be retried; ``retry_safe``: the request may be
    sent twice (an idempotent operation, or an idempotency key)."""
    if isinstance(exc, _NOT_SENT):
        return True
    return retry_safe and isinstance(exc, _MAYBE_SENT)


def can_retry_status(status_code: int, retry_safe: bool) -> bool:
    """True when a response with this status may be retried: 429 always (the server did not
    process the request), the other retryable statuses only when ``retry_safe``."""
    if status_code in _NOT_PROCESSED:
        return True
    return retry_safe and status_code in RETRYABLE_STATUSES


def backoff_delay(attempt: int) -> float:
    """Exponential backoff with jitter: 0.5 s, 1 s, 2 s, ... capped at 8 s, times 0.75 to 1."""
    base = min(_INITIAL_DELAY * 2.0**attempt, _MAX_BACKOFF)
    # Jitter spreads out clients that failed together so they do not retry in lockstep.
    return base * random.uniform(0.75, 1.0)


def retry_delay(attempt: int, headers: httpx.Headers | None = None) -> float:
    """Seconds to wait before retry number ``attempt + 1``: the server's wish, else backoff."""
    wanted = _retry_after(headers) if headers is not None else None
    return backoff_delay(attempt) if wanted is None else wanted


def _retry_after(headers: httpx.Headers) -> float | None:
    """Read ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date), capped at 60 s.

    None when neither is usable: the server's value is ignored, not trusted, when it is not a
    number of seconds a clock can wait (``nan``, ``inf``, ``1e999``, ``-1``) or a date Python
    cannot represent, and the caller falls back to the normal backoff.
    """
    seconds = _milliseconds(headers.get("retry-after-ms"))
    if seconds is None:
        seconds = _seconds_or_date(headers.get("retry-after"))
    if seconds is None:
        return None
    # A date in the past means "now" (RFC 9110, section 10.2.3).
    return min(max(seconds, 0.0), _MAX_RETRY_AFTER)


def _milliseconds(value: str | None) -> float | None:
    number = _delay_number(value)
    return number / 1000 if number is not None else None


def _seconds_or_date(value: str | None) -> float | None:
    if value is None:
        return None
    number = _delay_number(value)
    if number is not None:
        return number
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    try:
        return email.utils.mktime_tz(parsed) - time.time()
    except (ValueError, OverflowError):  # a year Python's clock cannot hold
        return None


def _delay_number(value: str | None) -> float | None:
    """A finite, non-negative number of seconds (or milliseconds), else None."""
    try:
        number = float(value) if value is not None else math.nan
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None
