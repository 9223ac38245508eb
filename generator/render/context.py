"""What every template receives as ``c``: the API, the header line, and views of them that the
templates of several files share (module of each class, credentials, README examples)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from generator.model import ir
from generator.render.snippets import Snippet, snippets as make_snippets
from generator.render.types import Imports


@dataclass
class Context:
    """What every template receives as `c`: the API and the header line, and views of them."""

    api: ir.Api
    header: str

    @property
    def names(self) -> ir.PackageNames:
        return self.api.names

    @functools.cached_property
    def modules(self) -> dict[str, str]:
        """Class name → its module under models/ (models, enums and aliases)."""
        found = {str(m.name): str(m.module) for m in self.api.models}
        found.update({str(e.name): str(e.module) for e in self.api.enums})
        found.update(
            {str(m.variants): str(m.variants_module) for m in self.api.models if m.variants}
        )
        found.update({str(m.dict_name): str(m.dict_module) for m in self.api.models if m.dict_name})
        return found

    @functools.cached_property
    def variants(self) -> dict[str, str]:
        """Base model → the alias of it or any of its subtypes."""
        return {str(m.name): str(m.variants) for m in self.api.models if m.variants}

    @functools.cached_property
    def dicts(self) -> dict[str, str]:
        """Model → the TypedDict of it."""
        return {str(m.name): str(m.dict_name) for m in self.api.models if m.dict_name}

    def imports(self, with_variants: bool) -> Imports:
        # Only resources use the variants aliases: a model module importing one could close an
        # import cycle through a partly initialised module, so model fields keep the base type.
        return Imports(variants=self.variants if with_variants else {}, dicts=self.dicts)

    @property
    def models_and_enums(self) -> list[tuple[str, str]]:
        return sorted(self.modules.items())

    @property
    def schemes(self) -> list[ir.SecurityScheme]:
        return list(self.api.security_schemes)

    @property
    def credentials(self) -> list[tuple[str, str, str, str]]:
        """(argument, environment variable or "", kind, scheme name) for each credential taken."""
        return [(c.argument, c.variable, c.kind, c.scheme) for c in self.api.names.credentials]

    @property
    def base_url_variable(self) -> str:
        return self.api.names.base_url_variable

    @functools.cached_property
    def snippets(self) -> dict[str, Snippet]:
        """The README's examples by feature, which tests/test_readme.py runs."""
        return make_snippets(self.api, self.credentials)

    @functools.cached_property
    def downloads(self) -> list[tuple[str, str]]:
        """(resource, operation) of each operation whose success is a binary body."""
        return [
            (str(r.name), str(op.name))
            for r in self.api.resources
            for op in r.operations
            if any(
                isinstance(x.type, ir.FileData) and x.status.startswith("2") for x in op.responses
            )
        ]
