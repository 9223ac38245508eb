"""The API a run keeps for the next one (model/irdata.py): it comes back equal, only from data
this generator wrote, and a regeneration that uses it writes the changelog it would write
without it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics
from generator.memo import pack
from generator.ingest.pipeline import ingest
from generator.model import irdata
from generator.model.ir import Api
from generator.model.names import ClassName, Identifier
from generator.model.normalize import normalize
from generator.render import release as release_module
from generator.state.cache import Memo
from generator.target import Target, names_for
from tests import hostile
from tests.conftest import SEED, SEED_OVERLAY, corpus_documents, corpus_id


def _api(spec: Path, overlays: list[Path] = []) -> Api | None:  # noqa: B006
    ingested = ingest(spec, overlays)
    if ingested.document is None:
        return None
    names = names_for(Target(spec=spec, output=spec.parent / "out"), "T")
    return normalize(ingested.document, Diagnostics(), names)


def _round_trip(api: Api, known: dict[str, object]) -> Api | None:
    data = json.loads(json.dumps(irdata.encode(irdata.index(api), {})))
    return irdata.decode(data, known)


def test_callfire_and_the_hostile_document_come_back_equal(tmp_path: Path) -> None:
    for spec, overlays in ((SEED, [SEED_OVERLAY]), (hostile.write_document(tmp_path), [])):
        api = _api(spec, overlays)
        assert api is not None
        back = _round_trip(api, {})
        assert back == api and repr(back) == repr(api)


@pytest.mark.parametrize("spec", corpus_documents(), ids=corpus_id)
def test_corpus_apis_come_back_equal(spec: Path) -> None:
    api = _api(spec)
    if api is None:
        pytest.skip("the document itself is not usable")
    assert _round_trip(api, {}) == api


def test_names_come_back_as_names() -> None:
    api = _api(SEED, [SEED_OVERLAY])
    assert api is not None
    back = _round_trip(api, {})
    assert back is not None
    assert type(back.resources[0].name) is Identifier
    assert type(back.models[0].name) is ClassName


def test_parts_the_new_api_shares_are_taken_from_it_and_the_others_decoded() -> None:
    old = _api(SEED, [SEED_OVERLAY])
    assert old is not None
    first = old.models[0]
    edited = dataclasses.replace(first, description=first.description + " (edited)")
    new = dataclasses.replace(old, models=(edited, *old.models[1:]))
    known = irdata.index(new)[0]
    back = _round_trip(old, known)
    assert back == old
    assert back is not None and back.models[1] is new.models[1]  # shared: not decoded
    assert back.models[0] is not new.models[0] and back.models[0] == first


@pytest.mark.parametrize(
    "damage",
    [
        lambda part: {"@": "Popen", "f": part["f"]},  # a class that is not the IR's
        lambda part: {"@": part["@"], "f": part["f"][:-1]},  # a field missing
        lambda part: {"@": "Enum", "f": part["f"][:6]},  # another IR class than the order says
        lambda part: {"x": 1},
        lambda part: [part],
    ],
)
def test_data_this_module_did_not_write_is_unusable(damage) -> None:  # type: ignore[no-untyped-def]
    api = _api(SEED, [SEED_OVERLAY])
    assert api is not None
    data = irdata.encode(irdata.index(api), {})
    name = data["order"]["resources"][0]
    data["parts"][name] = json.dumps(damage(json.loads(data["parts"][name])))
    assert irdata.decode(data, {}) is None
    assert irdata.decode({"order": data["order"]}, {}) is None
    assert irdata.decode("not even a mapping", {}) is None


PETS = """\
swagger: "2.0"
info: {title: Pets, version: "1"}
host: pets.example
paths:
  /pets:
    get:
      operationId: listPets
      description: DESCRIPTION
      parameters: [{name: limit, in: query, type: integer}]
      responses: {"200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Pet"}}}}
definitions:
  Pet: {type: object, properties: {name: {type: string}}}
"""


def _regenerate_with_edits(cli, tmp_path: Path, name: str) -> str:  # type: ignore[no-untyped-def]
    spec, out = tmp_path / name / "pets.yaml", tmp_path / name / "out"
    spec.parent.mkdir()
    for text in (PETS, PETS.replace("DESCRIPTION", "Lists pets."), PETS.replace("name", "nick")):
        spec.write_text(text, encoding="utf-8")
        assert cli("generate", spec, "-o", out, "--version", "bump").code == 0
    return (out / "CHANGELOG.md").read_text(encoding="utf-8")


def test_a_regeneration_compares_with_the_kept_api_and_writes_the_same_changelog(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    without = _regenerate_with_edits(cli, tmp_path, "without")
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the previous document was read again although its API was kept")

    monkeypatch.setattr(release_module, "previous_api", refuse)
    kept = _regenerate_with_edits(cli, tmp_path, "with")
    assert kept == without
    assert "description changed" in kept and "`Pet.nick`" in kept  # both edits were compared


def test_the_api_kept_in_a_memo_is_the_api_and_a_foreign_entry_is_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    api = _api(SEED, [SEED_OVERLAY])
    assert api is not None
    indexed = irdata.index(api)
    irdata.keep(Memo(), "pkg", "hash", indexed, {})
    kept = irdata.kept(Memo(), "pkg")
    assert kept["effective"] == "hash"
    assert irdata.recall(kept, "hash", {}) == api
    assert irdata.recall(kept, "another document's hash", {}) is None
    Memo().write("api", "pkg", pack({"order": "{}"}))  # signed, but not an API this run kept
    assert irdata.kept(Memo(), "pkg") == {}
