"""The loader: YAML/JSON, positions, scalars, limits, and the CLI's answer to bad files."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics, InputError
from generator.ingest.document import SpecDict, SpecList, clone, locate, walk
from generator.ingest.loader import Limits, _Builder, load_file, load_text
from tests.conftest import corpus_documents


def load(text: str, diagnostics: Diagnostics | None = None) -> object:
    return load_text(text, "t.yaml", diagnostics if diagnostics is not None else Diagnostics())


def failure(text: str, limits: Limits = Limits()) -> str:
    with pytest.raises(InputError) as info:
        load_text(text, "t.yaml", Diagnostics(), limits)
    return info.value.diagnostic.code


def test_integer_keys_become_strings_and_values_keep_their_type() -> None:
    doc = load("responses:\n  200:\n    description: OK\n  404: {description: gone}\n")
    assert doc == {"responses": {"200": {"description": "OK"}, "404": {"description": "gone"}}}


def test_scalars_follow_the_yaml_1_2_core_schema() -> None:
    doc = load(
        "a: false\nb: 'false'\nc: no\nd: 1.5\ne: 0x1F\nf: 2020-01-01\ng: ~\nh: !!str 12\n"
        "i: 017\nj: -3\nk: 1e3\nl: .inf\nm: yes\nn: null\n"
    )
    assert doc == {
        "a": False,
        "b": "false",
        "c": "no",
        "d": 1.5,
        "e": 31,
        "f": "2020-01-01",
        "g": None,
        "h": "12",
        "i": 17,
        "j": -3,
        "k": 1000.0,
        "l": float("inf"),
        "m": "yes",
        "n": None,
    }


def test_python_tags_construct_nothing(tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    doc = load(f"a: !!python/object/apply:os.system ['touch {canary}']\nb: !custom 5\n")
    assert not canary.exists()
    assert doc == {"a": ["touch " + str(canary)], "b": "5"}


def test_json_documents_load() -> None:
    assert load('{"swagger": "2.0", "paths": {"/a": {}}, "n": [1, 2.5, true, null]}') == {
        "swagger": "2.0",
        "paths": {"/a": {}},
        "n": [1, 2.5, True, None],
    }


def test_json_that_pyyaml_rejects_still_loads() -> None:
    text = '{\n\t"swagger": "2.0",\n\t"info": {"title": "tab\\/indented"}\n}'
    assert load(text) == {"swagger": "2.0", "info": {"title": "tab/indented"}}


def test_positions_are_recorded_for_keys_and_items() -> None:
    doc = load(
        "swagger: '2.0'\npaths:\n  /a:\n    get:\n      parameters:\n        - name: x\n          in: query\n"
    )
    assert str(locate(doc, ["paths", "/a", "get", "parameters", 0])) == "t.yaml:6:11"
    assert str(locate(doc, ["paths", "/a", "get", "parameters", 0, "in"])) == "t.yaml:7:11"
    # a pointer past what exists points at the nearest ancestor
    assert str(locate(doc, ["paths", "/a", "post", "x"])) == "t.yaml:3:3"


def test_yaml_stream_reads_the_first_document_with_a_warning() -> None:
    diagnostics = Diagnostics()
    doc = load("---\nswagger: '2.0'\n---\nother: 1\n", diagnostics)
    assert doc == {"swagger": "2.0"}
    [warning] = diagnostics.items
    assert warning.code == "extra-document" and warning.severity.value == "warning"
    assert warning.position is not None and warning.position.line == 3


def test_duplicate_keys_warn_and_the_last_wins() -> None:
    diagnostics = Diagnostics()
    assert load("a: 1\na: 2\n", diagnostics) == {"a": 2}
    assert diagnostics.codes() == ["duplicate-key"]
    assert diagnostics.items[0].position is not None and diagnostics.items[0].position.line == 2


def test_merge_keys_and_aliases_are_copies() -> None:
    doc = load("base: &b {type: string, x: 1}\nuse:\n  <<: *b\n  x: 2\nagain: *b\n")
    assert isinstance(doc, dict)
    assert doc["use"] == {"type": "string", "x": 2}
    assert doc["again"] == {"type": "string", "x": 1}
    doc["again"]["x"] = 9
    assert doc["base"]["x"] == 1


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    started = time.perf_counter()
    assert failure("\n".join(lines) + "\n") == "too-large"
    assert time.perf_counter() - started < 1.0


def test_deep_nesting_is_refused() -> None:
    nested = "x: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n"
    assert failure(nested) == "too-deep"
    block = "".join("  " * i + "properties:\n" for i in range(300)) + "  " * 300 + "x: 1\n"
    assert failure(block) == "too-deep"


def test_node_limit() -> None:
    assert failure("[" + ",".join(["1"] * 50) + "]", Limits(max_nodes=10)) == "too-large"


def test_file_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 500)
    with pytest.raises(InputError) as info:
        load_file(big, Diagnostics(), Limits(max_bytes=100))
    assert info.value.diagnostic.code == "too-large"


def test_containers_carry_their_source() -> None:
    doc = load("a:\n  b: [1]\n")
    assert isinstance(doc, SpecDict) and doc.source == "t.yaml"
    assert doc["a"].source == "t.yaml"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("swagger: '2.0'\npaths: [unclosed\n", "yaml-syntax"),
        ("", "empty-document"),
        ("   \n# only a comment\n", "empty-document"),
        ("[1, 2, 3]\n", "not-a-mapping"),
        ('{"openapi": "3.0.0", "info": {"title": "x", "version": "1"}, "paths": {}}', "openapi3"),
        ("swagger: '1.2'\n", "not-swagger2"),
        ("x: " + "[" * 2000 + "]" * 2000 + "\n", "too-deep"),
    ],
    ids=[
        "invalid-yaml",
        "empty",
        "comment-only",
        "json-array",
        "openapi3",
        "swagger1.2",
        "nested-2000",
    ],
)
def test_cli_gives_one_clear_diagnostic_for_bad_input(cli, write, content: str, code: str) -> None:  # type: ignore[no-untyped-def]
    path = write("bad.yaml", content)
    result = cli("validate", path, "--format", "json")
    assert result.code == 1
    [diagnostic] = json.loads(result.out)
    assert diagnostic["code"] == code
    assert diagnostic["severity"] == "error"
    assert diagnostic["file"].endswith("bad.yaml")
    assert "Traceback" not in result.err


def test_cli_invalid_yaml_names_line_and_column(cli, write) -> None:  # type: ignore[no-untyped-def]
    path = write("bad.yaml", "swagger: '2.0'\ninfo:\n  title: [x\n  version: 1\n")
    result = cli("validate", path)
    assert result.code == 1
    assert "bad.yaml:4:" in result.err and "error[yaml-syntax]" in result.err


def test_cli_missing_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", tmp_path / "nope.yaml", "--format", "json")
    assert result.code == 1
    assert [d["code"] for d in json.loads(result.out)] == ["file-not-found"]


def test_cli_billion_laughs_document(cli, write) -> None:  # type: ignore[no-untyped-def]
    lines = ["swagger: '2.0'", 'x0: &x0 ["a","a","a","a","a","a","a","a","a","a"]']
    lines += [f"x{i}: &x{i} [" + ",".join([f"*x{i - 1}"] * 10) + "]" for i in range(1, 12)]
    path = write("laughs.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    result = cli("validate", path, "--format", "json")
    assert time.perf_counter() - started < 1.0
    assert result.code == 1
    assert [d["code"] for d in json.loads(result.out)] == ["too-large"]


def test_cli_deeply_nested_schema_document(cli, write) -> None:  # type: ignore[no-untyped-def]
    schema = "{type: object, properties: {a: " * 1000 + "{type: string}" + "}}" * 1000
    path = write(
        "deep.yaml",
        f"swagger: '2.0'\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ndefinitions:\n  D: {schema}\n",
    )
    result = cli("validate", path, "--format", "json")
    assert result.code == 1
    assert [d["code"] for d in json.loads(result.out)] == ["too-deep"]


def test_cli_usage_error_exits_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("validate").code == 2
    assert cli("no-such-command").code == 2


def test_json_the_yaml_reader_refuses_keeps_its_order(tmp_path: Path) -> None:
    """A document read by the JSON fallback (here: a lone surrogate, which YAML refuses) keeps every mapping's order."""
    keys = ["zeta", "alpha", "mid", "beta"]
    document = {
        "swagger": "2.0",
        "info": {"title": "t\ud800", "version": "1"},
        "paths": {f"/{k}": {} for k in keys},
    }
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    loaded = load_file(path, Diagnostics())
    assert isinstance(loaded, dict)
    assert list(loaded) == ["swagger", "info", "paths"]
    assert list(loaded["paths"]) == [f"/{k}" for k in keys]


