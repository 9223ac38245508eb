"""The names generated code uses itself: the one list every name from a document is kept from.

Each set below says where a document's name would meet the generated code's own names: in a
module's namespace, in a class body, in a function's locals, or in a folder of files. The naming
scopes (names.py) are built from these sets and nothing else.

tests/test_names_reserved.py generates a client, imports every module and compares these sets
with what the modules really define and import (the runtime's public names, the client's
methods, each module's imports...): a runtime or template change that adds a name fails there
until the name is added here.
"""

from __future__ import annotations

# The runtime's public names (`_runtime.__all__`): any generated module may import them.
# raw_method and async_raw_method replace to_raw_response and async_to_raw_response; both
# pairs are kept while generated code of either kind is about.
RUNTIME = frozenset(
    {
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
        "async_to_raw_response",
        "configure_logging",
        "raw_method",
        "raw_view",
        "status_error",
        "stream_method",
        "stream_view",
        "to_jsonable",
        "to_raw_response",
    }
)

# What the generated modules (the package's and the tests') import or define at module level,
# besides the runtime's names and the document's: a class from the document imported into one
# of them must not take one of these names.
MODULE_LEVEL = frozenset(
    {
        # every module
        "annotations",
        "TYPE_CHECKING",
        "Any",
        # the package and models/__init__.py (lazy imports)
        "importlib",
        # _client.py and _version.py
        "os",
        "httpx",
        "Mapping",
        "cached_property",
        "DEFAULT_BASE_URL",
        "PACKAGE_NAME",
        # model, enum and variants modules
        "Field",
        "date",
        "datetime",
        "enum",
        "Annotated",
        "Union",
        "Discriminator",
        "Tag",
        "TypedDict",
        "NotRequired",
        # resource modules
        "AsyncIterator",
        "Iterator",
        "Sequence",
        "cast",
        # the tests and their support module
        "json",
        "re",
        "parse_qsl",
        "asyncio",
        "pytest",
        "warnings",
        "models",
        "pytestmark",
        "CREDENTIALS",
        "DEFAULT_OPTIONS",
        "Recorder",
        "Listing",
        "Flaky",
        "ChunkStream",
        "Download",
        "ClosingTransport",
        "record_sleeps",
        "ITEM",
        "functools",
        "pathlib",
        "client",
        "async_client",
        "assert_request",
        "make_client",
        "assert_valid_request",
        "mock_cannot_answer",
        "logging",
        # a resource's test module: its cases and what it imports to run them
        "CASES",
        "Case",
        "Expect",
        "Failure",
        "Paging",
        "_Api",
        "pytest_generate_tests",
        "Callable",
        "Generic",
        "TypeVar",
        "dataclass",
        "field",
    }
)

# Class names the generator kept free before this list existed (typing and pydantic names a
# template may print, and the constants a class may not be called).
_CLASS_EXTRAS = frozenset(
    {"Literal", "Optional", "Enum", "Date", "Datetime", "UUID", "Models", "None", "True", "False"}
)

# Model, enum, alias, resource and client classes share the package's module namespaces with
# everything above. Class names are PascalCase, so only the names with a capital can meet them.
CLASS_NAMES = frozenset(
    name for name in RUNTIME | MODULE_LEVEL | _CLASS_EXTRAS if name[:1].isupper()
)

# Members of the generated client classes besides the resources (from the runtime's clients),
# and the client module's own names the class body uses (a resource `cached_property` would
# replace the decorator of the resources after it).
CLIENT_MEMBERS = frozenset(
    {
        "aclose",
        "apaginate",
        "close",
        "options",
        "paginate",
        "raw",
        "request",
        "with_options",
        "os",
        "httpx",
        "configure_logging",
        "cached_property",
        "annotations",
        # the client's settings (ClientOptions and its constructor), kept free for clarity
        "base_url",
        "timeout",
        "max_retries",
        "credentials",
        "schemes",
        "self",
    }
)

# Members of the generated resource classes besides the operations; and the names the bodies
# of their views use before each operation's name is bound there (an operation named raw_view
# would replace the function the view's next operations are made with).
RESOURCE_MEMBERS = frozenset(
    {
        "with_raw_response",
        "with_streaming_response",
        "self",
        "raw_view",
        "stream_view",
        "async_raw_view",
        "async_stream_view",
    }
)

# The names a type annotation may use: an attribute or argument with one of these names would
# hide the type from the annotations after it.
TYPE_NAMES = frozenset(
    {
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "list",
        "dict",
        "set",
        "tuple",
        "object",
        "type",
        "frozenset",
        "date",
        "datetime",
        "uuid",
        "enum",
        "typing",
        "annotated",
        "literal",
        "any",
        "field",
        "none",
    }
)

# Arguments of the generated client classes besides the credentials, and what the functions that
# take the credentials use (`_credentials` reads each through `pick`, from `os.environ`; the
# clients' annotations name httpx).
CLIENT_ARGUMENTS = frozenset(
    {
        "self",
        "base_url",
        "timeout",
        "max_retries",
        "default_headers",
        "strict_response_validation",
        "http_client",
        "transport",
        "super",
        "pick",
        "keys",
        "os",
        "httpx",
        "configure_logging",
    }
)

# The keywords every operation method takes, and the names its body uses.
METHOD_LOCALS = frozenset(
    {
        "self",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "max_retries",
        "cast",
        "result",
        "page",
        "pages",
        "item",
    }
)

# Attributes of every model (pydantic's BaseModel and the runtime's); pydantic also owns every
# name that starts with MODEL_PREFIX.
MODEL_ATTRIBUTES = frozenset(
    {
        "copy",
        "dict",
        "json",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "construct",
        "schema",
        "schema_json",
        "validate",
        "update_forward_refs",
        "fields",
        "to_wire",
    }
)
MODEL_PREFIX = "model_"

# Files. Windows has no file named after a device, with any extension, in any case.
WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)
# Packages no generated package may be called: the project's own tests folder, and the modules
# the client and its tests import (tests/test_names_reserved.py checks this against what they
# load), which a package of the same name would hide or be hidden by. The standard library's are
# refused too (sys.stdlib_module_names).
PROJECT_PACKAGES = frozenset({"tests"})
IMPORTED_BY_CLIENT = frozenset(
    {"httpx", "httpcore", "h11", "anyio", "sniffio", "idna", "certifi", "pydantic"}
    | {"pydantic_core", "annotated_types", "typing_extensions", "typing_inspection"}
    | {"pytest", "_pytest", "py", "pluggy", "iniconfig", "packaging", "pygments", "exceptiongroup"}
)
# A module of models/ becomes an attribute of the models package when it is imported: it must
# not replace a name the package's __init__ uses.
MODEL_MODULES = frozenset({"__init__", "importlib", "annotations"})
RESOURCE_MODULES = frozenset({"__init__"})
# The generated suite's tests of the runtime itself, one module per part (tests/test_runtime_*):
# they reach the code no operation of a given document may use (cursor paging, forms, API keys).
RUNTIME_TEST_MODULES = tuple(
    f"test_runtime_{part}" for part in ("paging", "wire", "responses", "models", "auth", "client")
)
# The test files made once per project (the support module, named after the package, too).
TEST_MODULES = frozenset(
    {"__init__", "conftest", "_prism", "test_contract", "test_package", "test_readme"}
    | set(RUNTIME_TEST_MODULES)
)
TEST_SUPPORT = "{package}_test_support"
