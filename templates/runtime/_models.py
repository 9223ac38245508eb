"""The base class of generated models, and conversion of values to JSON-ready data.

Models accept fields by Python name or wire alias and keep unknown fields, so a server that adds
a field (or an enum value, since enum fields are typed ``Enum | str``) does not break clients.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from typing import Annotated, Any, TypeVar, Union

import pydantic
from pydantic import ConfigDict

__all__ = ["BaseModel", "OpenEnum", "to_jsonable"]

_E = TypeVar("_E", bound=enum.Enum)

# An enum field that also accepts values the API adds later: ``OpenEnum[Voice]`` is
# ``Voice | str`` to type checkers. Pydantic's default "smart" union would pick ``str`` even for
# known values (an exact type match wins), so members are tried first, left to right.
OpenEnum = Annotated[Union[_E, str], pydantic.Field(union_mode="left_to_right")]


class BaseModel(pydantic.BaseModel):
    """Base of every generated model; fields carry their wire names as aliases."""

    model_config = ConfigDict(
        populate_by_name=True,
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        # Wire names such as ``model_id`` are legitimate field names here.
        protected_namespaces=(),
    )

    def to_wire(self) -> dict[str, Any]:
        """Return the JSON data to send: wire names, and only the fields that were set."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def to_jsonable(value: object) -> Any:
    """Turn models, enums, containers, dates and UUIDs into plain JSON-ready data."""
    if isinstance(value, BaseModel):
        return value.to_wire()
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, (datetime.date, datetime.time)):
        # datetime is a subclass of date, so this covers all three.
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
