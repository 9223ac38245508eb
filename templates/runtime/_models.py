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
from pydantic.fields import FieldInfo

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
        """Return the JSON data to send: wire names, and only the fields that were set.

        A field set to None is sent as null only where the API allows null (``x-nullable``);
        anywhere else, in this model or in one inside it, it raises ``ValueError`` naming the
        field: leave the field unset to leave it out.
        """
        refuse_nulls(self, type(self).__name__)
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _nullable(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and extra.get("x-nullable") is True


def _wire_name(name: str, info: FieldInfo) -> str:
    alias = info.serialization_alias or info.alias
    return alias if alias is not None else name


def refuse_nulls(value: object, path: str) -> None:
    """Raise ValueError for a None set on a field whose schema does not allow null, in value or
    in the models inside it; path names value in the message (``CallBroadcast.recipients[0]``).
    """
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        for name in value.model_fields_set:
            info = fields.get(name)
            if info is None:  # an additional property: nothing says what it may hold
                continue
            item = getattr(value, name)
            if item is None and not _nullable(info):
                wire = _wire_name(name, info)
                raise ValueError(
                    f"{path}.{name} is None, but the API does not allow null for {wire!r} "
                    "(it is not x-nullable): leave the field unset to leave it out"
                )
            refuse_nulls(item, f"{path}.{name}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            refuse_nulls(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nulls(item, f"{path}[{key!r}]")


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
