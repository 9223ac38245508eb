"""Reading responses: parsing success bodies and building status errors (the response objects
of raw and streamed calls are in ``_raw``).

Parsing validates JSON against the type the operation declares for the status, through a
``pydantic.TypeAdapter`` that is built once per type (building one is slow). A body nested too
deeply for the JSON readers (a hostile ``[[[[...]]]]``) is not JSON to the client: a success
raises ``APIResponseValidationError``, an error status carries the body as text.

A JSON body that does not match its declared type is, by default, returned anyway (as openai's
clients do): what validates is validated, the rest is kept as received, models are built
without their checks (a missing required field reads None), and a warning is logged. A client
made with ``strict_response_validation=True`` raises ``APIResponseValidationError`` instead.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Collection, Mapping, Sequence
from typing import Any, cast

import httpx
import pydantic

from ._errors import APIResponseValidationError, APIStatusError, request_id, status_error
from ._logging import logger
from ._route import LazyType

__all__ = [
    "declared_type",
    "is_json_type",
    "parse_error_body",
    "parse_success",
    "construct",
    "server_message",
    "shown",
    "status_exception",
]

_ADAPTERS: dict[object, pydantic.TypeAdapter[Any]] = {}

# Where error bodies put their message: the common keys, in order; "error" and "errors" may
# hold an object or a list of them (``{"error": {"message": ...}}``).
_MESSAGE_KEYS = (
    "message",
    "error_description",
    "detail",
    "error_message",
    "errorMessage",
    "title",
    "developerMessage",
    "description",
    "error",
    "errors",
)
_MAX_SHOWN = 200
# A credential a server echoes in its text ("Authorization: Bearer ..."), whoever's it is.
_AUTH_VALUE = re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9._~+/=-]{8,}")


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


def parse_success(
    types: Mapping[str, object], response: httpx.Response, strict: bool = True
) -> Any:
    """Parse a successful response into the type declared for its status.

    A JSON body that does not match raises ``APIResponseValidationError`` when ``strict``;
    otherwise it is returned as leniently as it can be (see ``construct``), with a warning.
    """
    try:
        return _parse_success(types, response, strict)
    except RecursionError as exc:
        # From json, tried when pydantic's reader gives up on deep nesting, or from validation:
        # data nested deeper than the interpreter's stack allows is a hostile body, not a bug.
        message = f"{_describe(response)}: the body is nested too deeply to read"
        raise APIResponseValidationError(message, response=response, body=response.text) from exc


def _parse_success(types: Mapping[str, object], response: httpx.Response, strict: bool) -> Any:
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
            return _mismatched(declared, response, exc, strict)
    try:  # JSON pydantic cannot read (a byte order mark, UTF-16): the standard library may
        data = response.json()
    except ValueError as exc:
        message = f"{_describe(response)}: the body is not JSON"
        raise APIResponseValidationError(message, response=response, body=response.text) from exc
    try:
        return adapter.validate_python(data)
    except pydantic.ValidationError as exc:
        return _mismatched(declared, response, exc, strict)


def _mismatched(
    declared: object, response: httpx.Response, exc: pydantic.ValidationError, strict: bool
) -> Any:
    """The data of a body that does not match ``declared``: raised when strict, else built
    leniently, with a warning naming where it differs (never the values)."""
    if strict:
        raise _mismatch(response) from exc
    data = response.json()
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    where = "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '(body)'}: {error['msg']}"
        for error in errors[:3]
    )
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    logger.warning(
        "%s: the body does not match the declared type (%s%s); it is returned unvalidated",
        _describe(response),
        where,
        more,
    )
    return construct(declared, data)


def construct(annotation: object, data: object) -> Any:
    """``data`` as ``annotation`` without failing: what validates is validated; a model that
    does not is built field by field without its checks (a missing required field reads None,
    unknown fields are kept); anything else is kept as received."""
    if isinstance(annotation, (str, typing.ForwardRef)):  # a name pydantic could not resolve
        return data
    try:
        return _adapter(annotation).validate_python(data)
    except (pydantic.ValidationError, RecursionError):
        pass
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return _construct_model(annotation, data) if isinstance(data, Mapping) else data
    if origin is typing.Annotated:
        return construct(arguments[0], data)
    if origin in (typing.Union, types.UnionType):
        shaped = [option for option in arguments if _container(option) == _container(data)]
        if not shaped:
            return data
        # Of several models, the one that knows most of the object's keys (a variant's own).
        return construct(max(shaped, key=lambda option: _known_keys(option, data)), data)
    if isinstance(data, list) and arguments and origin in (list, set, frozenset, Sequence):
        return [construct(arguments[0], item) for item in data]
    if isinstance(data, Mapping) and len(arguments) == 2 and origin in (dict, Mapping):
        return {key: construct(arguments[1], value) for key, value in data.items()}
    return data


def _container(annotation_or_data: object) -> str:
    """The JSON container a type or a value is: "object" (a model, a mapping, a JSON object),
    "array" (a list type, a JSON array) or "" (anything else). A union's member is built from
    data of its own container only."""
    value = annotation_or_data
    origin = typing.get_origin(value)
    if origin is typing.Annotated:
        return _container(typing.get_args(value)[0])
    if isinstance(value, Mapping) or origin in (dict, Mapping):
        return "object"
    if isinstance(value, type) and issubclass(value, pydantic.BaseModel):
        return "object"
    if isinstance(value, list) or origin in (list, set, frozenset, Sequence):
        return "array"
    return ""


def _known_keys(annotation: object, data: object) -> int:
    """How many keys of the JSON object ``data`` the model ``annotation`` has fields for."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if not (isinstance(data, Mapping) and isinstance(annotation, type)):
        return 0
    if not issubclass(annotation, pydantic.BaseModel):
        return 0
    fields = annotation.model_fields
    return len(
        set(map(str, data))
        & {info.serialization_alias or info.alias or name for name, info in fields.items()}
    )


