"""The intermediate model: what the client will be, with every decision already made.

Frozen dataclasses only. Templates read these and print; they decide nothing.
Type references are a small closed family (`TypeRef`); `types.py` is the one
place that turns them into Python annotations.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Union

from generator.model.names import ClassName, Identifier

# -- type references -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Primitive:
    """str, int, float or bool, with the Swagger format (date, date-time, uuid, byte, binary, int64…)."""

    kind: str
    format: str = ""
    tag: str = "primitive"


@dataclass(frozen=True)
class ArrayOf:
    item: TypeRef
    tag: str = "array"


@dataclass(frozen=True)
class MapOf:
    value: TypeRef
    tag: str = "map"


@dataclass(frozen=True)
class ModelRef:
    name: ClassName
    tag: str = "model"


@dataclass(frozen=True)
class EnumRef:
    name: ClassName
    kind: str = "str"  # the members' value kind: str, int, float or bool
    tag: str = "enum"


@dataclass(frozen=True)
class AnyValue:
    """Free-form JSON."""

    tag: str = "any"


@dataclass(frozen=True)
class FileData:
    """A file: uploaded as multipart, or a binary response."""

    tag: str = "file"


@dataclass(frozen=True)
class UnionOf:
    options: tuple[TypeRef, ...]
    tag: str = "union"


@dataclass(frozen=True)
class NoneValue:
    """JSON null (inside a union: nullable)."""

    tag: str = "none"


TypeRef = Union[
    Primitive, ArrayOf, MapOf, ModelRef, EnumRef, AnyValue, FileData, UnionOf, NoneValue
]

# -- declarations ----------------------------------------------------------------------------------


# Synthesized test data stays small whatever the document asks (render/examples.py): a string
# has at most this many characters, however long its minLength.
TEST_STRING_LENGTH = 1024


@dataclass(frozen=True)
class Limits:
    """Numeric and length limits of a value (what synthesized test data must respect)."""

    minimum: float | None = None  # ±inf: a bound no float holds (10**400)
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None

    def unmet(self) -> tuple[str, str]:
        """The keyword a small test value cannot keep to, and why; ("", "") when it can."""
        low, high = self.min_length, self.max_length
        if low is not None and low > TEST_STRING_LENGTH:
            return (
                "minLength",
                f"minLength {low} is more than a test value's {TEST_STRING_LENGTH} characters",
            )
        if low is not None and high is not None and low > high:
            return "minLength", f"minLength {low} is more than maxLength {high}"
        for key, bound in (("minimum", self.minimum), ("maximum", self.maximum)):
            if bound is not None and not math.isfinite(bound):
                return key, f"the {key} is beyond what a float holds"
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            return "minimum", f"minimum {self.minimum:g} is above maximum {self.maximum:g}"
        return "", ""


NO_LIMITS = Limits()


@dataclass(frozen=True)
class EnumMember:
    name: Identifier
    value: str | int | float | bool


@dataclass(frozen=True)
class Enum:
    name: ClassName
    wire_name: str  # where it came from: a definition name or a JSON pointer
    value_kind: str  # "str", "int", "float" or "bool"
    members: tuple[EnumMember, ...]
    description: str = ""
    module: Identifier = Identifier("")  # its module under models/


@dataclass(frozen=True)
class Field:
    name: Identifier
    wire_name: str
    type: TypeRef
    required: bool
    nullable: bool = False
    read_only: bool = False
    default: object = None
    has_default: bool = False
    description: str = ""
    example: object = None  # the spec's example, kept only when it fits the type
    has_example: bool = False
    limits: Limits = NO_LIMITS


@dataclass(frozen=True)
class Discriminator:
    property: str  # wire name of the discriminating property
    field: Identifier
    mapping: tuple[tuple[str, ClassName], ...]  # value → subtype (the base itself included)


@dataclass(frozen=True)
class Model:
    name: ClassName
    wire_name: str
    fields: tuple[Field, ...]  # own fields; inherited ones live on the parents
    parents: tuple[ClassName, ...] = ()
    description: str = ""
    extra: TypeRef | None = None  # additionalProperties type; None = not declared
    discriminator: Discriminator | None = None
    module: Identifier = Identifier("")  # its module under models/
    # With a discriminator and subtypes: the alias of "it or one of its subtypes", and its module.
    variants: ClassName | None = None
    variants_module: Identifier | None = None
    # Its fields as a TypedDict keyed by Python names (a request body may be given so), and the
    # module that declares it ('' for none): its own, so that the model's import does not pay
    # for it.
    dict_name: ClassName = ClassName("")
    dict_module: Identifier = Identifier("")


@dataclass(frozen=True)
class Parameter:
    name: Identifier
    wire_name: str
    location: str  # path, query, header, formData, body
    type: TypeRef
    required: bool
    default: object = None
    has_default: bool = False
    collection_format: str = ""  # csv, ssv, tsv, pipes, multi ('' for non-arrays)
    description: str = ""
    example: object = None
    has_example: bool = False
    limits: Limits = NO_LIMITS

    @property
    def uploads(self) -> bool:
        """Whether it is sent as file parts: a formData file, or an array of files."""
        sent = self.type.item if isinstance(self.type, ArrayOf) else self.type
        return self.location == "formData" and isinstance(sent, FileData)


@dataclass(frozen=True)
class Response:
    status: str  # "200", "404", "default"
    type: TypeRef | None
    description: str = ""


@dataclass(frozen=True)
class Pagination:
    kind: str  # offset, page, cursor or link (the next page's URL in next_field)
    items_field: str  # wire name of the items array in the page model
    item_type: TypeRef
    limit_param: str = ""
    offset_param: str = ""
    page_param: str = ""
    cursor_param: str = ""
    next_field: str = ""
    total_field: str = ""  # a negative total means "unknown" (CallFire: "-1 if unknown")
    # The page's field echoing the limit the server applied (a page shorter than it is the last).
    limit_field: str = ""
    max_limit: int = (
        0  # the most items the server puts on a page, when the API states it; 0: unknown
    )
    # A link walk's query parameters that each next link is given as the operation sent them
    # (Azure's api-version: a next link may lack it, or name another).
    link_query: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    name: Identifier
    operation_id: str
    method: str  # upper case
    path: str
    summary: str
    description: str
    deprecated: bool
    parameters: tuple[
        Parameter, ...
    ]  # path ones first (in template order), then required, then optional
    body_kind: str  # none, json, raw (text or bytes sent as they are), form, multipart
    content_type: str
    responses: tuple[Response, ...]
    success_type: TypeRef | None
    security: tuple[tuple[str, ...], ...]
    idempotent: bool
    pagination: Pagination | None = None
    # The header parameter that carries an idempotency key ('' for none): with one, a request
    # may be retried whatever its method (the server acts on a key once).
    idempotency_header: str = ""
    # Azure's x-ms-long-running-operation: the call returns the first response; nothing polls.
    long_running: bool = False
    iterator_name: Identifier | None = None
    route_constant: Identifier = Identifier("")  # its module's Route constant
    pages_constant: Identifier | None = None  # its module's PageSpec constant, when paged
    # Its test in the one module of contract tests (with "_needs_credentials", the other one).
    contract_test: Identifier = Identifier("")

    def parameters_in(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)


@dataclass(frozen=True)
class Resource:
    name: Identifier  # the client attribute
    class_name: ClassName
    tag: str
    description: str
    operations: tuple[Operation, ...]
    module: Identifier  # its module under resources/
    test_module: Identifier  # its generated tests' module under tests/


@dataclass(frozen=True)
class SecurityScheme:
    name: str  # the wire name in securityDefinitions
    kind: str  # basic, apiKey, bearer
    param: str = ""  # apiKey header or query name
    location: str = ""  # header or query
    description: str = ""


@dataclass(frozen=True)
class Credential:
    """An argument of the client classes that carries a credential."""

    argument: Identifier
    kind: str  # username, password, api_key or token
    scheme: str  # the apiKey scheme's name in securityDefinitions ('' for the other kinds)
    variable: str  # the environment variable read when the argument is not given; '' for none


@dataclass(frozen=True)
class PackageNames:
    """The names of the package itself: the target's (completed from the title), and those made
    from them (templates print these as `c.names`)."""

    package: str
    distribution: str
    client_class: ClassName
    async_client_class: ClassName
    env_prefix: str  # '' when the client reads no environment variable
    base_url_variable: str  # '' when the client reads none
    credentials: tuple[Credential, ...]
    test_support: Identifier  # the generated tests' helper module
    # The logging switch (<PREFIX>_LOG=debug|info); '' when the client reads no environment.
    log_variable: str = ""


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str
    base_url: str  # '' when the document names no host
    consumes: tuple[str, ...]
    produces: tuple[str, ...]
    security_schemes: tuple[SecurityScheme, ...]
    resources: tuple[Resource, ...]
    models: tuple[Model, ...]
    enums: tuple[Enum, ...]
    names: PackageNames
    # the JSON pointers of the document's examples that contradict their schemas: left out of
    # the document the client is published with (openapi.json), which a mock server answers from
    invalid_examples: tuple[str, ...] = ()


def to_json(api: Api) -> str:
    """The IR as JSON: stable key order and no set iteration, so bytes match across runs."""
    return json.dumps(dataclasses.asdict(api), indent=2, ensure_ascii=False, default=str) + "\n"
