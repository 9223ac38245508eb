"""What a JSON request body puts on the wire (issue 18, section 3).

Not set versus null: a field the caller did not set is never sent; None is sent as null only
where the schema allows it (`x-nullable: true`), and refused before sending elsewhere, naming the
field. Dict bodies: a dict that stands for a model may be keyed by Python names or by wire names
and is sent with wire names; a key that is neither is refused before sending, unless the schema
allows additional properties.
"""

from __future__ import annotations

import importlib
import json
import sys
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from generator.generate import generate
from generator.target import Target
from tests.conftest import ROOT

# A document of our own, so that each rule is checked whatever the shared corpus holds.
KENNEL = """\
swagger: "2.0"
info: {title: Kennel, version: "1"}
host: kennel.example
schemes: [https]
paths:
  /dogs:
    post:
      operationId: addDog
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: "#/definitions/Dog"}}
      responses:
        "204": {description: added}
  /tags:
    put:
      operationId: putTags
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: "#/definitions/Tags"}}
      responses:
        "204": {description: stored}
  /pets:
    post:
      operationId: addPet
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: "#/definitions/Pet"}}
      responses:
        "204": {description: added}
definitions:
  Pet:
    type: object
    discriminator: petType
    required: [petType]
    properties:
      petType: {type: string}
      petName: {type: string}
  Cat:
    allOf: [{$ref: "#/definitions/Pet"}, {properties: {meowCount: {type: integer}}}]
  Dog:
    type: object
    required: [dogName]
    properties:
      dogName: {type: string}
      nickName: {type: string, x-nullable: true}
      ownerName: {type: string}
      collar: {$ref: "#/definitions/Collar"}
      friends: {type: array, items: {$ref: "#/definitions/Dog"}}
  Collar:
    type: object
    properties:
      colourName: {type: string}
      tagText: {type: string, x-nullable: true}
  Tags:
    type: object
    properties:
      ownerName: {type: string}
    additionalProperties: {type: string}
"""


def _generated(root: Path, spec: Path, package: str, client_class: str) -> Iterator[ModuleType]:
    generation, _ = generate(
        Target(spec=spec, output=root / "out", package=package, client_class=client_class)
    )
    assert generation.files is not None, [d.render() for d in generation.diagnostics]
    sys.path.insert(0, str(root / "out"))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(root / "out"))


@pytest.fixture(scope="module")
def kennel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("kennel")
    spec = root / "kennel.yaml"
    spec.write_text(KENNEL, encoding="utf-8")
    yield from _generated(root, spec, "kennel_client", "Kennel")


@pytest.fixture(scope="module")
def petstore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    spec = ROOT.parent / "shared" / "specs" / "oai" / "petstore-expanded.yaml"
    if not spec.is_file():
        pytest.skip("the third-party corpus ../shared/specs is not present")
    yield from _generated(tmp_path_factory.mktemp("petstore"), spec, "petstore_client", "Petstore")


@pytest.fixture(scope="module")
def callfire() -> Iterator[ModuleType]:
    sys.path.insert(0, str(ROOT / "generated"))
    try:
        yield importlib.import_module("callfire_client")
    finally:
        sys.path.remove(str(ROOT / "generated"))


class Recorder:
    """A transport that keeps the JSON bodies it is sent and answers with one response."""

    def __init__(self, status: int = 204, answer: object = None) -> None:
        self.bodies: list[object] = []
        self.status, self.answer = status, answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content) if request.content else None)
        if self.answer is None:
            return httpx.Response(self.status)
        return httpx.Response(self.status, json=self.answer)


def _client(pkg: ModuleType, name: str, recorder: Recorder, **credentials: str) -> Any:
    return getattr(pkg, name)(transport=httpx.MockTransport(recorder), **credentials)


# -- not set versus null ---------------------------------------------------------------------------


def test_petstore_fields_not_set_are_not_sent(petstore: ModuleType) -> None:
    from petstore_client.models import NewPet

    recorder = Recorder(200, {"id": 1, "name": "rex"})
    _client(petstore, "Petstore", recorder).default.add_pet(body=NewPet(name="rex"))
    assert recorder.bodies == [{"name": "rex"}]


