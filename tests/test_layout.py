"""layout.lay_out writes what black would, or says it is unsure: never a third thing.

Each case is one-line source as the templates print it; the expected text is black's own output,
computed in the test, so a black upgrade that changes its style makes these fail on purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import black
import pytest

from generator import build as build_module
from generator.formatting.formatter import MODE
from generator.formatting.layout import LIMIT, lay_out
from generator.memo import Deferred
from generator.target import Target
from tests import hostile

ROOT = Path(__file__).resolve().parent.parent
LONG = "x" * 90

SPLIT_BY_LAYOUT = {
    "call, body on one line": f'value = make_it(first="{LONG[:40]}", second="{LONG[:40]}")\n',
    "call, one item a line": f'value = make_it(first="{LONG[:50]}", second="{LONG[:50]}", third=3)\n',
    "call on a chain": f'result = client(recorder).things.make_it(first="{LONG[:45]}", second="{LONG[:45]}")\n',
    "await": f'async def f():\n    return await self.client.request(first="{LONG[:45]}", second="{LONG[:45]}")\n',
    "one long string argument": f'raise ValueError("{LONG}")\n',
    "annotated field": f'class M:\n    name: list[str] | None = Field(default=None, alias="name", description="{LONG}")\n',
    "nested calls": f'x = outer(alpha=inner(a="{LONG[:30]}", b="{LONG[:30]}"), beta=inner(a="{LONG[:30]}", b=[1, 2]))\n',
    "collection items": f'x = {{"a": "{LONG[:40]}", "b": ["{LONG[:40]}", "{LONG[:40]}"], "c": ("q", 1)}}\n',
    "single-item collection": f'x = ["{LONG[:95]}"]\n',
    "tuple": "NAMES = (AlphaBetaGammaDelta, EpsilonZetaEtaTheta, IotaKappaLambdaMu, NuXiOmicronPi, RhoSigmaTau)\n",
    "import": "from package.models.some_module import AlphaBetaGammaDelta, EpsilonZetaEtaThetaIota, KappaLambdaMu\n",
    "import with a comment": "from .a_very_long_module_name_for_the_test import AVeryLongClassNameForTheTestOfLayout  # noqa: E402\n",
    "def, parameters on one line": "def test_something_long(prism_url: str, monkeypatch: pytest.MonkeyPatch, other: int) -> None:\n    pass\n",
    "def, one parameter a line": "def f(alpha: int, beta: str, gamma: list[int], delta: dict[str, int], epsilon: float, zeta: bytes) -> None:\n    pass\n",
    "assigned long string that fits wrapped": f'_JSON_1 = "{LONG}"\n',
    "assigned string too long to wrap": f'_JSON_1 = "{LONG * 2}"\n',
    "type: ignore comment": f'class M:\n    items: list[X] | None = Field(default=None, alias="items", description="{LONG[:50]}")  # type: ignore[assignment]\n',
    "long comment": f"# {LONG} {LONG}\n",
    "exploded item too long": 'x = Route(\n    method="GET",\n    errors={"400": ErrorResponse, "401": ErrorResponse, "403": ErrorResponse, "404": ErrorResponse},\n)\n',
    "exploded item, long string": f'x = Route(\n    description="{LONG} {LONG}",\n    other=1,\n)\n',
    "docstring padding and indentation": 'def f():\n    """Text "quoted"\n\n      indented\n      more   \n    """\n',
    "docstring whose last line is long": f'class A:\n    """First.\n\n    {LONG}"""\n',
    "a parameter of a long union": "def f(\n    body: VeryLongModelNameNumberOneTwoThree | VeryLongModelNameNumberTwo | dict[str, Any] | None = None,\n) -> None:\n    pass\n",
    "a TypedDict key of a long union": f"class D(TypedDict):\n    key: {LONG[:60]}Model | {LONG[:60]}Dict\n",
    "a TypedDict key in nested subscripts": f"class D(TypedDict):\n    key: NotRequired[Sequence[Mapping[str, {LONG[:60]}Model | {LONG[:60]}Dict]]]\n",
    "trailing blank lines": "import os\n\nx = 1\n\n\ndef f():\n    a = 1\n\n    return a\n\n\n\n",
}

LEFT_TO_BLACK = {
    "a parameter typed by one long subscript": f"def f(\n    body: Sequence[{LONG}Model | {LONG}Dict] = None,\n) -> None:\n    pass\n",
    "an operator before the call": f'x = first_value + make_it(first="{LONG[:45]}", second="{LONG[:45]}")\n',
    "three blank lines": "import os\n\n\n\nx = 1\n",
    "two blank lines in a block": "def f():\n    a = 1\n\n\n    return a\n",
    "a head that does not fit": f'class M:\n    {LONG}: list[ModelName] | None = Field(default=None, alias="name")\n',
}


# Shapes the templates print, at every length around the limit: layout is exact or unsure, never wrong.
FAMILIES = {
    "annotated field": lambda n: f'class M:\n    {"f" * n}: list[Model] | None = Field(default=None, alias="x", description="d")\n',
    "field with a long description": lambda n: f'class M:\n    {"f" * n}: Model | None = Field(alias="x", description="{"d" * 80}")\n',
    "attribute assignment": lambda n: f'class M:\n    def __init__(self, r):\n        self.{"o" * n} = to_raw_response(r.{"o" * n})\n',
    "call without arguments": lambda n: f'def f():\n    result = api.{"o" * n}()\n',
    "return await": lambda n: f'async def f():\n    if x:\n        return await api.{"o" * n}("a", b=1, c="{"c" * 20}")\n',
    "item without arguments": lambda n: f'x = f(\n    a=1,\n    {"k" * n}=SomeModel(),\n)\n',
    "item with a long head": lambda n: f'x = f(\n    a=1,\n    {"k" * n}=SomeModel(a=1, b="{"b" * 30}"),\n)\n',
    "expression statement": lambda n: f'def f():\n    check(request, "GET", "{"p" * n}", [("a", "b")], {{"A": "b"}}, "", [], [])\n',
    "assigned string": lambda n: f'_JSON_1 = "{"j" * n}"\n',
    "def with parameters": lambda n: f'def test_{"t" * n}(prism_url: str, monkeypatch: pytest.MonkeyPatch) -> None:\n    pass\n',
    "def without parameters": lambda n: f'def test_{"t" * n}() -> None:\n    pass\n',
    "import": lambda n: f'from .{"m" * n} import {"N" * (n // 2)}  # noqa: E402\n',
    # TypedDict keys and parameters: black 24+ splits a long type at its subscripts or unions.
    "TypedDict key, optional": lambda n: f"class D(TypedDict):\n    k: NotRequired[Sequence[{'M' * n} | {'M' * n}Dict]]\n",
    "TypedDict key, long name": lambda n: f"class D(TypedDict):\n    {'k' * n}: NotRequired[IoK8sApiCoreV1Container | IoK8sApiCoreV1ContainerDict]\n",
    "TypedDict key, required union": lambda n: f"class D(TypedDict):\n    k: {'M' * n} | {'M' * n}Dict | None\n",
    "TypedDict key, mapping": lambda n: f"class D(TypedDict):\n    k: NotRequired[dict[str, {'M' * n} | {'M' * n}Dict]]\n",
    # black wraps an empty collection assigned in parentheses of its own (test_readme's lists)
    "annotated empty list": lambda n: f"def f():\n    made: list[package.{'M' * n}] = []\n",
    "empty dict": lambda n: f"def f():\n    {'d' * n} = {{}}\n",
    # a Route's required parameters: a one-tuple's comma stays when black splits it
    "one-tuple of a pair": lambda n: f'R = Route(\n    method="POST",\n    required=(("body", "{"b" * n}"),),\n)\n',
    "one-tuple of a string": lambda n: f'R = Route(\n    method="POST",\n    security=("{"s" * n}",),\n)\n',
    "parameter, union": lambda n: f"class R:\n    def f(\n        self,\n        body: {'M' * n} | {'M' * n}Dict | None = None,\n    ) -> None:\n        pass\n",
}


@pytest.mark.parametrize("family", FAMILIES.values(), ids=FAMILIES.keys())
def test_layout_is_exact_or_unsure_at_every_length(family: Any) -> None:
    wrong = []
    for n in range(20, 111):
        source = family(n)
        laid = lay_out(source)
        if laid is not None and laid != black_style(source):
            wrong.append(n)
    assert wrong == []


def black_style(source: str) -> str:
    return black.format_str(source, mode=MODE)


@pytest.mark.parametrize("source", SPLIT_BY_LAYOUT.values(), ids=SPLIT_BY_LAYOUT.keys())
def test_layout_splits_as_black_does(source: str) -> None:
    assert lay_out(source) == black_style(source)


@pytest.mark.parametrize("source", LEFT_TO_BLACK.values(), ids=LEFT_TO_BLACK.keys())
def test_layout_leaves_shapes_it_does_not_know_to_black(source: str) -> None:
    assert lay_out(source) is None


def test_short_lines_are_left_as_they_are() -> None:
    source = "x = {'a': 1}\n"  # not black's quotes: layout trusts short lines, the templates make them right
    assert lay_out(source) == source
    exactly = "x = " + "y" * (LIMIT - 4) + "\n"  # at the limit: not split
    assert lay_out(exactly) == exactly
    longer = "x = f(" + "y" * (LIMIT - 6) + ")\n"
    assert lay_out(longer) == f"x = f(\n    {'y' * (LIMIT - 6)}\n)\n" == black_style(longer)


def _raw_files(target: Target, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The rendered files, before any formatting."""

    def made(files: dict[str, str | Deferred], *args: object) -> dict[str, str]:
        return {path: f if isinstance(f, str) else f.make() for path, f in files.items()}

    monkeypatch.setattr(build_module, "format_files", made)
    generation = build_module.build(target)
    assert generation.files is not None
    return {path: text for path, text in generation.files.items() if path.endswith(".py")}


