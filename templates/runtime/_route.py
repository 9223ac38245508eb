"""``Route``: everything the runtime needs to know about one operation, declared once per method.

Generated resources hold one ``Route`` per operation and pass it to ``request``; the runtime
never looks at the API description itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["BodyKind", "LazyType", "Route"]

BodyKind = Literal["none", "json", "raw", "form", "multipart"]


class LazyType:
    """A response body type that names models, made by ``load`` when a response first needs it.

    Importing a resource module then imports none of its models: each model module loads with
    the first response of its type (a large API has hundreds of models per resource).
    """

    __slots__ = ("_load", "_type", "_loaded")

    def __init__(self, load: Callable[[], object]) -> None:
        self._load = load
        self._type: object = None
        self._loaded = False

    def resolve(self) -> object:
        if not self._loaded:
            self._type, self._loaded = self._load(), True
        return self._type


@dataclass(frozen=True, slots=True)
class Route:
    """One operation of the API.

    ``path`` is a template with wire names (``/calls/{id}``). ``query_formats`` and
    ``form_formats`` map the wire name of an array parameter to its collectionFormat ("csv",
    "ssv", "tsv", "pipes" or "multi"; absent means csv). ``success`` and ``errors`` map a status
    key ("200", ..., or "default") to the body type: a type or annotation to validate with (or a
    ``LazyType`` that makes one), the string "bytes" for binary content, or None for no body. ``security`` lists alternatives,
    each a tuple of scheme names that must all apply; an empty tuple means no auth.
    ``idempotent`` says whether a request that may have reached the server can be sent again;
    ``idempotency_header`` names the header parameter the API declares as an idempotency key: a
    request that carries one can be sent again too.
    ``body_type`` is the JSON body's type where it names models (or a ``LazyType`` that makes
    it): a dict given for a model is made that model before it is sent (``from_data``).
    ``path_formats`` maps an array path parameter to its collectionFormat, as ``query_formats``.
    ``required`` lists the query, header and formData parameters (location and wire name) and
    the body ("body", its name) the API requires: None for one is refused before sending.
    """

    method: str
    path: str
    query_formats: Mapping[str, str] = field(default_factory=dict)
    body: BodyKind = "none"
    content_type: str | None = None
    success: Mapping[str, object] = field(default_factory=dict)
    errors: Mapping[str, object] = field(default_factory=dict)
    security: tuple[tuple[str, ...], ...] = ()
    idempotent: bool = False
    form_formats: Mapping[str, str] = field(default_factory=dict)
    idempotency_header: str | None = None
    body_type: object = None
    path_formats: Mapping[str, str] = field(default_factory=dict)
    required: tuple[tuple[str, str], ...] = ()
