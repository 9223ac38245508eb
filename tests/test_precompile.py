"""The built-in templates' Python, made by Jinja ahead of time (generator/render/precompile.py):
it matches the templates, and a template whose text is not the one it was made from is compiled
from its text."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Iterator

import jinja2
import pytest

from generator.render import compiled_templates, precompile, project

NAME = "package/_version.py.jinja"


@pytest.fixture
def fresh() -> Iterator[None]:
    project.environment.cache_clear()  # templates are loaded once per environment
    yield
    project.environment.cache_clear()


def test_the_kept_python_is_made_from_the_templates_in_use() -> None:
    made = precompile.made(project.environment(), project.TEMPLATES)
    assert compiled_templates.JINJA == jinja2.__version__
    assert (
        made == compiled_templates.TEMPLATES
    ), "a template changed: run python -m generator.render.precompile"


KEPT = "name = 'x'\nblocks = {}\ndebug_info = ''\n\ndef root(context, missing=None, environment=None):\n    yield 'kept'\n"


def _rendered() -> str:
    context = SimpleNamespace(header="# header", names=SimpleNamespace(distribution="demo"))
    return project.environment().get_template(NAME).render(c=context, version="1.2.3")


def test_the_kept_python_is_what_renders_a_built_in_template(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "1.2.3" in _rendered()
    project.environment.cache_clear()
    sha256, _ = compiled_templates.TEMPLATES[NAME]
    monkeypatch.setitem(compiled_templates.TEMPLATES, NAME, (sha256, KEPT))
    assert _rendered() == "kept"


@pytest.mark.parametrize("stale", ["text", "jinja"])
def test_python_made_from_another_text_or_jinja_is_never_used(
    fresh: None, monkeypatch: pytest.MonkeyPatch, stale: str
) -> None:
    sha256, _ = compiled_templates.TEMPLATES[NAME]
    monkeypatch.setitem(
        compiled_templates.TEMPLATES, NAME, ("0" * 64 if stale == "text" else sha256, KEPT)
    )
    if stale == "jinja":
        monkeypatch.setattr(compiled_templates, "JINJA", "0.0")
    assert "1.2.3" in _rendered()
