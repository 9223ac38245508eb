"""Security schemes, the caller's credentials, and applying them to a request.

A route lists security alternatives (each a set of schemes that must all apply). The client
uses the first alternative it holds every credential for; when none fits it sends no
credentials and lets the server answer 401, which becomes ``AuthenticationError``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Credentials", "SecurityScheme", "apply_auth", "secret_names"]

_MASK = "'***'"


@dataclass(frozen=True)
class SecurityScheme:
    """One entry of the API's ``securityDefinitions``.

    ``param`` is the header or query parameter name of an apiKey scheme, ``location`` where
    it goes.
    """

    name: str
    kind: Literal["basic", "apiKey", "bearer"]
    param: str = ""
    location: Literal["header", "query"] = "header"


@dataclass(frozen=True, repr=False)
class Credentials:
    """What the caller authenticates with; ``api_keys`` maps a scheme name to its key.

    The repr masks every secret so credentials can be logged or shown in a debugger safely.
    """

    username: str | None = None
    password: str | None = None
    api_keys: Mapping[str, str] = field(default_factory=dict)
    token: str | None = None

    def __repr__(self) -> str:
        username = _MASK if self.username is not None else "None"
        password = _MASK if self.password is not None else "None"
        token = _MASK if self.token is not None else "None"
        keys = "{" + ", ".join(f"{name!r}: {_MASK}" for name in self.api_keys) + "}"
        return (
            f"Credentials(username={username}, password={password}, "
            f"api_keys={keys}, token={token})"
        )

    def is_empty(self) -> bool:
        """True when no credential at all is set."""
        return not (self.username or self.password or self.token or self.api_keys)

    def secrets(self) -> tuple[str, ...]:
        """The values that must never be shown: password, token, keys, and the Basic pair."""
        found = [self.password, self.token, *self.api_keys.values()]
        if self.username is not None:
            pair = f"{self.username}:{self.password or ''}".encode()
            found.append(base64.b64encode(pair).decode("ascii"))
        return tuple(value for value in found if value)

    def covers(self, scheme: SecurityScheme) -> bool:
        """True when these credentials can satisfy ``scheme``."""
        if scheme.kind == "basic":
            return self.username is not None
        if scheme.kind == "bearer":
            return self.token is not None
        return scheme.name in self.api_keys


def apply_auth(
    headers: MutableMapping[str, str],
    params: list[tuple[str, str]],
    security: Sequence[Sequence[str]],
    schemes: Mapping[str, SecurityScheme],
    credentials: Credentials,
) -> None:
    """Add the credentials of the first satisfiable security alternative to a request."""
    chosen = _choose(security, schemes, credentials)
    for scheme in chosen:
        _apply_one(headers, params, scheme, credentials)


def _choose(
    security: Sequence[Sequence[str]],
    schemes: Mapping[str, SecurityScheme],
    credentials: Credentials,
) -> list[SecurityScheme]:
    # An empty alternative ("auth optional") always fits, so it is only the fallback: when the
    # caller has credentials for a real alternative, sending them is what they asked for.
    for alternative in security:
        found = [schemes[name] for name in alternative if name in schemes]
        if alternative and len(found) == len(alternative):
            if all(credentials.covers(scheme) for scheme in found):
                return found
    return []


def _apply_one(
    headers: MutableMapping[str, str],
    params: list[tuple[str, str]],
    scheme: SecurityScheme,
    credentials: Credentials,
) -> None:
    if scheme.kind == "basic":
        pair = f"{credentials.username}:{credentials.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    elif scheme.kind == "bearer":
        headers["Authorization"] = f"Bearer {credentials.token}"
    elif scheme.location == "query":
        params.append((scheme.param, credentials.api_keys[scheme.name]))
    else:
        headers[scheme.param] = credentials.api_keys[scheme.name]


def secret_names(
    schemes: Mapping[str, SecurityScheme],
) -> tuple[frozenset[str], frozenset[str]]:
    """Return the (header names, query names) that carry apiKey secrets, lower-cased headers."""
    api_keys = [scheme for scheme in schemes.values() if scheme.kind == "apiKey"]
    header_names = frozenset(s.param.lower() for s in api_keys if s.location == "header")
    query_names = frozenset(s.param for s in api_keys if s.location == "query")
    return header_names, query_names
