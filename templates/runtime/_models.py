"""The base class of generated models, and conversion of values to JSON-ready data.

Models accept fields by Python name or wire alias and keep unknown fields, so a server that adds
a field (or an enum value, since enum fields are typed ``Enum | str``) does not break clients.
"""

from __future__ import annotations

import datetime
import enum
import uuid
import types
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, TypeVar, Union, get_args, get_origin

import pydantic
import pydantic_core
from pydantic import ConfigDict
from pydantic.fields import FieldInfo

__all__ = ["BaseModel", "OpenEnum", "from_data", "to_jsonable"]

_E = TypeVar("_E", bound=enum.Enum)

# An enum field that also accepts values the API adds later: ``OpenEnum[Voice]`` is
# ``Voice | str`` to type checkers. Pydantic's default "smart" union would pick ``str`` even for
# known values (an exact type match wins), so members are tried first, left to right.
OpenEnum = Annotated[Union[_E, str], pydantic.Field(union_mode="left_to_right")]


class BaseModel(pydantic.BaseModel):
    """Base of every generated model; fields carry their wire names as aliases."""

    # Whether the schema declares additionalProperties: only then may a request body given as a
    # dict hold keys that name no field (they are sent as they are).
    _additional_properties: ClassVar[bool] = False

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
    in the models inside it; path names value in the message (``CallBroadcast``), which goes on
    to the field (``CallBroadcast.recipients[0].phone_number``).
    """
    found = _first_null(value)
    if found is not None:
        where, wire = found
        raise ValueError(
            f"{path}{where} is None, but the API does not allow null for {wire!r} "
            "(it is not x-nullable): leave the field unset to leave it out"
        )


_NESTED = (pydantic.BaseModel, list, tuple, dict)
_PLAIN = (str, int, float)  # most values: ruled out before the slower check for models


def _first_null(value: object) -> tuple[str, str] | None:
    """The first None that may not be sent, in declaration order: (its path below value, its wire
    name); None when there is none. Paths are made only for the one found."""
    if isinstance(value, BaseModel):
        given = value.__pydantic_fields_set__  # additional properties are not in __dict__
        for name, item in value.__dict__.items():
            if name not in given:
                continue
            if item is None:
                info = type(value).model_fields[name]
                if not _nullable(info):
                    return f".{name}", _wire_name(name, info)
            elif not isinstance(item, _PLAIN) and isinstance(item, _NESTED):
                found = _first_null(item)
                if found is not None:
                    return f".{name}{found[0]}", found[1]
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if not isinstance(item, _PLAIN) and isinstance(item, _NESTED):
                found = _first_null(item)
                if found is not None:
                    return f"[{index}]{found[0]}", found[1]
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(item, _PLAIN) and isinstance(item, _NESTED):
                found = _first_null(item)
                if found is not None:
                    return f"[{key!r}]{found[0]}", found[1]
    return None


def to_jsonable(value: object, sending: bool = True) -> Any:
    """Turn models, enums, containers, dates and UUIDs into plain JSON-ready data. What is
    sending refuses a null the API does not allow (see to_wire); what was received is read as
    the server sent it."""
    if isinstance(value, BaseModel) and sending:
        return value.to_wire()
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value, sending)
    if isinstance(value, dict):
        return {str(key): to_jsonable(item, sending) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item, sending) for item in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return date_text(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def date_text(value: datetime.date | datetime.time) -> str:
    """RFC 3339 text for a date, time or date-time (a datetime is a date), written as pydantic
    writes one inside a model: UTC as "Z", not isoformat's "+00:00". One client, one form."""
    text = pydantic_core.to_jsonable_python(value)
    assert isinstance(text, str)
    return text


# A model's keys, each Python name and wire name: field name, wire name and annotation.
_FieldKeys = dict[str, tuple[str, str, Any]]
_KEYS: dict[type[BaseModel], _FieldKeys] = {}


def from_data(declared: object, value: object, path: str = "body") -> object:
    """``value`` with each dict that stands for a model (``declared`` says where) made that model.

    Such a dict may be keyed by the model's Python names, by its wire names, or both; a key that
    is neither raises ValueError (naming it and where it is), unless the model's schema allows
    additional properties. Models, and values that are no dict where a model is declared, are
    left as they are (validation says what is wrong with them).
    """
    if isinstance(declared, type):
        if issubclass(declared, BaseModel) and isinstance(value, Mapping):
            return _model_from_mapping(declared, value, path)
        return value
    origin, arguments = get_origin(declared), get_args(declared)
    if origin is Annotated:
        return _from_annotated(arguments, value, path)
    if origin is Union or origin is types.UnionType:
        given = [a for a in arguments if a is not type(None)]
        return from_data(given[0], value, path) if len(given) == 1 else value
    if origin is list and arguments and isinstance(value, (list, tuple)):
        return [from_data(arguments[0], item, f"{path}[{i}]") for i, item in enumerate(value)]
    if origin is dict and len(arguments) == 2 and isinstance(value, Mapping):
        return {k: from_data(arguments[1], item, f"{path}[{k!r}]") for k, item in value.items()}
    return value


def _from_annotated(arguments: tuple[Any, ...], value: object, path: str) -> object:
    """An ``Annotated`` type: a model's variants chosen by a discriminator, or any other type."""
    declared, metadata = arguments[0], arguments[1:]
    chooser = next((m for m in metadata if isinstance(m, pydantic.Discriminator)), None)
    if chooser is None or not isinstance(value, Mapping) or not callable(chooser.discriminator):
        return from_data(declared, value, path)
    variants: dict[object, type[BaseModel]] = {}
    for member in get_args(declared):
        model, *tags = get_args(member)
        variants.update((t.tag, model) for t in tags if isinstance(t, pydantic.Tag))
    if not variants:
        return value
    # The discriminator reads wire names: show it the keys as it knows them.
    keys = _field_keys(next(iter(variants.values())))
    wire = {keys[k][1] if k in keys else k: item for k, item in value.items()}
    model = variants.get(chooser.discriminator(wire))
    return value if model is None else _model_from_mapping(model, value, path)


def _model_from_mapping(model: type[BaseModel], data: Mapping[Any, Any], path: str) -> BaseModel:
    keys = _field_keys(model)
    values: dict[str, Any] = {}
    for key, item in data.items():
        found = keys.get(key) if isinstance(key, str) else None
        if found is None:
            if not model._additional_properties:
                raise ValueError(
                    f"{path}: {key!r} is not a field of {model.__name__}, by its Python name or "
                    "by its name in the API"
                )
            values[str(key)] = item
            continue
        name, wire, annotation = found
        if name in values:
            raise ValueError(
                f"{path}: {model.__name__}.{name} is given twice (as {name!r} and as {wire!r})"
            )
        values[name] = from_data(annotation, item, f"{path}.{name}")
    return model(**values)


def _field_keys(model: type[BaseModel]) -> _FieldKeys:
    try:
        return _KEYS[model]
    except KeyError:
        pass
    if not model.__pydantic_complete__:
        model.model_rebuild()  # its annotations name models defined after it
    keys: _FieldKeys = {}
    for name, info in model.model_fields.items():
        wire = _wire_name(name, info)
        keys[name] = keys[wire] = (name, wire, info.annotation)
    _KEYS[model] = keys
    return keys
