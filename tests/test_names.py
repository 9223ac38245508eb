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
    client_class_names,
    field_scope,
    is_identifier,
    method_scope,
    model_module_scope,
    parameter_scope,
    pascal,
    resource_module_scope,
    snake,
    suite_module_scope,
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


@settings(max_examples=300)
@given(texts)
def test_no_name_from_a_document_starts_with_an_underscore(text: str) -> None:
    """The generated code's private names (`_client`, `_JSON_1`, `_X_ROUTE`) start with one, so no
    document name can meet them (tests/test_names_reserved.py leaves them out for this reason)."""
    for name in (
        snake(text),
        pascal(text),
        method_scope().snake(text),
        class_scope(set()).pascal(text),
    ):
        assert not name.startswith("_")


DEVICES = st.sampled_from(["con", "CON", "Aux", "nul", "PRN", "com1", "COM9", "lpt1", "Lpt0"])


@settings(max_examples=200)
@given(st.lists(st.one_of(DEVICES, texts), max_size=8))
def test_file_names_are_never_windows_device_names(raw: list[str]) -> None:
    # learn.microsoft.com, "Naming Files, Paths, and Namespaces": in any case, with any extension
    devices = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}
    for scope in (model_module_scope(), resource_module_scope(), suite_module_scope("pets")):
        names = [scope.snake(text, "model") for text in raw]
        assert len(set(names)) == len(names)
        assert not {n.lower() for n in names} & devices


def test_a_device_name_is_reported_as_reserved() -> None:
    scope = resource_module_scope()
    assert scope.snake("AUX") == "aux_" and scope.snake("Com1") == "com1_"
    assert [(r.text, r.name, r.reason) for r in scope.drain()] == [
        ("AUX", "aux_", "device"),
        ("Com1", "com1_", "device"),
    ]


def test_test_modules_keep_clear_of_the_fixed_test_files_and_the_package() -> None:
    scope = suite_module_scope("test_pets")
    made = [scope.snake(t) for t in ("test_contract", "test_package", "test_pets", "conftest")]
    assert made == ["test_contract_", "test_package_", "test_pets_", "conftest_"]
    assert scope.snake("test_pets_test_support") == "test_pets_test_support_"


def test_client_classes_keep_clear_of_the_packages_own_class_names() -> None:
    assert client_class_names("CallFire") == ("CallFire", "AsyncCallFire", "")
    assert client_class_names("Timeout") == ("TimeoutClient", "AsyncTimeoutClient", "reserved")
    # its Async twin would be the runtime's AsyncAPIClient
    assert client_class_names("APIClient")[:2] == ("APIClientClient", "AsyncAPIClientClient")
    assert client_class_names("None")[0] == "NoneClient"  # a keyword


@settings(max_examples=200)
@given(texts)
def test_claiming_with_an_explicit_suffix_says_why(text: str) -> None:
    scope = class_scope(set())
    first = scope.pascal(text)
    again = scope.claim(first, suffix="Resource", text=text)
    assert again != first
    assert [r.reason for r in scope.drain()][-1] in ("taken", "reserved")