# -- plain JSON: read with json, positions found when asked -------------------------------------------------

_JSON_SAMPLE = (
    '{"swagger": "2.0",\r\n "info": {"title": "Caf\\u00e9 \u00e9t\u00e9 \U0001f600", "version": "1"},\n'
    '  "paths": {"/a/{id}": {"get": {"parameters": [ {"name": "id", "in": "path"},\n'
    '      {"name": "q\\"uote", "in": "query", "enum": [1, 2.5e3, -0, true, null, "x"]}],\n'
    '   "responses": {"200": {"description": "", "schema": {"type": "array", "items": []}}}}}},\n'
    '"definitions": {}, "x-empty": [], "x-nested": [[[{}]], {"a": {"b": [[]]}}]}\n'
)


def _via_yaml_reader(text: str, diagnostics: Diagnostics | None = None) -> object:
    """What the position-recording YAML reader makes of text (every JSON text is YAML)."""
    return _Builder("t.yaml", Limits(), diagnostics or Diagnostics()).build(text)[0].value


def _assert_same_tree_and_positions(fast: object, slow: object) -> None:
    assert json.dumps(fast) == json.dumps(slow)  # same values, same key order
    pairs = list(zip(walk(fast), walk(slow)))
    assert len(pairs) == len(walk(slow))
    for (path, a), (_, b) in pairs:
        assert type(a) is type(b), path
        if isinstance(a, (SpecDict, SpecList)):
            assert (a.source, a.marks) == (b.source, b.marks), path


