"""The built-in templates, compiled by Jinja ahead of time: `python -m generator.render.precompile`.

Jinja turns a template into Python source before Python compiles it, and that first step was
the largest fixed cost of a regeneration (a seventh of a Docker-sized warm run; the templates
a run needs took 0.15-0.2 s). `compiled_templates.py` keeps that source for every template in
templates/, as code of the generator (like ingest/swagger2_fastcheck.py): never in a cache.
A template's kept source is used only when the template's text and Jinja's version are the
ones it was made from (anything else is compiled as it is read, as custom templates always
are), and a test checks that it matches the templates.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

HERE = Path(__file__).resolve().parent
MODULE = HERE / "compiled_templates.py"


def made(environment: jinja2.Environment, templates: Path) -> dict[str, tuple[str, str]]:
    """Each template below templates by name: the sha256 of its text, and Jinja's Python."""
    found = {}
    for path in sorted(templates.rglob("*.jinja")):
        name = path.relative_to(templates).as_posix()
        source = path.read_text(encoding="utf-8")
        raw = environment.compile(source, name, str(path), raw=True)
        found[name] = (digest(source), raw)
    return found


def digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()


def module_text(compiled: dict[str, tuple[str, str]]) -> str:
    lines = [
        '"""Made by `python -m generator.render.precompile` from templates/: do not edit."""',
        "",
        f"JINJA = {jinja2.__version__!r}",
        "",
        "TEMPLATES = {",
    ]
    for name, (sha256, raw) in compiled.items():
        lines.append(f"    {name!r}: ({sha256!r}, {raw!r}),")
    return "\n".join([*lines, "}", ""])


def write() -> None:
    from generator.render.environment import TEMPLATES, environment

    MODULE.write_text(module_text(made(environment(), TEMPLATES)), encoding="utf-8")


if __name__ == "__main__":  # after editing a template
    write()