def test_petstore_none_for_a_field_that_is_not_nullable_is_refused_before_sending(
    petstore: ModuleType,
) -> None:
    """petstore-expanded's NewPet.tag is `type: string` (no x-nullable): null is not a tag."""
    from petstore_client.models import NewPet

    recorder = Recorder(200, {"id": 1, "name": "rex"})
    with pytest.raises(ValueError, match=r"NewPet\.tag\b.*null"):
        _client(petstore, "Petstore", recorder).default.add_pet(body=NewPet(name="rex", tag=None))
    assert recorder.bodies == []


def test_petstore_none_in_a_dict_body_is_refused_too(petstore: ModuleType) -> None:
    recorder = Recorder(200, {"id": 1, "name": "rex"})
    with pytest.raises(ValueError, match=r"\btag\b.*null"):
        _client(petstore, "Petstore", recorder).default.add_pet(body={"name": "rex", "tag": None})
    assert recorder.bodies == []


def test_none_is_sent_as_null_where_the_schema_allows_it(kennel: ModuleType) -> None:
    from kennel_client.models import Collar, Dog

    recorder = Recorder()
    api = _client(kennel, "Kennel", recorder).default
    api.add_dog(body=Dog(dog_name="rex", nick_name=None, collar=Collar(tag_text=None)))
    api.add_dog(body=Dog(dog_name="rex"))
    assert recorder.bodies == [
        {"dogName": "rex", "nickName": None, "collar": {"tagText": None}},
        {"dogName": "rex"},
    ]


def test_a_nested_none_is_refused_with_the_path_to_its_field(kennel: ModuleType) -> None:
    from kennel_client.models import Collar, Dog

    recorder = Recorder()
    api = _client(kennel, "Kennel", recorder).default
    friend = Dog(dog_name="fido", collar=Collar(colour_name=None))
    with pytest.raises(ValueError, match=r"friends\[0\]\.collar\.colour_name\b.*'colourName'"):
        api.add_dog(body=Dog(dog_name="rex", friends=[friend]))
    with pytest.raises(ValueError, match=r"Dog\.owner_name\b.*'ownerName'"):
        api.add_dog(body=Dog(dog_name="rex", owner_name=None))
    assert recorder.bodies == []


# -- dict bodies -----------------------------------------------------------------------------------


def test_callfire_dict_bodies_keyed_by_python_names_are_sent_with_wire_names(
    callfire: ModuleType,
) -> None:
    recorder = Recorder(200, {"items": []})
    api = _client(callfire, "CallFire", recorder, username="u", password="p").calls
    api.send_calls(body=[{"phone_number": "12132000384", "contact_id": 5}])
    api.send_calls(body=[{"phoneNumber": "12132000384", "contactId": 5}])
    assert recorder.bodies == [[{"phoneNumber": "12132000384", "contactId": 5}]] * 2


def test_callfire_nested_dicts_are_converted_too(callfire: ModuleType) -> None:
    recorder = Recorder(200, {"id": 7})
    api = _client(callfire, "CallFire", recorder, username="u", password="p").calls
    api.create_call_broadcast(
        body={"name": "spring", "recipients": [{"phone_number": "1"}], "from_number": "2"}
    )
    assert recorder.bodies == [
        {"name": "spring", "recipients": [{"phoneNumber": "1"}], "fromNumber": "2"}
    ]


def test_callfire_a_key_that_is_no_field_is_refused_before_sending(callfire: ModuleType) -> None:
    recorder = Recorder(200, {"items": []})
    api = _client(callfire, "CallFire", recorder, username="u", password="p").calls
    with pytest.raises(ValueError, match=r"'phone_numbr'.*CallRecipient"):
        api.send_calls(body=[{"phone_numbr": "1"}])
    with pytest.raises(ValueError, match=r"recipients\[0\].*'phoneNo'"):
        api.create_call_broadcast(body={"recipients": [{"phoneNo": "1"}]})
    assert recorder.bodies == []


def test_a_field_given_twice_is_refused(callfire: ModuleType) -> None:
    recorder = Recorder(200, {"items": []})
    api = _client(callfire, "CallFire", recorder, username="u", password="p").calls
    with pytest.raises(ValueError, match=r"phone_number.*twice"):
        api.send_calls(body=[{"phone_number": "1", "phoneNumber": "2"}])
    assert recorder.bodies == []


def test_other_keys_are_sent_where_the_schema_allows_additional_properties(
    kennel: ModuleType,
) -> None:
    recorder = Recorder()
    api = _client(kennel, "Kennel", recorder).default
    api.put_tags(body={"owner_name": "ann", "colour": "red"})
    assert recorder.bodies == [{"ownerName": "ann", "colour": "red"}]
    with pytest.raises(ValueError, match=r"'hat'.*Dog"):
        api.add_dog(body={"dog_name": "rex", "hat": "red"})


