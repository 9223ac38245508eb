"""Bundling `$ref`s to other files, and refusing network and unsafe references."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path
from typing import Iterator

import pytest

from generator.diagnostics import Severity
from generator.ingest.options import Options
from generator.ingest.pipeline import ingest

MAIN = """\
swagger: "2.0"
info: {title: T, version: "1"}
paths:
  /pets:
    get:
      parameters:
        - $ref: 'params.yaml#/limit'
      responses:
        "200":
          description: ok
          schema: {type: array, items: {$ref: 'models/Pet.yaml'}}
        default:
          description: error
          schema: {$ref: '../shared/Error.yaml'}
"""


@pytest.fixture
def split_spec(write) -> Path:  # type: ignore[no-untyped-def]
    write("api/params.yaml", "limit: {name: limit, in: query, type: integer}\n")
    write(
        "api/models/Pet.yaml",
        "type: object\nproperties:\n  owner: {$ref: 'Owner.yaml'}\n  self: {$ref: '#'}\n",
    )
    write(
        "api/models/Owner.yaml",
        "type: object\nproperties:\n  pets: {type: array, items: {$ref: 'Pet.yaml'}}\n",
    )
    write(
        "shared/Error.yaml",
        "type: object\nproperties:\n  code: {type: integer}\n  detail: {$ref: '#/definitions/Detail'}\n"
        "definitions:\n  Detail: {type: string}\n",
    )
    return write("api/swagger.yaml", MAIN)  # type: ignore[no-any-return]


def test_file_references_are_bundled_into_local_ones(split_spec: Path) -> None:
    result = ingest(split_spec, options=Options(ref_roots=(split_spec.parent.parent / "shared",)))
    assert result.ok, [d.render() for d in result.diagnostics]
    doc = result.document
    assert doc is not None
    get = doc["paths"]["/pets"]["get"]
    assert get["parameters"] == [{"$ref": "#/parameters/limit"}]
    assert doc["parameters"]["limit"] == {"name": "limit", "in": "query", "type": "integer"}
    assert get["responses"]["200"]["schema"]["items"] == {"$ref": "#/definitions/Pet"}
    assert get["responses"]["default"]["schema"] == {"$ref": "#/definitions/Error"}
    # references inside a referenced file are relative to that file, cycles included
    assert doc["definitions"]["Pet"]["properties"]["owner"] == {"$ref": "#/definitions/Owner"}
    assert doc["definitions"]["Owner"]["properties"]["pets"]["items"] == {
        "$ref": "#/definitions/Pet"
    }
    assert doc["definitions"]["Pet"]["properties"]["self"] == {"$ref": "#/definitions/Pet"}
    assert doc["definitions"]["Error"]["properties"]["detail"] == {"$ref": "#/definitions/Detail"}
    assert doc["definitions"]["Detail"] == {"type": "string"}


def test_a_missing_referenced_file_is_a_warning_at_the_reference(split_spec: Path) -> None:
    """A file that is not there is like a definition that is not there: the reference is read as
    free-form JSON, with a warning where it is written, and the rest of the API is generated."""
    (split_spec.parent / "models" / "Owner.yaml").unlink()
    result = ingest(split_spec, options=Options(ref_roots=(split_spec.parent.parent / "shared",)))
    assert result.ok and result.document is not None
    [missing] = [d for d in result.diagnostics if d.code == "ref-file-missing"]
    assert missing.severity is Severity.WARNING
    assert missing.pointer == "/definitions/Pet/properties/owner"
    assert "Owner.yaml" in missing.message
    assert missing.position is not None
    assert (Path(missing.position.file).name, missing.position.line) == ("Pet.yaml", 3)
    assert result.document["definitions"]["Pet"]["properties"]["owner"] == {}
    assert "Error" in result.document["definitions"]  # the other references are still bundled


def test_a_missing_referenced_file_is_an_error_in_strict_mode(split_spec: Path) -> None:
    (split_spec.parent / "models" / "Owner.yaml").unlink()
    shared = split_spec.parent.parent / "shared"
    result = ingest(split_spec, options=Options(strict=True, ref_roots=(shared,)))
    assert not result.ok
    assert [d.severity for d in result.diagnostics if d.code == "ref-file-missing"] == [
        Severity.ERROR
    ]


AZURE_LIKE = """\
swagger: "2.0"
info: {title: Network, version: "1"}
paths:
  /interfaces/{name}:
    get:
      operationId: Interfaces_Get
      parameters: [{name: name, in: path, required: true, type: string}]
      responses:
        "200":
          description: ok
          schema: {$ref: 'networkInterface.json#/definitions/NetworkInterface'}
  /gateways:
    get:
      operationId: Gateways_List
      responses:
        "200": {description: ok, schema: {$ref: '#/definitions/Gateway'}}
definitions:
  Gateway: {type: object, properties: {id: {type: string}}}