def test_every_callfire_file_is_laid_out_without_black_and_equals_black(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = Target(
        spec=ROOT / "spec/callfire-call-broadcast.yaml",
        output=ROOT / "generated",
        overlays=(ROOT / "spec/callfire-call-broadcast.overlay.yaml",),
        package="callfire_client",
    )
    raw = _raw_files(target, monkeypatch)
    assert len(raw) > 40
    for path, text in raw.items():
        laid = lay_out(text)
        assert laid is not None, path
        assert laid == black_style(text), path


def test_hostile_document_output_is_black_style_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever layout is unsure of goes to black; what it lays out itself must equal black's."""
    spec = hostile.write_document(tmp_path)
    raw = _raw_files(
        Target(
            spec=spec,
            output=tmp_path / "out",
            package=hostile.PACKAGE,
            client_class=hostile.CLIENT_CLASS,
        ),
        monkeypatch,
    )
    laid = {path: lay_out(text) for path, text in raw.items()}
    assert sum(text is not None for text in laid.values()) > len(raw) // 2  # the fast path is taken
    for path, text in laid.items():
        if text is not None:
            assert text == black_style(raw[path]), path


def test_a_client_with_long_names_and_downloads_is_laid_out_without_black(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every shape the templates print for a binary download (its streaming tests) and a dict
    body: one line layout is unsure of sends a whole module to black (Kubernetes' core_v1
    tests, 2.4 MB, took black 120 s)."""
    from tests.test_streaming import MEDIA_SPEC

    long_name = "getTheRecordingOfTheCallInTheMp3FormatByItsNameWithAVeryLongOperationIdentifier"
    spec = tmp_path / "media.yaml"
    spec.write_text(MEDIA_SPEC.replace("getRecordingMp3", long_name), encoding="utf-8")
    raw = _raw_files(Target(spec=spec, output=tmp_path / "out", package="media"), monkeypatch)
    assert any("with_streaming_response" in text for text in raw.values())
    for path, text in raw.items():
        laid = lay_out(text)
        assert laid is not None, path
        assert laid == black_style(text), path
