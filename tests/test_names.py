"""The naming pipeline: any text gives a valid, unreserved, stable, distinct identifier."""

from __future__ import annotations

import keyword
import re

from hypothesis import given, settings
from pydantic import BaseModel
from hypothesis import strategies as st

from generator.model.names import (
    TYPE_NAMES,
    class_scope,
    field_scope,
    is_identifier,
    method_scope,
    parameter_scope,
    pascal,
    snake,
    words,
)

texts = st.text(max_size=40)


@settings(max_examples=300)
@given(st.lists(texts, max_size=12))
def test_any_strings_give_valid_distinct_unreserved_field_names(raw: list[str]) -> None:
    scope = field_scope()
    names = [scope.snake(text, "field") for text in raw]
    assert len(set(names)) == len(names)
    for name in names:
        assert is_identifier(name) and name.isascii()
        assert not keyword.iskeyword(name) and not keyword.issoftkeyword(name)
        assert name not in TYPE_NAMES and name not in dir(
            BaseModel
        )  # model_config, model_dump, ...
        assert not name.startswith("model_") or re.fullmatch(
            r"model_.*_\d*", name
        )  # escaped, maybe numbered


@settings(max_examples=300)
@given(st.lists(texts, max_size=12))
def test_class_names_are_valid_distinct_and_avoid_reserved_ones(raw: list[str]) -> None:
    scope = class_scope({"CallFire"})
    names = [scope.pascal(text) for text in raw]
    assert len(set(names)) == len(names)
    assert all(
        is_identifier(n) and n[0].isupper() and n != "CallFire" and n != "BaseModel" for n in names
    )


@settings(max_examples=200)
@given(texts)
def test_the_same_input_gives_the_same_name(text: str) -> None:
    assert snake(text) == snake(text) and pascal(text) == pascal(text)
    assert method_scope().snake(text) == method_scope().snake(text)


@settings(max_examples=200)
@given(texts)
def test_parameter_names_never_shadow_the_fixed_keywords(text: str) -> None:
    scope = parameter_scope()
    name = scope.snake(text)
    assert name not in {"self", "extra_headers", "extra_query", "timeout"} and is_identifier(name)


def test_examples() -> None:
    assert words("HTTPServerURL") == ["HTTP", "Server", "URL"]
    assert snake("getThing") == snake("get_thing") == snake("get-thing") == "get_thing"
    assert pascal("call-broadcast") == "CallBroadcast"
    assert snake("Ünïcödé name") == "unicode_name"
    assert snake("2fa") == "value_2fa"
    assert snake("名前").startswith("value_") and snake("名前") != snake("名字")
