"""Compiled templates are kept in the cache folder and used only while their source is unchanged."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from generator import render


def _fresh_environment(templates: tuple[Path, ...] = ()) -> jinja2.Environment:
    render._environment.cache_clear()  # as a new process would start
    return render.environment(templates)


def _compilations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []
    real = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(str(name))
        return real(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def test_a_later_run_loads_the_compiled_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    compiled = _compilations(monkeypatch)
    first = _fresh_environment().get_template("tests/prism.py.jinja").render(header="# h")
    assert compiled == ["tests/prism.py.jinja"]
    assert list((tmp_path / "cache" / "templates").iterdir())
    again = _fresh_environment().get_template("tests/prism.py.jinja").render(header="# h")
    assert compiled == ["tests/prism.py.jinja"] and again == first


def test_a_changed_or_damaged_template_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    custom = tmp_path / "custom"
    (custom / "tests").mkdir(parents=True)
    template = custom / "tests" / "conftest.py.jinja"
    template.write_text("one\n", encoding="utf-8")
    compiled = _compilations(monkeypatch)
    assert _fresh_environment((custom,)).get_template("tests/conftest.py.jinja").render() == "one\n"
    template.write_text("two\n", encoding="utf-8")
    assert _fresh_environment((custom,)).get_template("tests/conftest.py.jinja").render() == "two\n"
    for entry in (tmp_path / "cache" / "templates").iterdir():
        entry.write_bytes(entry.read_bytes()[:12])  # cut short after Jinja's magic header
    assert _fresh_environment((custom,)).get_template("tests/conftest.py.jinja").render() == "two\n"
    assert compiled == ["tests/conftest.py.jinja"] * 3


def test_nothing_is_kept_when_the_cache_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    assert _fresh_environment().bytecode_cache is None
