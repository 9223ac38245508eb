"""Turning call arguments into the pieces of an HTTP request.

Every scalar goes through ``to_param_str`` so a value looks the same in a path, a query, a
header or a form. Parameters whose value is ``None`` or ``NOT_GIVEN`` are left out.
"""

from __future__ import annotations

import datetime
import enum
import mimetypes
import os
import pathlib
import re
import secrets
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import IO, Any, cast

from ._models import date_text, from_data, to_jsonable
from ._route import LazyType
from ._types import NotGiven

__all__ = [
    "encode_files",
    "encode_form",
    "encode_headers",
    "encode_json",
    "encode_multipart_fields",
    "encode_path",
    "encode_query",
    "raw_content",
    "to_param_str",
]

# Python's str.join separator for each Swagger 2.0 collectionFormat ("multi" repeats the key).
_SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")

# httpx's multipart file tuple: (filename, content, content type or None to guess).
MultipartFile = tuple[str, bytes | IO[bytes], str | None]


def to_param_str(value: object) -> str:
    """Render one scalar the way APIs expect it on the wire."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return to_param_str(value.value)
    if isinstance(value, (datetime.date, datetime.time)):
        return date_text(value)
    return str(value)


def _is_omitted(value: object) -> bool:
    return value is None or isinstance(value, NotGiven)


def _as_items(value: object, name: str) -> list[object] | None:
    """Return the elements of an array value, or None when the value is a scalar.

    An element that is None is refused: no collectionFormat can say null, and one left out
    would move every element after it to the place of the one before (``[1, None, 3]`` sent
    as ``1,3``: a server that reads places reads 3 as the second)."""
    if not isinstance(value, (list, tuple, set, frozenset)):
        return None
    items = list(value)
    for index, item in enumerate(items):
        if _is_omitted(item):
            raise ValueError(
                f"the array parameter {name!r} holds None at index {index}: an array sent in "
                "a path, query, header or form has no way to say null"
            )
    return items


def _join(values: Iterable[object], collection_format: str) -> str:
    separator = _SEPARATORS.get(collection_format, ",")
    return separator.join(to_param_str(item) for item in values)


def encode_path(
    template: str, values: Mapping[str, object], formats: Mapping[str, str] | None = None
) -> str:
    """Fill ``{name}`` placeholders, percent-escaping each value as a single path segment (an
    array's items joined by its collectionFormat, default csv).

    A value cannot add a segment (``/`` is escaped), nor remove one: a segment that the values
    make ``.`` or ``..`` is sent as ``%2E`` or ``%2E%2E``, which URL parsers (httpx included,
    RFC 3986 section 5.2.4) do not take for a dot segment to drop or to climb out of.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        if _is_omitted(value):
            raise ValueError(f"the path parameter {name!r} is required")
        items = _as_items(value, name)
        joined = None if items is None else _join(items, (formats or {}).get(name, "csv"))
        return urllib.parse.quote(to_param_str(value) if joined is None else joined, safe="")

    path = _PLACEHOLDER.sub(substitute, template)
    segments = path.split("/")
    if "." not in segments and ".." not in segments:
        return path
    return _escape_dot_segments(template, segments)


def _escape_dot_segments(template: str, segments: list[str]) -> str:
    """Escape the dots of the ``.`` and ``..`` segments a value made; the template's stay."""
    # Values hold no "/" once escaped, so the template with each placeholder blanked out has
    # exactly the filled path's segments; a segment that differs there came from a value.
    skeleton = _PLACEHOLDER.sub("{}", template).split("/")
    return "/".join(
        segment.replace(".", "%2E") if segment in (".", "..") and segment != literal else segment
        for segment, literal in zip(segments, skeleton)
    )


def check_required(
    required: tuple[tuple[str, str], ...], given: Mapping[str, Mapping[str, object]], body: object
) -> None:
    """Refuse None (or nothing) for a parameter the API requires: left out, the request would
    go without it. given holds the query, header and formData values by location."""
    for location, name in required:
        value = body if location == "body" else given[location].get(name)
        if _is_omitted(value):
            raise ValueError(f"the {location} parameter {name!r} is required")


def encode_query(values: Mapping[str, object], formats: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return query pairs in order; arrays follow their collectionFormat (default csv)."""
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        pairs.extend(_encode_field(name, value, formats.get(name, "csv")))
    return pairs


def _encode_field(name: str, value: object, collection_format: str) -> list[tuple[str, str]]:
    if _is_omitted(value):
        return []
    items = _as_items(value, name)
    if items is None:
        return [(name, to_param_str(value))]
    if collection_format == "multi":
        return [(name, to_param_str(item)) for item in items]
    return [(name, _join(items, collection_format))]


def encode_headers(values: Mapping[str, object]) -> dict[str, str]:
    """Return header values as strings; arrays are comma-separated, as Swagger 2.0 specifies."""
    encoded: dict[str, str] = {}
    for name, value in values.items():
        if _is_omitted(value):
            continue
        items = _as_items(value, name)
        encoded[name] = to_param_str(value) if items is None else _join(items, "csv")
    return encoded


def encode_json(body: object, declared: object = None) -> Any:
    """Return the JSON-ready form of a request body (models use their wire names).

    With ``declared`` (the body's type, or a ``LazyType`` of it), each dict given for a model is
    first made that model: its keys may be Python names or wire names (``from_data``).
    """
    if isinstance(declared, LazyType):
        declared = declared.resolve()
    if declared is not None:
        body = from_data(declared, body)
    return to_jsonable(body)


def encode_form(values: Mapping[str, object], formats: Mapping[str, str]) -> dict[str, Any]:
    """Return form fields for httpx ``data=``; a "multi" array becomes a list httpx repeats."""
    fields: dict[str, Any] = {}
    for name, value in encode_query(values, formats):
        existing = fields.get(name)
        if existing is None:
            fields[name] = value
        elif isinstance(existing, list):
            existing.append(value)
        else:
            fields[name] = [existing, value]
    return fields


def encode_files(files: Mapping[str, object]) -> list[tuple[str, MultipartFile]]:
    """Return httpx multipart file entries; a list value uploads several files under one name."""
    entries: list[tuple[str, MultipartFile]] = []
    for name, value in files.items():
        if _is_omitted(value):
            continue
        many = value if isinstance(value, list) else [value]
        entries.extend((name, _file_entry(name, item)) for item in many)
    return entries


def _file_entry(field_name: str, value: object) -> MultipartFile:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return (field_name, bytes(value), "application/octet-stream")
    if isinstance(value, pathlib.Path):
        return (value.name, value.read_bytes(), _guess_type(value.name))
    if isinstance(value, tuple) and len(value) in (2, 3):
        content_type = value[2] if len(value) == 3 else None
        return (str(value[0]), value[1], content_type)
    if hasattr(value, "read"):
        filename = os.path.basename(str(getattr(value, "name", "") or "")) or field_name
        return (filename, cast(IO[bytes], value), _guess_type(filename))
    raise TypeError(f"the file field {field_name!r} must be bytes, a Path, a file or a tuple")


def raw_content(value: object, media_type: str) -> tuple[bytes, str | None]:
    """A body sent as it is (the operation consumes media_type, not JSON): its bytes, and the
    content type a (name, content, type) tuple names. Text is sent UTF-8 encoded; a file is
    read whole, so that a retry sends it again."""
    if isinstance(value, str):
        return value.encode("utf-8"), None
    try:
        _, content, content_type = _file_entry("body", value)
    except TypeError:
        raise TypeError(
            f"this body is sent as {media_type}: give str, bytes, a Path, a binary file or a "
            f"tuple, not {type(value).__name__}"
        ) from None
    data = content if isinstance(content, bytes) else content.read()
    if not isinstance(data, bytes):
        raise TypeError(f"this body is sent as {media_type}: open the file in binary mode")
    return data, content_type if isinstance(value, tuple) else None


def _guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


# A part's name between quotes, as the HTML standard's multipart/form-data encoding escapes it:
# LF, CR and '"', nothing else (a raw CR LF would end the header line and start a forged one).
_NAME_ESCAPES = str.maketrans({"\n": "%0A", "\r": "%0D", '"': "%22"})


def encode_multipart_fields(fields: Mapping[str, Any]) -> tuple[bytes, str]:
    """Encode a multipart/form-data body that has no files; return (body, content type).

    httpx switches to urlencoded when no file is given, but the operation declared multipart.
    """
    boundary = secrets.token_hex(16)
    chunks: list[bytes] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            quoted = name.translate(_NAME_ESCAPES)
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted}"\r\n\r\n'
            chunks.append(head.encode() + str(item).encode() + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"
