"""The Jinja environment the templates render in, and the loader that reads them.

A custom templates folder is untrusted like the document: the configuration that names it may
come from a pull request. So a template is read only as a regular file inside its folder (links
resolved first, never a FIFO or a device, at most TEMPLATE_BYTES): a link to /proc/self/environ
would otherwise print the CI's secrets into the output. And custom templates render in Jinja's
sandbox, which keeps them from Python's internals (`cycler.__init__.__globals__` reaches `os`);
the built-in ones, trusted, render without its cost.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2.loaders import split_template_path

from generator.render import compiled_templates, escape, precompile

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_BYTES = 4 * 1024 * 1024  # the largest built-in template is 50 KB


@functools.lru_cache(maxsize=8)
def environment(extra_template_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """One environment per template search path: Jinja compiles each template once per process."""
    loader = _Loader([str(p) for p in extra_template_dirs] + [str(TEMPLATES)])
    kind = jinja2.sandbox.SandboxedEnvironment if extra_template_dirs else jinja2.Environment
    env = kind(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        literal=escape.string_literal,
        toml=escape.toml_string,
        pyvalue=escape.python_value,
        doc=escape.docstring_text,
        comment=escape.comment_text,
        ident=escape.identifier,
        dotted=escape.dotted,
    )
    return env


class TemplateRefused(jinja2.TemplateError):
    """A template file that is not read: a link out of its folder, not a regular file, too large."""

    def __init__(self, message: str, filename: str) -> None:
        super().__init__(message)
        self.filename = filename


class _Loader(jinja2.FileSystemLoader):
    """Reads templates from their folders (see the module's docstring); a built-in template is
    compiled from the Python that Jinja made of it ahead of time (render/precompile.py), when
    made from the same text."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses ".." as Jinja's own loader does
        for folder in self.searchpath:
            path = os.path.join(folder, *pieces)
            if os.path.lexists(path):
                real = os.path.realpath(path)
                if not Path(real).is_relative_to(Path(folder).resolve()):
                    raise TemplateRefused(f"{template} leads out of its templates folder", path)
                text, changed = _read_template(real, path)
                return text, path, lambda: _modified(real) == changed
        raise jinja2.TemplateNotFound(template)

    def load(
        self,
        environment: jinja2.Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        source, filename, uptodate = self.get_source(environment, name)
        raw = _precompiled(name, filename, source)
        code = (
            compile(raw, filename, "exec")
            if raw is not None
            else environment.compile(source, name, filename)
        )
        made = environment.make_globals(globals)
        return environment.template_class.from_code(environment, code, made, uptodate)


def _read_template(real: str, shown: str) -> tuple[str, float]:
    """The text of the template file at real (a resolved path), and when it was last changed."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(real, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise TemplateRefused(f"cannot read it: {exc.strerror or exc}", shown) from None
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise TemplateRefused("not a regular file (a FIFO, a device or a socket)", shown)
        data = file.read(TEMPLATE_BYTES + 1)  # a size of 0 proves nothing (/proc)
    if len(data) > TEMPLATE_BYTES:
        raise TemplateRefused(f"larger than {TEMPLATE_BYTES:,} bytes", shown)
    try:
        return data.decode("utf-8"), status.st_mtime
    except UnicodeDecodeError as exc:
        raise TemplateRefused(f"not UTF-8 text ({exc.reason} at byte {exc.start})", shown) from None


def _modified(real: str) -> float | None:
    try:
        return os.stat(real).st_mtime
    except OSError:
        return None


def _precompiled(name: str, filename: str, source: str) -> str | None:
    """The Python Jinja made of the built-in template name ahead of time, if filename is that
    template and source the text it was made from."""
    kept = compiled_templates.TEMPLATES.get(name)
    if kept is None or compiled_templates.JINJA != jinja2.__version__:
        return None
    if Path(filename) != TEMPLATES / name or kept[0] != precompile.digest(source):
        return None
    return kept[1]