"""


def test_a_document_naming_a_sibling_file_that_is_not_there_still_gets_a_client(  # type: ignore[no-untyped-def]
    cli, write, tmp_path: Path
) -> None:
    spec = write("api/network.yaml", AZURE_LIKE)
    result = cli("generate", spec, "-o", tmp_path / "out", "--package", "network_client")
    assert result.code == 0, result.err
    assert "warning[ref-file-missing]" in result.err and "networkInterface.json" in result.err
    assert (tmp_path / "out" / "network_client" / "models" / "gateway.py").is_file()
    strict = cli("validate", spec, "--strict", "--format", "json")
    assert strict.code == 1
    [missing] = [d for d in json.loads(strict.out) if d["code"] == "ref-file-missing"]
    assert missing["severity"] == "error"
    assert missing["pointer"] == "/paths/~1interfaces~1{name}/get/responses/200/schema"
    assert (Path(missing["file"]).name, missing["line"]) == ("network.yaml", 11)


@pytest.mark.parametrize("ref", ["/etc/passwd", "file:///etc/hosts", "../secret.txt"])
def test_unsafe_file_references_are_refused(write, ref: str) -> None:  # type: ignore[no-untyped-def]
    spec = write(
        "s.yaml",
        f"swagger: '2.0'\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n"
        f"definitions:\n  A: {{$ref: '{ref}'}}\n",
    )
    result = ingest(spec)
    assert result.diagnostics.codes() == ["ref-file-refused"]
    assert result.document is not None and result.document["definitions"]["A"] == {}


def test_network_references_are_refused_by_default(write) -> None:  # type: ignore[no-untyped-def]
    spec = write(
        "s.yaml",
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "definitions:\n  A: {$ref: 'https://example.invalid/schemas/A.yaml'}\n",
    )
    result = ingest(spec)
    [diagnostic] = result.diagnostics.items
    assert diagnostic.code == "ref-remote" and diagnostic.pointer == "/definitions/A"
    assert str(diagnostic.position).endswith("s.yaml:5:3")
    assert result.ok  # repaired to free-form JSON in the default mode
    assert not ingest(spec, options=Options(strict=True)).ok


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[str]:
    served = tmp_path / "served"
    served.mkdir()
    (served / "A.yaml").write_text("type: object\nproperties:\n  b: {$ref: 'B.yaml'}\n")
    (served / "B.yaml").write_text("type: string\n")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(served), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_network_references_are_fetched_when_asked(write, http_server: str) -> None:  # type: ignore[no-untyped-def]
    spec = write(
        "s.yaml",
        "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"
        f"definitions:\n  X: {{$ref: '{http_server}/A.yaml'}}\n",
    )
    result = ingest(spec, options=Options(allow_remote_refs=True))
    assert result.ok, [d.render() for d in result.diagnostics]
    doc = result.document
    assert doc is not None
    assert doc["definitions"]["X"] == {"$ref": "#/definitions/A"}
    assert doc["definitions"]["A"]["properties"]["b"] == {"$ref": "#/definitions/B"}
    assert doc["definitions"]["B"] == {"type": "string"}


def test_petstore_separate_resolves_its_file_references(shared_specs: Path) -> None:
    example = shared_specs / "oai" / "petstore-separate"  # its spec refers to ../common
    result = ingest(example / "spec" / "swagger.yaml", options=Options(ref_roots=(example,)))
    assert result.ok
    doc = result.document
    assert doc is not None
    assert sorted(doc["definitions"]) == ["Error", "NewPet", "Pet"]
    assert sorted(doc["parameters"]) == ["limitsParam", "tagsParam"]
    assert doc["definitions"]["NewPet"]["allOf"][0] == {"$ref": "#/definitions/Pet"}
    assert doc["parameters"]["limitsParam"]["required"] is False


def test_a_file_named_in_a_vendor_extension_is_put_in_place(write) -> None:  # type: ignore[no-untyped-def]
    # AutoRest's documents name example files in x-ms-examples: {parameters, responses}, no
    # schema. An extension's value is any JSON (Swagger 2.0, "Specification Extensions").
    write("api/examples/get.json", '{"parameters": {}, "responses": {"200": {"body": 2.5}}}')
    write("api/Rate.yaml", "type: number\n")
    spec = write(
        "api/swagger.yaml",
        """\
swagger: "2.0"
info: {title: T, version: "1"}
x-top: {$ref: 'examples/get.json'}
paths:
  /n:
    get:
      x-ms-examples:
        first: {$ref: 'examples/get.json'}
      responses:
        "200":
          description: ok
          schema:
            type: object
            properties:
              x-rate: {$ref: 'Rate.yaml'}
""",
    )
    result = ingest(spec)
    assert result.ok and not result.diagnostics.items, [d.render() for d in result.diagnostics]
    doc = result.document
    assert doc is not None
    example = {"parameters": {}, "responses": {"200": {"body": 2.5}}}
    assert doc["paths"]["/n"]["get"]["x-ms-examples"] == {"first": example}
    assert doc["x-top"] == example
    # an "x-" key that names a property is no extension: its schema is bundled as ever
    assert list(doc["definitions"]) == ["Rate"]
    schema = doc["paths"]["/n"]["get"]["responses"]["200"]["schema"]
    assert schema["properties"]["x-rate"] == {"$ref": "#/definitions/Rate"}


def test_a_problem_with_a_whole_bundled_object_is_reported_in_its_file(write) -> None:  # type: ignore[no-untyped-def]
    # The bundler adds definitions/Pet and parameters/limit; the main file has neither.
    write("api/models/Pet.yaml", "type: object\nfoo: 1\n")
    write(
        "api/params.yaml", "# shared\n\nlimit: {name: limit, in: query, type: integer, bogus: 1}\n"
    )
    spec = write(
        "api/swagger.yaml",
        """\
swagger: "2.0"
info: {title: T, version: "1"}
paths:
  /pets:
    get:
      parameters: [{$ref: 'params.yaml#/limit'}]
      responses:
        "200": {description: ok, schema: {$ref: 'models/Pet.yaml'}}
definitions:
  Other: {type: string}
parameters: {}
""",
    )
    found = {d.pointer: d.position for d in ingest(spec).diagnostics.items}
    pet, limit = found["/definitions/Pet"], found["/parameters/limit"]
    assert pet is not None and (Path(pet.file).name, pet.line) == ("Pet.yaml", 1)
    assert limit is not None and (Path(limit.file).name, limit.line) == ("params.yaml", 3)