def _construct_model(model: type[pydantic.BaseModel], data: Mapping[Any, Any]) -> Any:
    if not getattr(model, "__pydantic_fields_complete__", True):
        # A TypeAdapter validates a model without completing the class: its fields' types may
        # still be names (models refer to each other lazily); rebuilding it resolves them.
        model.model_rebuild(force=True, raise_errors=False)
    by_wire = {name: name for name in model.model_fields}
    by_wire.update(
        {
            info.serialization_alias or info.alias or name: name
            for name, info in model.model_fields.items()
        }
    )
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        name = by_wire.get(str(key))
        if name is None:
            extra[str(key)] = value
        else:
            values[name] = construct(model.model_fields[name].annotation, value)
    given = set(values)
    for name, info in model.model_fields.items():
        if name not in values:
            values[name] = (
                None if info.is_required() else info.get_default(call_default_factory=True)
            )
    built = model.model_construct(_fields_set=given, **values)
    if extra and model.model_config.get("extra") == "allow":
        object.__setattr__(built, "__pydantic_extra__", {**(built.model_extra or {}), **extra})
    return built


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
    types: Mapping[str, object],
    response: httpx.Response,
    detail: str = "",
    secrets: Collection[str] = (),
) -> APIStatusError:
    """The exception for an error (or unfollowed redirect) response, carrying its parsed body.

    Its message ends with ``detail`` when given (why a redirect was not followed), else with
    what the server said, then the request id; ``secrets`` are masked in both.
    """
    body = parse_error_body(types, response)
    error_class = status_error(response.status_code)
    message = _describe(response)
    said = detail or server_message(body)
    if said:
        message += ": " + shown(said, secrets)
    identifier = request_id(response.headers)
    if identifier:
        message += f" (request id {shown(identifier, secrets, 100)})"
    return error_class(message, response=response, body=body)


def server_message(body: object) -> str | None:
    """What an error body says: the message of its error model or JSON (``message``,
    ``detail``, ``error.message``, ...), else its text; None when it says nothing readable."""
    if isinstance(body, pydantic.BaseModel):
        body = body.model_dump(mode="json", by_alias=True)
    return _message_in(body, depth=0)


def _message_in(data: object, depth: int) -> str | None:
    if isinstance(data, str):
        return data.strip() or None
    if depth > 2:
        return None
    if isinstance(data, Mapping):
        for key in _MESSAGE_KEYS:
            found = _message_in(data.get(key), depth + 1)
            if found:
                return found
    if isinstance(data, list) and data:
        return _message_in(data[0], depth + 1)
    return None


def shown(text: str, secrets: Collection[str] = (), limit: int = _MAX_SHOWN) -> str:
    """``text`` fit for an exception message: credentials masked (the client's own, and any
    Basic or Bearer value), cut to ``limit`` characters, control characters escaped."""
    for secret in secrets:
        if len(secret) >= 4:  # a shorter one would mask ordinary words
            text = text.replace(secret, "***")
    text = _AUTH_VALUE.sub(lambda match: f"{match.group(1)} ***", text)
    if len(text) > limit:
        text = text[:limit] + "..."
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )
