"""Tests of the RFC 9535 JSONPath implementation used for Overlay targets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.jsonpath import JSONPathError, Location, compile_query


def select(expression: str, document: object) -> list[tuple[Location, object]]:
    return compile_query(expression).select(document)


def locations(expression: str, document: object) -> list[Location]:
    return [location for location, _ in select(expression, document)]


# RFC 9535's examples (section 2.5.2.3 and table 12)
DESCENDANTS = {"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]}
FILTERS = {
    "a": [3, 5, 1, 2, 4, 6, {"b": "j"}, {"b": "k"}, {"b": {}}, {"b": "kilo"}],
    "o": {"p": 1, "q": 2, "r": 3, "s": 5, "t": {"u": 6}},
    "e": "f",
}
LETTERS = ["a", "b", "c", "d", "e", "f", "g"]

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
            "post": {"parameters": [{"name": "body", "in": "body", "schema": {"$ref": "#/definitions/Call"}}]},
        },
        "/calls/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "type": "string"}],
            "get": {"parameters": [{"name": "fields", "in": "query", "type": "string"}]},
        },
    },
    "definitions": {"Call": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}},
}
CALLS_GET = ("paths", "/calls", "get", "parameters")
CALL_ID = ("paths", "/calls/{id}")


# --- segments and selectors ------------------------------------------------


def test_root_selects_the_document() -> None:
    assert select("$", FILTERS) == [((), FILTERS)]
    assert select("$", 7) == [((), 7)]


def test_member_name_shorthand() -> None:
    document = {"a": {"b": 4}, "ünï": 1, "_x1": 2, "日本": 3}
    assert select("$.a.b", document) == [(("a", "b"), 4)]
    assert select("$.ünï", document) == [(("ünï",), 1)]
    assert select("$._x1", document) == [(("_x1",), 2)]
    assert select("$.日本", document) == [(("日本",), 3)]
    assert select("$.missing", document) == []
    assert select("$.a.b.c", document) == []


def test_quoted_names_and_escapes() -> None:
    document = {"a'b": 1, 'a"b': 2, "é\t": 3, "😀": 4, "/\\": 5, '"': 6, "'": 7, "a b": 8}
    assert select(r"$['a\'b']", document) == [(("a'b",), 1)]
    assert select(r'$["a\"b"]', document) == [(('a"b',), 2)]
    assert select(r"$['\u00e9\t']", document) == [(("é\t",), 3)]
    assert select(r"$['\uD83D\ude00']", document) == [(("😀",), 4)]
    assert select(r'$["\/\\"]', document) == [(("/\\",), 5)]
    assert select("$['\"']", document) == [(('"',), 6)]
    assert select('$["\'"]', document) == [(("'",), 7)]
    assert select("$['a b']", document) == [(("a b",), 8)]


def test_wildcard() -> None:
    assert select("$.o.*", DESCENDANTS) == [(("o", "j"), 1), (("o", "k"), 2)]
    assert select("$.a[*]", {"a": [1, "x"]}) == [(("a", 0), 1), (("a", 1), "x")]
    assert select("$.*", "scalar") == []
    assert select("$.*", {}) == []


def test_indices() -> None:
    assert select("$[0]", LETTERS) == [((0,), "a")]
    assert select("$[-1]", LETTERS) == [((6,), "g")]
    assert select("$[-7]", LETTERS) == [((0,), "a")]
    assert select("$[-8]", LETTERS) == []
    assert select("$[7]", LETTERS) == []
    assert select("$[0]", {"0": "member"}) == []  # indices select array elements only
    assert select("$.a[0]", {"a": "text"}) == []  # a string is no array
    assert select("$[9007199254740991]", LETTERS) == []


@pytest.mark.parametrize(
    ("expression", "indices"),
    [
        ("$[1:3]", [1, 2]),
        ("$[5:]", [5, 6]),
        ("$[1:5:2]", [1, 3]),
        ("$[5:1:-2]", [5, 3]),
        ("$[::-1]", [6, 5, 4, 3, 2, 1, 0]),
        ("$[::-3]", [6, 3, 0]),
        ("$[:]", [0, 1, 2, 3, 4, 5, 6]),
        ("$[::]", [0, 1, 2, 3, 4, 5, 6]),
        ("$[-2:]", [5, 6]),
        ("$[:-5]", [0, 1]),
        ("$[-1:-3:-1]", [6, 5]),
        ("$[-100:100]", [0, 1, 2, 3, 4, 5, 6]),
        ("$[100:]", []),
        ("$[3:3]", []),
        ("$[3:1]", []),
        ("$[::0]", []),
        ("$[ 1 : 3 : 1 ]", [1, 2]),
    ],
)
def test_slices(expression: str, indices: list[int]) -> None:
    assert select(expression, LETTERS) == [((index,), LETTERS[index]) for index in indices]


def test_slice_of_a_non_array_is_empty() -> None:
    assert select("$[0:2]", {"0": 1, "1": 2}) == []


def test_several_selectors_keep_their_order_and_duplicates() -> None:
    assert select("$['a', 'b', 0]", {"b": 2, "a": 1}) == [(("a",), 1), (("b",), 2)]
    assert select("$[0, 'a', -1, 0]", LETTERS) == [((0,), "a"), ((6,), "g"), ((0,), "a")]
    assert select("$[1:3, *]", ["x", "y", "z"]) == [
        ((1,), "y"), ((2,), "z"), ((0,), "x"), ((1,), "y"), ((2,), "z"),
    ]


def test_descendants_in_document_order() -> None:
    # RFC 9535 2.5.2.3: a node's children come before its descendants' children
    assert locations("$..*", DESCENDANTS) == [
        ("o",), ("a",), ("o", "j"), ("o", "k"), ("a", 0), ("a", 1), ("a", 2),
        ("a", 2, 0), ("a", 2, 1), ("a", 2, 0, "j"), ("a", 2, 1, "k"),
    ]
    assert select("$..[*]", DESCENDANTS) == select("$..*", DESCENDANTS)
    assert select("$..j", DESCENDANTS) == [(("o", "j"), 1), (("a", 2, 0, "j"), 4)]
    assert select("$..[0]", DESCENDANTS) == [(("a", 0), 5), (("a", 2, 0), {"j": 4})]
    assert select("$..['j', 'k']", DESCENDANTS) == [
        (("o", "j"), 1), (("o", "k"), 2), (("a", 2, 0, "j"), 4), (("a", 2, 1, "k"), 6),
    ]
    assert select("$..*", 3) == []


def test_descendants_of_descendants_repeat_nodes() -> None:
    document = {"a": {"a": {"b": 1}}}
    assert select("$..a..b", document) == [(("a", "a", "b"), 1), (("a", "a", "b"), 1)]


def test_subclasses_of_dict_and_list() -> None:
    class Mapping(dict):  # type: ignore[type-arg]
        pass

    class Sequence(list):  # type: ignore[type-arg]
        pass

    document = Mapping(items=Sequence([Mapping(name="x"), Mapping(name="y")]))
    assert select("$.items[?@.name == 'y'].name", document) == [(("items", 1, "name"), "y")]
    assert locations("$..name", document) == [("items", 0, "name"), ("items", 1, "name")]


def test_members_with_keys_that_are_not_strings_are_skipped() -> None:
    assert select("$.*", {1: "one", "b": 2}) == [(("b",), 2)]


# --- filters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("$.a[?@.b == 'kilo']", [("a", 9)]),
        ("$.a[?(@.b == 'kilo')]", [("a", 9)]),
        ("$.a[?@>3.5]", [("a", 1), ("a", 4), ("a", 5)]),
        ("$.a[?@.b]", [("a", 6), ("a", 7), ("a", 8), ("a", 9)]),
        ("$[?@.*]", [("a",), ("o",)]),
        ("$[?@[?@.b]]", [("a",)]),
        ("$.o[?@<3, ?@<3]", [("o", "p"), ("o", "q"), ("o", "p"), ("o", "q")]),
        ('$.a[?@<2 || @.b == "k"]', [("a", 2), ("a", 7)]),
        ('$.a[?match(@.b, "[jk]")]', [("a", 6), ("a", 7)]),
        ('$.a[?search(@.b, "[jk]")]', [("a", 6), ("a", 7), ("a", 9)]),
        ("$.o[?@>1 && @<4]", [("o", "q"), ("o", "r")]),
        ("$.o[?@.u || @.x]", [("o", "t")]),
        ("$.a[?@.b == $.x]", [("a", i) for i in range(6)]),
        ("$.a[?@ == @]", [("a", i) for i in range(10)]),
        ("$.a[?@ == $.o.p]", [("a", 2)]),
        ("$.o[?@ > 2]", [("o", "r"), ("o", "s")]),
        ("$.o[?!(@ > 2)]", [("o", "p"), ("o", "q"), ("o", "t")]),
        ("$.o[?!@.u]", [("o", "p"), ("o", "q"), ("o", "r"), ("o", "s")]),
        ("$.o[?@ == 1 || @ == 2 && @ == 3]", [("o", "p")]),  # && binds tighter
        ("$.o[?(@ == 1 || @ == 2) && @ < 2]", [("o", "p")]),
        ("$.o[?@ > 1 && @ < 5 && @ != 3]", [("o", "q")]),
        ("$..[?@.u == 6]", [("o", "t")]),
        ("$[?@.*[?@ == 'kilo']]", [("a",)]),
    ],
)
def test_filters(expression: str, expected: list[Location]) -> None:
    assert locations(expression, FILTERS) == expected


def test_filter_results_carry_values() -> None:
    assert select("$.a[?@.b == 'kilo']", FILTERS) == [(("a", 9), {"b": "kilo"})]
    assert select("$.o[?@.u]", FILTERS) == [(("o", "t"), {"u": 6})]


def test_existence_is_not_truthiness() -> None:
    document = [{"a": None}, {"a": False}, {"a": 0}, {"b": 1}]
    assert locations("$[?@.a]", document) == [(0,), (1,), (2,)]
    assert locations("$[?!@.a]", document) == [(3,)]
    assert locations("$[?@.a == null]", document) == [(0,)]


# RFC 9535 section 2.3.5.3, over {"obj": {"x": "y"}, "arr": [2, 3]}
@pytest.mark.parametrize(
    ("comparison", "expected"),
    [
        ("$.absent1 == $.absent2", True),
        ("$.absent1 <= $.absent2", True),
        ("$.absent == 'g'", False),
        ("$.absent1 != $.absent2", False),
        ("$.absent != 'g'", True),
        ("1 <= 2", True),
        ("1 > 2", False),
        ("13 == '13'", False),
        ("'a' <= 'b'", True),
        ("'a' > 'b'", False),
        ("$.obj == $.arr", False),
        ("$.obj != $.arr", True),
        ("$.obj == $.obj", True),
        ("$.obj != $.obj", False),
        ("$.arr == $.arr", True),
        ("$.arr != $.arr", False),
        ("$.obj == 17", False),
        ("$.obj != 17", True),
        ("$.obj <= $.arr", False),
        ("$.obj < $.arr", False),
        ("$.obj <= $.obj", True),
        ("$.arr <= $.arr", True),
        ("1 <= $.arr", False),
        ("1 >= $.arr", False),
        ("1 > $.arr", False),
        ("1 < $.arr", False),
        ("true <= true", True),
        ("true > true", False),
        ("true < false", False),
        ("null == null", True),
        ("null <= null", True),
        ("null < null", False),
        ("1 == 1.0", True),
        ("-1 < 0", True),
        ("1e2 == 100", True),
        ("1.5E-1 == 0.15", True),
        ("-0 == 0", True),
        ("'B' < 'a'", True),  # strings compare by code point
        ("'\u00e9' > 'z'", True),
        ("$.arr[0] == 2", True),
        ("$.arr[-1] >= 3", True),
        ("$.obj.x == 'y'", True),
        ("$.obj['x'] == \"y\"", True),
    ],
)
def test_comparisons(comparison: str, expected: bool) -> None:
    document = {"obj": {"x": "y"}, "arr": [2, 3]}
    assert locations(f"$[?{comparison}]", document) == ([("obj",), ("arr",)] if expected else [])


MIXED = [1, True, 1.0, 0, False, "1", None, [1], [True], {"a": 1}, {"a": True}, [1.0]]


@pytest.mark.parametrize(
    ("condition", "indices"),
    [
        ("@ == 1", [0, 2]),
        ("@ == true", [1]),
        ("@ == false", [4]),
        ("@ == 0", [3]),
        ("@ == null", [6]),
        ("@ == '1'", [5]),
        ("@ < 2", [0, 2, 3]),
        ("@ >= true", [1]),
        ("@ > false", []),
        ("@ == $[7]", [7, 11]),
        ("@ == $[8]", [8]),
        ("@ == $[9]", [9]),
        ("@ != 1", [1, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
        ("@.a == 1", [9]),
        ("@.a == true", [10]),
        ("@[0] == true", [8]),
    ],
)
def test_true_is_not_one(condition: str, indices: list[int]) -> None:
    assert select(f"$[?{condition}]", MIXED) == [((index,), MIXED[index]) for index in indices]


def test_string_ordering_and_mixed_types() -> None:
    assert locations("$[?@ < 'b']", ["a", "B", "b", 1, None, ["a"]]) == [(0,), (1,)]
    assert locations("$[?@ > 0]", [1, "2", True, [3], 0.5, -1]) == [(0,), (4,)]


# --- functions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("$.a[?length(@.b) == 4]", [("a", 9)]),
        ("$.a[?length(@) == 1]", [("a", 6), ("a", 7), ("a", 8), ("a", 9)]),
        ("$[?length(@) == 10]", [("a",)]),
        ("$.o[?count(@.*) == 1]", [("o", "t")]),
        ("$[?count(@..*) > 10]", [("a",)]),
        ("$.o[?value(@..u) == 6]", [("o", "t")]),
        ("$.a[?length(@) == 1 && value(@.*) == 'k']", [("a", 7)]),
        ("$[?length(length(@)) == 1]", []),  # a number has no length
        ("$.a[?length(@.b) == length('kilo')]", [("a", 9)]),
    ],
)
def test_functions(expression: str, expected: list[Location]) -> None:
    assert locations(expression, FILTERS) == expected


def test_length_counts_characters() -> None:
    assert locations("$[?length(@) == 3]", ["日本語", "abc", "ab", [1, 2, 3], 123]) == [(0,), (1,), (3,)]


@pytest.mark.parametrize(
    ("expression", "indices"),
    [
        ("$[?match(@, 'a.c')]", [0, 3]),  # '.' excludes line ends
        ("$[?search(@, 'a.c')]", [0, 2, 3, 4]),
        ("$[?search(@, '^abc')]", [4]),  # no anchors in I-Regexp
        ("$[?match(@, '(?i)ABC')]", []),  # Python-only syntax matches nothing
        ("$[?match(@, '[')]", []),  # neither does an invalid pattern
        (r"$[?match(@, 'a\\.c')]", [3]),
        ("$[?match(@, 1)]", []),
        ("$[?!match(@, '[a-z]+')]", [1, 3, 4, 5, 6]),
        ("$[?match(@, $[0])]", [0]),
    ],
)
def test_regular_expressions(expression: str, indices: list[int]) -> None:
    document = ["abc", "a\nc", "xabcx", "a.c", "^abc", 5, "a\rc"]
    assert locations(expression, document) == [(index,) for index in indices]


# --- Overlay targets -------------------------------------------------------


def test_overlay_parameter_by_name() -> None:
    expected = [(CALLS_GET + (0,), SWAGGER["paths"]["/calls"]["get"]["parameters"][0])]  # type: ignore[index]
    assert select("$.paths['/calls'].get.parameters[?@.name == 'limit']", SWAGGER) == expected


def test_overlay_query_parameters_of_every_operation() -> None:
    result = select("$.paths.*.*.parameters[?@.in == 'query']", SWAGGER)
    assert [location for location, _ in result] == [
        CALLS_GET + (0,), CALLS_GET + (1,), CALL_ID + ("get", "parameters", 0),
    ]
    assert [value["name"] for _, value in result] == ["limit", "offset", "fields"]  # type: ignore[index]


def test_overlay_typed_parameters_anywhere() -> None:
    assert locations("$..parameters[?@.type]", SWAGGER) == [
        CALLS_GET + (0,), CALLS_GET + (1,), CALLS_GET + (2,),
        CALL_ID + ("parameters", 0), CALL_ID + ("get", "parameters", 0),
    ]


def test_overlay_definitions() -> None:
    result = select("$.definitions", SWAGGER)
    assert result == [(("definitions",), SWAGGER["definitions"])]
    assert result[0][1] is SWAGGER["definitions"]
    assert locations("$.definitions.Call.required[?@ == 'id']", SWAGGER) == [("definitions", "Call", "required", 0)]
    assert locations("$.paths['/calls/{id}'].parameters[?@.required == true]", SWAGGER) == [
        CALL_ID + ("parameters", 0)
    ]


# --- whitespace ------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("$ .a", [("a",)]),
        ("$\t['a' ,\n 'b' ]", [("a",), ("b",)]),
        ("$ [ 0 ] .b", []),
        ("$.c[? @ == 1 ]", [("c", 0)]),
        ("$.c[?(  @ == 1  )]", [("c", 0)]),
        ("$.c[?! @.x]", [("c", 0), ("c", 1)]),
        ("$.c[?length( @ ) == 1 || @ == 2]", [("c", 1)]),
        ("$.c[?@==1||@==2]", [("c", 0), ("c", 1)]),
        ("$.c[?match( @ , '2' )]", []),
    ],
)
def test_whitespace_where_allowed(expression: str, expected: list[Location]) -> None:
    assert locations(expression, {"a": 1, "b": 2, "c": [1, 2]}) == expected


# --- syntax errors ---------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "position"),
    [
        ("", 0),
        ("a", 0),
        ("@.a", 0),
        (" $", 0),
        ("$ ", 1),
        ("$.a ", 3),
        ("$.", 2),
        ("$. a", 2),
        ("$.1a", 2),
        ("$.a-b", 3),
        ("$..", 3),
        ("$...a", 3),
        ("$.. a", 3),
        ("$[", 2),
        ("$[]", 2),
        ("$[1,]", 4),
        ("$['a' 'b']", 6),
        ("$['a'", 5),
        ("$['a", 2),
        ("$[01]", 2),
        ("$[-0]", 2),
        ("$[-]", 2),
        ("$[9007199254740992]", 2),
        ("$[1:2:3:4]", 7),
        ("$[1.0]", 3),
        (r"$['\x']", 3),
        (r"$['\"']", 3),
        (r"$['\uD800']", 3),
        (r"$['\uDC00']", 3),
        (r"$['\u12']", 3),
        ("$['\x01']", 3),
        ("$.paths[?@.x", 12),
        ("$[?@.a == 1 == 2]", 12),
        ("$[?@.a = 1]", 7),
        ("$[?@.a ==]", 9),
        ("$[?@.a == 01]", 10),
        ("$[?@.a == .5]", 10),
        ("$[?true]", 3),
        ("$[?'a']", 3),
        ("$[?(@.a]", 7),
        ("$[?!!@.a]", 4),
        ("$[?!@.a == 1]", 3),
        ("$[?@.a == @.*]", 10),
        ("$[?@..a == 1]", 3),
        ("$[?$[0, 1] == 1]", 3),
        ("$[?foo(@)]", 3),
        ("$[?length(@)]", 3),
        ("$[?length (@) == 1]", 3),
        ("$[?length(@.*) == 1]", 10),
        ("$[?match(@, 'a') == true]", 3),
        ("$[?length(@, 1) == 1]", 3),
        ("$[?count(1) == 1]", 9),
        ("$[?count(@.a == 1) == 1]", 13),
        ("$[?@.a == truex]", 10),
    ],
)
def test_syntax_errors_and_their_positions(expression: str, position: int) -> None:
    with pytest.raises(JSONPathError) as caught:
        compile_query(expression)
    assert caught.value.position == position
    assert caught.value.expression == expression


def test_error_message_names_the_place() -> None:
    with pytest.raises(JSONPathError) as caught:
        compile_query("$.paths[?@.x")
    assert str(caught.value) == "expected ',' or ']' at offset 12 in $.paths[?@.x"
    assert isinstance(caught.value, ValueError)


def test_query_keeps_its_expression() -> None:
    assert compile_query("$.definitions").expression == "$.definitions"


# --- limits ----------------------------------------------------------------


def test_expression_length_is_capped() -> None:
    longest = "$" + ".a" * 2047 + "b"
    assert len(longest) == 4096
    assert select(longest, {}) == []
    with pytest.raises(JSONPathError) as caught:
        compile_query(longest + "c")
    assert caught.value.position == 4096


def test_filter_nesting_is_capped() -> None:
    deepest = "$" + "[?@" * 64 + "]" * 64
    assert select(deepest, [[[1]]]) == []
    with pytest.raises(JSONPathError) as caught:
        compile_query("$" + "[?@" * 65 + "]" * 65)
    assert caught.value.position == 3 * 65 - 1  # the 65th '?'


def test_parenthesis_nesting_is_capped() -> None:
    assert locations("$[?" + "(" * 63 + "@" + ")" * 63 + "]", [1]) == [(0,)]
    with pytest.raises(JSONPathError) as caught:
        compile_query("$[?" + "(" * 64 + "@" + ")" * 64 + "]")
    assert caught.value.position == 3 + 63  # the filter is level 1, so the 64th '(' is level 65


def test_function_nesting_is_capped() -> None:
    assert locations("$[?" + "length(" * 63 + "@" + ")" * 63 + " == 1]", ["a"]) == []
    with pytest.raises(JSONPathError):
        compile_query("$[?" + "length(" * 64 + "@" + ")" * 64 + " == 1]")


def test_deep_document_is_walked_without_recursion() -> None:
    depth = 5000
    document: dict[str, object] = {}
    for _ in range(depth):
        document = {"x": document}
    result = select("$..x", document)
    assert len(result) == depth
    assert result[0][0] == ("x",)
    assert result[-1] == (("x",) * depth, {})
    node: object = document
    for location, value in result:
        node = node["x"]  # type: ignore[index]
        assert value is node
    assert len(select("$..*", document)) == depth


def test_deep_arrays_compare_without_recursion() -> None:
    def nested(depth: int, bottom: object) -> list[object]:
        value: list[object] = [bottom]
        for _ in range(depth):
            value = [value]
        return value

    document = [nested(5000, 1), nested(5000, 1), nested(5000, True), nested(4999, 1)]
    assert locations("$[?@ == $[0]]", document) == [(0,), (1,)]
    assert locations("$[?count(@..*) == 5001]", document) == [(0,), (1,), (2,)]


# --- robustness ------------------------------------------------------------

SAMPLE = {
    "a": [1, 2.5, True, None, "x", {"b": [1, {"a": "y"}]}, [], {}],
    "b": {"a": {"a": 1}, "c": "abc", "": [[]]},
    "c": -0.0,
}
TOKENS = [
    "$", "@", ".", "..", "[", "]", "(", ")", "?", "*", ":", ",", "'", '"', "\\", " ", "-", "0", "1", "9", "a",
    "b", "é", "u", "e", "E", "!", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "'a'", '"b"', "\\u00", "true",
    "false", "null", "length(", "count(", "match(", "search(", "value(", "foo(", "1.5", "-2", "1e3", "\t",
]


def check(expression: str) -> None:
    try:
        query = compile_query(expression)
    except JSONPathError as error:
        assert 0 <= error.position <= len(expression)
        return
    result = query.select(SAMPLE)
    assert isinstance(result, list)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_random_text_raises_only_jsonpath_errors(expression: str) -> None:
    check(expression)
    check("$" + expression)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_random_token_soup_raises_only_jsonpath_errors(tail: str) -> None:
    check("$" + tail)
    check("$[?" + tail + "]")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=30,
)
QUERIES = [
    "$..*", "$..[?@ == @]", "$..[?@.a]", "$..[-1:0:-1]", "$.*[?@ > 1 || @ < 'b']", "$..[?length(@) == 2]",
    "$..[?count(@.*) == 1 && value(@.*) == 1]", "$..[?@ == $]", "$..[?match(@, '.*')]", "$[::-2]..['a', 0]",
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
