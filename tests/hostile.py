"""A hostile Swagger 2.0 document of our own: a payload in every string field a client is made from.

Each payload tries to leave the context it lands in (a string literal, a docstring, a comment,
an f-string, a Jinja template, a shell command, a file path) and, if it ever ran, would create
a file named after it in the folder named by the ``HOSTILE_CANARY`` environment variable.
Tests set that variable to an empty folder and check that it stays empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CANARY_VARIABLE = "HOSTILE_CANARY"


def _python(tag: str) -> str:
    """A Python expression that creates the canary file `tag`."""
    return f"__import__('pathlib').Path(__import__('os').environ['{CANARY_VARIABLE}'], '{tag}').touch()"


def _payloads() -> list[str]:
    shell = f'touch "${CANARY_VARIABLE}/sh"'
    jinja_os = "lipsum.__globals__['os']"
    return [
        f'"; {_python("dq")}; "',  # ends a double-quoted literal
        f"'; {_python('sq')}; '",  # ends a single-quoted literal
        f'"""\n{_python("tdq")}\n"""',  # ends a docstring
        f"'''\n{_python('tsq')}\n'''",
        f'\\"; {_python("bs")}  # \\',  # a backslash that would escape the closing quote
        f"{{{_python('fs')}}}",  # an f-string replacement field
        f"{{{{ {jinja_os}.popen('{shell}').read() }}}}",  # a Jinja expression
        f"{{% if {jinja_os}.system('{shell}') %}}{{% endif %}}",  # a Jinja statement
        "{# a Jinja comment that swallows the rest",
        f"line\n{_python('nl')}\n",  # a newline ends a comment
        f"line\r{_python('cr')}\r",  # so does a lone carriage return
        f"line\x0c{_python('ff')}\x0b",
        f"line\u2028{_python('ls')}\u2029\x85",  # Unicode line and paragraph separators
        f"$({shell}) `{shell}`",  # shell substitution
        "../../../../tmp/hostile-escape",  # path traversal
        "a\x00b\x1b[2Jc\ufeff\ud800",  # NUL, an escape sequence, a byte-order mark, a lone surrogate
        "\u202eevil\u202c \u0645\u0631\u062d\u0628\u0627 \U0001f600",  # bidi override, RTL text, emoji
    ]


PAYLOADS = _payloads()


def payload(n: int) -> str:
    return PAYLOADS[n % len(PAYLOADS)]


# Names that are Python keywords, builtins, the runtime's own names or the client's class names,
# and names that collide once they are made into Python names.
HOSTILE_NAMES = [
    "class",
    "None",
    "import",
    "list",
    "str",
    "self",
    "match",
    "print",
    "BaseModel",
    "Field",
    "HostileClient",
    "AsyncHostileClient",
    "Client",
    "pet-name",
    "pet_name",
    "petName",
    "PetName",
    "__init__",
    "__class__",
    "model_config",
    "../../escape",
    "/etc/passwd",
    "..\\..\\windows",
    "\u65e5\u672c\u8a9e",
    "",
    "123",
    "x" * 300,
]
CLIENT_CLASS = "HostileClient"
PACKAGE = "hostile_client"


def _string_schema(n: int) -> dict[str, Any]:
    return {
        "type": "string",
        "description": payload(n),
        "default": payload(n + 1),
        "example": payload(n + 2),
        "enum": [payload(n + 1), payload(n + 2), payload(n + 3), "class", "None", "", "a-b", "a_b"],
        "x-hostile": payload(n + 3),
    }


def _model(n: int) -> dict[str, Any]:
    properties: dict[str, Any] = {
        name: {"type": "string", "description": payload(n + i), "example": payload(i)}
        for i, name in enumerate(HOSTILE_NAMES)
    }
    properties.update(
        {
            payload(i): {"type": "integer", "default": 3, "title": payload(i + 1)}
            for i in range(len(PAYLOADS))
        }
    )
    properties["choice"] = _string_schema(n)
    properties["nested"] = {
        "type": "object",
        "title": payload(n + 4),
        "properties": {payload(n): {"type": "boolean"}},
    }
    return {
        "type": "object",
        "title": payload(n),
        "description": payload(n + 1),
        "required": ["class"],
        "properties": properties,
        "x-extension": {payload(n): payload(n + 2)},
    }


def _parameters(n: int) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "query", "type": "string", "description": payload(n + i)}
        for i, name in enumerate(HOSTILE_NAMES)
        if name
    ]
    params += [
        {"name": payload(i), "in": "query", "type": "string", "default": payload(i + 1)}
        for i in range(len(PAYLOADS))
    ]
    params += [
        {"name": payload(i), "in": "header", "type": "string", "description": payload(i + 2)}
        for i in range(0, len(PAYLOADS), 3)
    ]
    params += [
        {
            "name": name,
            "in": "header",
            "type": "string",
            "description": payload(n),
            "default": payload(n + 1),
        }
        for name in ("class", "self", "X-None", "Client")
    ]  # valid header names that are reserved words
    params.append({"name": "choice", "in": "query", **_string_schema(n)})
    params.append(
        {"name": "id", "in": "path", "required": True, "type": "string", "description": payload(n)}
    )
    return params


def _upload(n: int) -> dict[str, Any]:
    """A multipart operation: hostile form field names, a file, and a hostile media type."""
    fields = [
        {"name": name, "in": "formData", "type": "string", "description": payload(n + i)}
        for i, name in enumerate(HOSTILE_NAMES)
        if name
    ][:12]
    fields += [
        {"name": payload(i), "in": "formData", "type": "integer"}
        for i in range(0, len(PAYLOADS), 4)
    ]
    fields.append(
        {
            "name": payload(2),
            "in": "formData",
            "type": "file",
            "required": True,
            "description": payload(3),
        }
    )
    return {
        "tags": [payload(n)],
        "operationId": "upload" + payload(n),
        "summary": payload(n),
        "consumes": ["multipart/form-data", payload(n + 1)],
        "produces": [payload(n + 2), "application/json"],
        "parameters": fields,
        "responses": {"201": {"description": payload(n)}, "default": {"description": "x"}},
    }


def _operation(n: int, tag: str, operation_id: str) -> dict[str, Any]:
    return {
        "tags": [tag],
        "operationId": operation_id,
        "summary": payload(n),
        "description": payload(n + 1),
        "consumes": (
            ["application/json\r\nX-Injected: 1" + payload(n)] if n % 2 else ["application/json"]
        ),
        "produces": ["application/json"],
        "parameters": _parameters(n),
        "responses": {
            "200": {
                "description": payload(n + 2),
                "schema": {"$ref": f"#/definitions/{_escape_pointer(HOSTILE_NAMES[n % 5])}"},
                "headers": {payload(n): {"type": "string", "description": payload(n + 1)}},
            },
            "404": {"description": payload(n + 3), "schema": {"$ref": "#/definitions/Error"}},
            "2XX": {"description": payload(n + 4)},
            "404); "
            + _python("status")
            + "; (": {"description": payload(n)},  # a status that would be code
        },
        "security": [{payload(0): []}, {"basic": []}],
        "x-hostile": payload(n + 4),
    }


def _escape_pointer(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def document() -> dict[str, Any]:
    """The hostile document as plain data."""
    paths: dict[str, Any] = {}
    for n, tag in enumerate(
        ["../../etc/evil", "class", "Client", "store", "Store", payload(0), payload(6), ""]
    ):
        # Two operations share a tag, an operationId collides, and the path carries payloads too.
        route = f"/{n}/{{id}}/" + payload(n).replace("{", "(").replace("}", ")")
        paths[route] = {"get": _operation(n, tag, HOSTILE_NAMES[n % len(HOSTILE_NAMES)])}
        paths[route]["post"] = _operation(n + 1, tag, "list" if n % 2 else payload(n))
        paths[route]["post"]["parameters"].append(
            {
                "name": payload(n),
                "in": "body",
                "description": payload(n + 1),
                "required": n % 2 == 0,
                "schema": {"$ref": f"#/definitions/{_escape_pointer(payload(n))}"},
            }
        )
    paths["/upload/" + payload(3).replace("{", "(").replace("}", ")")] = {"put": _upload(3)}
    definitions: dict[str, Any] = {name: _model(i) for i, name in enumerate(HOSTILE_NAMES)}
    definitions.update({payload(i): _model(i) for i in range(len(PAYLOADS))})
    definitions["Error"] = {"type": "object", "properties": {"message": {"type": "string"}}}
    return {
        "swagger": "2.0",
        "info": {
            "title": payload(0),
            "description": payload(2),
            "version": payload(3) + " 1.2.3",
            "termsOfService": payload(4),
            "contact": {"name": payload(5), "email": payload(6)},
            "license": {"name": payload(7)},
            "x-logo": payload(8),
        },
        "host": "api.example.com" + payload(0),
        "basePath": "/v1/" + payload(9).replace("\n", "").replace("\r", ""),
        "schemes": ["https"],
        "consumes": ["application/json", payload(10)],
        "produces": ["application/json", payload(11)],
        "tags": [
            {"name": "../../etc/evil", "description": payload(12)},
            {"name": "class", "description": payload(13)},
        ],
        "securityDefinitions": {
            payload(0): {
                "type": "apiKey",
                "in": "header",
                "name": payload(1),
                "description": payload(2),
            },
            "basic": {"type": "basic", "description": payload(3)},
            payload(4): {"type": "apiKey", "in": "query", "name": payload(5)},
        },
        "paths": paths,
        "definitions": definitions,
        "x-top": {payload(1): [payload(2), payload(3)]},
    }


def write_document(folder: Path) -> Path:
    """The document as JSON (every character escaped, so it survives any file system) in folder."""
    path = folder / "hostile.json"
    path.write_text(json.dumps(document(), indent=1, ensure_ascii=True), encoding="utf-8")
    return path
