"""escape.py: every spec string becomes a literal or docstring that means exactly that text, in black's spelling."""

from __future__ import annotations

import ast

import black
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.escape import docstring_text, string_literal
from generator.formatting.formatter import MODE
from tests.hostile import PAYLOADS

TEXT = st.one_of(st.text(), st.sampled_from(PAYLOADS), st.text(alphabet="ab'\"\\ \n\t{}é😀\u2028"))


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(TEXT)
def test_a_literal_means_its_text_and_black_leaves_it_alone(text: str) -> None:
    text = text.encode("utf-8", "replace").decode(
        "utf-8"
    )  # lone surrogates never reach here (the loader replaces them)
    literal = string_literal(text)
    assert literal.isascii() and "\n" not in literal
    assert ast.literal_eval(literal) == text
    source = f"x = {literal}\n"
    assert black.format_str(source, mode=MODE) == source or len(source) > 100


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(TEXT)
def test_a_docstring_holds_its_text_and_cannot_end_early(text: str) -> None:
    text = text.encode("utf-8", "replace").decode("utf-8")
    body = docstring_text(text, "    ")
    module = ast.parse(f'def f():\n    """{body}"""\n')
    function = module.body[0]
    assert isinstance(function, ast.FunctionDef) and len(function.body) == 1
    docstring = ast.get_docstring(function, clean=False) or ""
    assert "".join(docstring.split()) == "".join(text.split())
