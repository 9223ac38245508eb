"""The overlay's query adapter: what a target selects (locations, values, duplicates), our limits,
our match()/search() and the one error type. RFC 9535's grammar and semantics are the
`jsonpath-rfc9535` library's, tested against the Compliance Test Suite by its authors."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.ingest.overlay_query import (
    MAX_DESCENT,
    NodeBudget,
    TargetError,
    TooLarge,
    compile_target,
    count_nodes,
    translate_iregexp,
)

Location = tuple[str | int, ...]


def select(expression: str, document: object) -> list[tuple[Location, object]]:
    return compile_target(expression).select(document)


def locations(expression: str, document: object) -> list[Location]:
    return [location for location, _ in select(expression, document)]


SWAGGER = {
    "swagger": "2.0",
    "paths": {
        "/calls": {
            "get": {
                "parameters": [
                    {"name": "limit", "in": "query", "type": "integer"},
                    {"name": "offset", "in": "query", "type": "integer"},
                    {"name": "X-Trace", "in": "header", "type": "string"},
                ]
            },
            "post": {
                "parameters": [
                    {"name": "body", "in": "body", "schema": {"$ref": "#/definitions/Call"}}
                ]
            },
        },
        "/calls/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
            "get": {"parameters": [{"name": "fields", "in": "query", "type": "string"}]},
        },
    },
    "definitions": {
        "Call": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    },
}
CALLS_GET = ("paths", "/calls", "get", "parameters")
CALL_ID = ("paths", "/calls/{id}")
LETTERS = ["a", "b", "c", "d", "e", "f", "g"]


# --- locations and values ----------------------------------------------------


def test_locations_are_names_and_indices_from_the_root() -> None:
    assert select("$", SWAGGER) == [((), SWAGGER)]
    assert select("$", 7) == [((), 7)]
    assert select("$[-1]", LETTERS) == [((6,), "g")]  # a negative index is normalized
    assert select("$[5:1:-2]", LETTERS) == [((5,), "f"), ((3,), "d")]
    assert locations("$.definitions.Call.required[?@ == 'id']", SWAGGER) == [
        ("definitions", "Call", "required", 0)
    ]


def test_selected_values_are_the_documents_own_objects() -> None:
    # the overlay updates them in place
    [(location, value)] = select("$.definitions", SWAGGER)
    assert location == ("definitions",) and value is SWAGGER["definitions"]
    [(_, parameter)] = select("$.paths['/calls'].get.parameters[?@.name == 'limit']", SWAGGER)
    assert parameter is SWAGGER["paths"]["/calls"]["get"]["parameters"][0]  # type: ignore[index]


def test_duplicates_are_kept_in_order() -> None:
    # the overlay de-duplicates (`_unique`): the adapter returns the RFC's nodelist as it is
    assert select("$['a', 'b', 0]", {"b": 2, "a": 1}) == [(("a",), 1), (("b",), 2)]
    assert select("$[0, 'a', -1, 0]", LETTERS) == [((0,), "a"), ((6,), "g"), ((0,), "a")]
    assert select("$..a..b", {"a": {"a": {"b": 1}}}) == [(("a", "a", "b"), 1), (("a", "a", "b"), 1)]


def test_subclasses_of_dict_and_list() -> None:
    # documents are SpecDict and SpecList
    class Mapping(dict):  # type: ignore[type-arg]
        pass

    class Sequence(list):  # type: ignore[type-arg]
        pass

    document = Mapping(items=Sequence([Mapping(name="x"), Mapping(name="y")]))
    assert select("$.items[?@.name == 'y'].name", document) == [(("items", 1, "name"), "y")]
    assert locations("$..name", document) == [("items", 0, "name"), ("items", 1, "name")]


def test_overlay_parameter_by_name() -> None:
    expected = [(CALLS_GET + (0,), SWAGGER["paths"]["/calls"]["get"]["parameters"][0])]  # type: ignore[index]
    assert select("$.paths['/calls'].get.parameters[?@.name == 'limit']", SWAGGER) == expected


def test_overlay_query_parameters_of_every_operation() -> None:
    result = select("$.paths.*.*.parameters[?@.in == 'query']", SWAGGER)
    assert [location for location, _ in result] == [
        CALLS_GET + (0,),
        CALLS_GET + (1,),
        CALL_ID + ("get", "parameters", 0),
    ]
    assert [value["name"] for _, value in result] == ["limit", "offset", "fields"]  # type: ignore[index]


def test_overlay_typed_parameters_anywhere() -> None:
    assert locations("$..parameters[?@.type]", SWAGGER) == [
        CALLS_GET + (0,),
        CALLS_GET + (1,),
        CALLS_GET + (2,),
        CALL_ID + ("parameters", 0),
        CALL_ID + ("get", "parameters", 0),
    ]
    assert locations("$.paths['/calls/{id}'].parameters[?@.required == true]", SWAGGER) == [
        CALL_ID + ("parameters", 0)
    ]


# --- errors ------------------------------------------------------------------


def test_error_message_names_the_place() -> None:
    with pytest.raises(TargetError) as caught:
        compile_target("$.paths[?@.x")
    assert (
        str(caught.value)
        == "the target is not a JSONPath query: unbalanced brackets at offset 7 in $.paths[?@.x"
    )
    assert caught.value.position == 7 and caught.value.expression == "$.paths[?@.x"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "@.a",
        "$ ",
        "$.",
        "$['a'",
        "$[01]",
        "$[9007199254740992]",  # the library's index error
        r"$['\uD800']",
        "$[?foo(@)]",  # its name error
        "$[?length(@.*) == 1]",  # its type error
        "$[?match(@, 'a') == true]",
        "$[?count(1) == 1]",
    ],
)
def test_every_refusal_is_a_target_error(expression: str) -> None:
    with pytest.raises(TargetError) as caught:
        compile_target(expression)
    assert caught.value.expression == expression
    assert caught.value.position is None or 0 <= caught.value.position <= len(expression)
    assert str(caught.value).startswith("the target is not a JSONPath query: ")


def test_long_queries_are_shortened_in_messages() -> None:
    expression = "$['" + "a" * 500 + "'"
    with pytest.raises(TargetError) as caught:
        compile_target(expression)
    assert str(caught.value).endswith(" in $['" + "a" * 197 + "...")


def test_target_keeps_its_expression() -> None:
    assert compile_target("$.definitions").expression == "$.definitions"


# --- limits ----------------------------------------------------------------


def test_expression_length_is_capped() -> None:
    longest = "$['" + "a" * 4091 + "']"
    assert len(longest) == 4096
    assert select(longest, {"a" * 4091: 1}) == [(("a" * 4091,), 1)]
    with pytest.raises(TargetError) as caught:
        compile_target(longest + " ")
    assert caught.value.position == 4096 and "longer than 4096 characters" in caught.value.problem


def test_filter_nesting_is_capped() -> None:
    deepest = "$" + "[?@" * 64 + "]" * 64
    assert select(deepest, [[[1]]]) == []
    with pytest.raises(TargetError) as caught:
        compile_target("$" + "[?@" * 65 + "]" * 65)
    assert caught.value.position == 3 * 64 + 1  # the 65th '['
    assert caught.value.problem == "nesting deeper than 64 levels"


def test_parenthesis_nesting_is_capped() -> None:
    assert locations("$[?" + "(" * 63 + "@" + ")" * 63 + "]", [1]) == [(0,)]
    with pytest.raises(TargetError) as caught:
        compile_target("$[?" + "(" * 64 + "@" + ")" * 64 + "]")
    assert caught.value.position == 3 + 63  # the filter is level 1, so the 64th '(' is level 65


def test_function_nesting_is_capped() -> None:
    assert locations("$[?" + "length(" * 63 + "@" + ")" * 63 + " == 1]", ["a"]) == []
    with pytest.raises(TargetError):
        compile_target("$[?" + "length(" * 64 + "@" + ")" * 64 + " == 1]")


def test_brackets_in_string_literals_do_not_nest() -> None:
    name = "[(" * 100 + "\\'"
    assert select("$['" + name + "']", {"[(" * 100 + "'": 1}) == [(("[(" * 100 + "'",), 1)]


def test_segments_are_capped() -> None:
    assert select("$" + ".a" * 256, {}) == []
    with pytest.raises(TargetError) as caught:
        compile_target("$" + ".a" * 257)
    assert caught.value.problem == "more than 256 segments"


def nested(depth: int) -> dict[str, object]:
    """depth + 1 objects, each the 'x' of the one before."""
    document: dict[str, object] = {}
    for _ in range(depth):
        document = {"x": document}
    return document


def test_descendants_go_twice_as_deep_as_a_loaded_document() -> None:
    assert MAX_DESCENT == 256
    document = nested(MAX_DESCENT - 1)  # 256 objects
    result = select("$..x", document)
    assert len(result) == MAX_DESCENT - 1
    assert result[-1] == (("x",) * (MAX_DESCENT - 1), {})
    with pytest.raises(TargetError) as caught:
        select("$..x", nested(MAX_DESCENT))
    assert (
        caught.value.problem
        == "the document nests deeper than 256 levels under a descendant segment"
    )
    assert str(caught.value).startswith("the target cannot be evaluated: ")


def test_the_deepest_query_on_the_deepest_document_stops_cleanly() -> None:
    query = "$" + ".x" * 250 + "..[?" + "(" * 60 + "@..x" + ")" * 60 + "]"
    try:
        result = select(query, nested(4 * MAX_DESCENT))
    except TargetError as error:  # the descent limit, or the call stack: never a RecursionError
        assert "nest" in error.problem
    else:
        assert isinstance(result, list)


def test_deep_arrays_compare_or_stop_cleanly() -> None:
    def deep(depth: int, bottom: object) -> list[object]:
        value: list[object] = [bottom]
        for _ in range(depth):
            value = [value]
        return value

    document = [deep(200, 1), deep(200, 1), deep(200, "1"), deep(199, 1)]
    assert locations("$[?@ == $[0]]", document) == [(0,), (1,)]
    try:  # deeper than Python's stack may allow (its limit depends on the process): never a RecursionError
        found = locations("$[?@ == $[0]]", [deep(5000, 1), deep(5000, 1)])
    except TargetError:
        return
    assert found == [(0,), (1,)]


# --- match() and search(): RFC 9485 ------------------------------------------


@pytest.mark.parametrize(
    ("expression", "indices"),
    [
        ("$[?match(@, 'a.c')]", [0, 3]),  # '.' excludes line ends
        ("$[?search(@, 'a.c')]", [0, 2, 3, 4]),
        ("$[?search(@, '^abc')]", [4]),  # no anchors in I-Regexp
        ("$[?match(@, '(?i)ABC')]", []),  # other engines' syntax matches nothing
        ("$[?match(@, '[')]", []),  # neither does an invalid pattern
        (r"$[?match(@, 'a\\.c')]", [3]),
        ("$[?match(@, 1)]", []),
        ("$[?!match(@, '[a-z]+')]", [1, 3, 4, 5, 6, 7]),
        ("$[?match(@, $[0])]", [0]),  # a pattern from the document
        ("$[?match(@, '[^a-z]+')]", [7]),  # a negated class takes line ends
    ],
)
def test_regular_expressions(expression: str, indices: list[int]) -> None:
    document = ["abc", "a\nc", "xabcx", "a.c", "^abc", 5, "a\rc", "\n\r"]
    assert locations(expression, document) == [(index,) for index in indices]


@pytest.mark.parametrize(
    ("pattern", "translated"),
    [
        ("", ""),
        ("ab", "ab"),
        ("^a$", "\\x5ea\\x24"),
        (".", "[^\\n\\r]"),
        ("a|b", "a|b"),
        ("(ab)*", "(?:ab)*"),
        ("a{2,}b{3}c{1,10}", "a{2,}b{3}c{1,10}"),
        ("\\p{Lu}\\P{Nd}", "\\p{Lu}\\P{Nd}"),
        ("\\n\\.\\\\", "\\x0a\\x2e\\x5c"),
        ("[a-z]", "[a-z]"),
        ("[^-a-]", "[^\\x2da\\x2d]"),
        ("[\\p{L}\\]_]", "[\\p{L}\\x5d\\x5f]"),
        ("[\\n-\\r]", "[\\x0a-\\x0d]"),
        ("[$^.]", "[\\x24\\x5e\\x2e]"),
        ("é", "é"),
        ("()", "(?:)"),
    ],
)
def test_iregexp_translation(pattern: str, translated: str) -> None:
    result = translate_iregexp(pattern)
    assert result is not None and result[0] == translated


@pytest.mark.parametrize(
    "pattern",
    [
        "(?:a)",
        "(?i)a",
        "a**",
        "a{2}{3}",
        "*a",
        "a|*",
        "{2}",
        "a{x}",
        "a{2",
        "a{,2}",
        "a}",
        "]",
        "(a",
        "a)",
        "\\d",
        "\\w",
        "\\s",
        "\\b",
        "\\$",
        "\\1",
        "\\p{IsBasicLatin}",
        "\\p{Lx}",
        "\\p{L",
        "\\pL",
        "\\",
        "[]",
        "[^]",
        "[a",
        "[a-]b]",
        "[--a]",
        "[a-b-c]",
        "[z-a]",
        "[[]",
        "[\\d]",
        "[a-\\p{L}]",
        "\ud800",
    ],
)
def test_what_is_no_iregexp(pattern: str) -> None:
    assert translate_iregexp(pattern) is None


def test_pattern_weight_counts_repetitions() -> None:
    assert translate_iregexp("abc") == ("abc", 3)
    assert translate_iregexp("(ab){10}c?") == ("(?:ab){10}c?", 21)
    assert translate_iregexp("((a{100}){100})*") == ("(?:(?:a{100}){100})*", 10_000)


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        (
            "$[?match(@, '((a{100}){100}){2}')]",
            "match(): the pattern repeats too much (about 20,000 steps; at most 10,000)",
        ),
        ("$[?search(@, $[1])]", "search(): a pattern longer than 4096 characters"),
    ],
)
def test_patterns_too_large_to_run(expression: str, problem: str) -> None:
    with pytest.raises(TargetError) as caught:
        select(expression, ["a", "a" * 4097])
    assert caught.value.problem == problem


def test_patterns_share_one_second() -> None:
    start = time.monotonic()
    with pytest.raises(TargetError) as caught:
        select("$[?search(@, '(x+x+)+y')]", ["x" * 3000] * 10)
    assert (
        time.monotonic() - start < 8
    )  # the engine looks at its clock now and then: up to about 3 s
    assert caught.value.problem.startswith("search() ran longer than 1 second")
    # the next selection has its own second
    assert select("$[?search(@, 'x+y')]", ["x" * 3000]) == []


# --- growth ------------------------------------------------------------------


def test_count_nodes() -> None:
    assert count_nodes(1) == 1
    assert count_nodes({"a": [1, {"b": None}], "c": {}}) == 6


def test_budget_counts_what_a_merge_adds() -> None:
    document = {"a": {"b": 1, "c": {"d": [1, 2]}}, "e": []}
    budget = NodeBudget(document, 100)
    budget.add(document["a"], {"b": {"x": 1}, "c": {"d": 3, "f": 4}})
    # 8 nodes; b: 1 node becomes 2; d: 3 nodes become 1; f: new
    assert budget.nodes == 8 + 1 - 2 + 1
    budget.add(document["e"], {"x": [1, 2]})  # an array gains the whole value
    assert budget.nodes == 8 + 4
    budget.add("scalar", {"x": 1})
    budget.add(document["a"], [1, 2])  # updates the overlay refuses add nothing
    assert budget.nodes == 12


def test_budget_refuses_past_the_limit() -> None:
    budget = NodeBudget({"a": {}}, 5)
    budget.add({}, {"x": 1, "y": 2})
    assert budget.nodes == 4
    with pytest.raises(TooLarge) as caught:
        budget.add({}, {"z": [3]})
    assert str(caught.value) == "the updates would grow the document past 5 nodes"
    assert budget.nodes == 4


# --- robustness ------------------------------------------------------------

SAMPLE = {
    "a": [1, 2.5, True, None, "x", {"b": [1, {"a": "y"}]}, [], {}],
    "b": {"a": {"a": 1}, "c": "abc", "": [[]]},
    "c": -0.0,
}
TOKENS = [
    "$",
    "@",
    ".",
    "..",
    "[",
    "]",
    "(",
    ")",
    "?",
    "*",
    ":",
    ",",
    "'",
    '"',
    "\\",
    " ",
    "-",
    "0",
    "1",
    "9",
    "a",
    "b",
    "é",
    "u",
    "e",
    "E",
    "!",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&&",
    "||",
    "'a'",
    '"b"',
    "\\u00",
    "true",
    "false",
    "null",
    "length(",
    "count(",
    "match(",
    "search(",
    "value(",
    "foo(",
    "1.5",
    "-2",
    "1e3",
    "\t",
    "'a.*'",
    "'(a|b)*'",
    "'\\\\p{L}'",
    "'[^a]'",
]


def check(expression: str) -> None:
    try:
        target = compile_target(expression)
    except TargetError as error:
        assert error.position is None or 0 <= error.position <= len(expression)
        return
    try:
        result = target.select(SAMPLE)
    except TargetError:
        return
    assert isinstance(result, list)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_random_text_raises_only_target_errors(expression: str) -> None:
    check(expression)
    check("$" + expression)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_random_token_soup_raises_only_target_errors(tail: str) -> None:
    check("$" + tail)
    check("$[?" + tail + "]")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab.()[]{}|*+?^$-\\,0123pPLu\n", max_size=16))
def test_random_patterns_translate_or_are_refused(pattern: str) -> None:
    # a pattern that translates compiles, and match() and search() answer
    result = translate_iregexp(pattern)
    literal = pattern.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    for function in ("match", "search"):
        try:
            select(f"$[?{function}(@, '{literal}')]", ["", "ab", "a\nb", "(a)", "^$"])
        except TargetError as error:
            assert result is not None and "repeats too much" in error.problem


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=30,
)
QUERIES = [
    "$..*",
    "$..[?@ == @]",
    "$..[?@.a]",
    "$..[-1:0:-1]",
    "$.*[?@ > 1 || @ < 'b']",
    "$..[?length(@) == 2]",
    "$..[?count(@.*) == 1 && value(@.*) == 1]",
    "$..[?@ == $]",
    "$..[?match(@, '.*')]",
    "$[::-2]..['a', 0]",
]


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_every_location_leads_to_its_value(document: object) -> None:
    for expression in QUERIES:
        for location, value in select(expression, document):
            node = document
            for step in location:
                node = node[step]  # type: ignore[index]
            assert node is value