def test_plain_json_gives_the_tree_and_positions_the_yaml_reader_gives() -> None:
    fast = load(_JSON_SAMPLE)
    assert isinstance(fast, SpecDict) and fast.origin is not None  # the json reader read it
    _assert_same_tree_and_positions(fast, _via_yaml_reader(_JSON_SAMPLE))
    assert (
        str(locate(fast, ["paths", "/a/{id}", "get", "parameters", 1, "enum", 3])) == "t.yaml:4:65"
    )


def test_plain_json_positions_are_found_only_when_read() -> None:
    doc = load(_JSON_SAMPLE)
    assert isinstance(doc, SpecDict)
    parameters = doc["paths"]["/a/{id}"]["get"]["parameters"]
    assert parameters._marks is None and doc._marks is None
    copied = clone(parameters)  # a copy (what $ref bundling makes) stays unresolved too
    assert isinstance(copied, SpecList) and copied._marks is None
    assert copied.marks == [(3, 49), (4, 7)] and parameters._marks is None
    assert str(locate(doc, ["paths", "/a/{id}", "get", "parameters", 1, "in"])) == "t.yaml:4:27"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1,\n "a": 2}', {"a": 2}),  # a duplicate key: the YAML reader warns about it
        ('{"a": NaN}', {"a": "NaN"}),  # not JSON: read as YAML reads it, as before
    ],
)
def test_json_the_json_reader_leaves_to_the_yaml_reader(text: str, expected: object) -> None:
    diagnostics = Diagnostics()
    doc = load(text, diagnostics)
    assert doc == expected and isinstance(doc, SpecDict) and doc.origin is None
    if "NaN" not in text:
        assert [(d.code, str(d.position)) for d in diagnostics] == [("duplicate-key", "t.yaml:2:2")]


def test_corpus_documents_as_json_read_the_same_both_ways(shared_specs: Path) -> None:
    """Each corpus document, printed as JSON in one of three styles, gives the same tree and the same
    positions through the json reader as through the YAML reader."""
    styles = [{"indent": 2}, {"separators": (",", ":")}, {"indent": " ", "ensure_ascii": False}]
    documents = corpus_documents()
    assert documents
    for number, path in enumerate(documents):
        document = load_file(path, Diagnostics())
        text = json.dumps(document, **styles[number % 3])  # type: ignore[arg-type]
        fast = load(text)
        assert isinstance(fast, (SpecDict, SpecList)) and fast.origin is not None, path
        _assert_same_tree_and_positions(fast, _via_yaml_reader(text))