def test_models_are_sent_as_they_are(callfire: ModuleType) -> None:
    """A model instance is not converted (a field the server added stays in what is sent back)."""
    from callfire_client.models import CallRecipient

    recorder = Recorder(200, {"items": []})
    api = _client(callfire, "CallFire", recorder, username="u", password="p").calls
    known = CallRecipient.model_validate({"phoneNumber": "1", "addedLater": True})
    api.send_calls(body=[known, {"phone_number": "2"}])
    assert recorder.bodies == [[{"phoneNumber": "1", "addedLater": True}, {"phoneNumber": "2"}]]


def test_a_dict_for_a_model_with_subtypes_is_made_the_subtype_its_discriminator_names(
    kennel: ModuleType,
) -> None:
    recorder = Recorder()
    api = _client(kennel, "Kennel", recorder).default
    api.add_pet(body={"pet_type": "Cat", "pet_name": "tom", "meow_count": 3})
    api.add_pet(body={"petType": "Cat", "meowCount": 3})
    assert recorder.bodies == [
        {"petType": "Cat", "petName": "tom", "meowCount": 3},
        {"petType": "Cat", "meowCount": 3},
    ]
    with pytest.raises(ValueError, match=r"'meow_count'.*Pet"):
        api.add_pet(body={"pet_type": "Pet", "meow_count": 3})


# -- bodies sent as they are: an operation that consumes no JSON ----------------------------------

BODIES = ROOT / "tests" / "found_documents" / "bodies_sent_as_they_are.yaml"


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield from _generated(tmp_path_factory.mktemp("bodies"), BODIES, "bodies_client", "Bodies")


def _consumes(operation_id: str) -> list[str]:
    """What the document says the operation consumes: the expectation, from the spec's words."""
    document = yaml.safe_load(BODIES.read_text(encoding="utf-8"))
    for item in document["paths"].values():
        for operation in item.values():
            if operation.get("operationId") == operation_id:
                return list(operation.get("consumes") or document["consumes"])
    raise AssertionError(operation_id)


def _sent(bodies: ModuleType, call: Callable[[Any], object]) -> httpx.Request:
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(204)

    call(bodies.Bodies(transport=httpx.MockTransport(answer)).default)
    (request,) = requests
    return request


def test_a_binary_upload_is_sent_as_bytes_of_the_type_it_consumes(
    bodies: ModuleType, tmp_path: Path
) -> None:
    (octets,) = _consumes("uploadFile")
    sound = tmp_path / "a.wav"
    sound.write_bytes(b"RIFF\x00\xff")
    for given in (b"RIFF\x00\xff", sound):
        request = _sent(bodies, lambda api: api.upload_file("a", body=given))
        assert request.headers["Content-Type"] == octets
        assert request.content == b"RIFF\x00\xff"


def test_text_and_xml_bodies_are_sent_as_text_of_the_type_they_consume(bodies: ModuleType) -> None:
    (plain,) = _consumes("addNote")
    request = _sent(bodies, lambda api: api.add_note(body="héllo"))
    assert (request.headers["Content-Type"], request.content) == (plain, "héllo".encode())
    (xml,) = _consumes("addOrder")
    request = _sent(bodies, lambda api: api.add_order(body="<Order><id>1</id></Order>"))
    assert (request.headers["Content-Type"], request.content) == (xml, b"<Order><id>1</id></Order>")


def test_an_operation_that_also_consumes_json_sends_json(bodies: ModuleType) -> None:
    assert "application/json" in _consumes("putOrder")
    request = _sent(bodies, lambda api: api.put_order(body={"id": 1}))
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {"id": 1}


def test_a_body_sent_as_it_is_is_typed_so(bodies: ModuleType) -> None:
    """What a type checker sees: bytes and files for the upload, str for text; no JSON object."""
    resource = importlib.import_module("bodies_client.resources.default").Default
    hints = {
        name: typing.get_type_hints(getattr(resource, name))["body"]
        for name in ("upload_file", "add_note", "add_order")
    }
    assert bytes in typing.get_args(hints["upload_file"])
    assert dict not in typing.get_args(hints["upload_file"])
    assert hints["add_note"] is str
    assert set(typing.get_args(hints["add_order"])) == {str, type(None)}
