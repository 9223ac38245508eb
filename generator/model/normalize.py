"""Normalize a validated Swagger 2.0 document into the intermediate model (ir.Api).

All decisions are made here: names, types, hoisted inline schemas, allOf
inheritance, discriminators, pagination. A construct that cannot be represented
is replaced by free-form JSON or left out, always with a warning that names it.

The work is split by concern: schemas.py (models, enums, types), operations.py (resources,
operations, parameters, responses), pagination.py, security.py (security and the base URL).
They share one Context (context.py): the document, the diagnostics, the package's class names
and the models and enums made so far. This module runs them in order and builds the ir.Api.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from generator.diagnostics import Diagnostics
from generator.model import ir
from generator.model import naming
from generator.model.context import Context
from generator.model.jsonvalues import JSONObject, info, strings, text
from generator.model.names import class_scope
from generator.model.naming import Names
from generator.model.operations import resources
from generator.model.schemas import Schemas
from generator.model.security import base_url, security_schemes


def normalize(
    document: JSONObject,
    diagnostics: Diagnostics,
    names: Names | Collection[str] = frozenset(),
) -> ir.Api:
    """The IR of a validated document (see validate.py); problems go to diagnostics.

    names are the target's (target.names_for), from which the IR's names of the package, its
    credentials and its environment variables are made. A set of class names instead is what a
    caller that only compares APIs (diff, the changelog) passes: the client's class names, kept
    from models as a generation keeps them; the package's names are then the title's defaults.
    """
    if not isinstance(names, Names):
        title = text(info(document).get("title"))
        names = replace(naming.names_from_title(title), reserved_classes=frozenset(names))
    classes = class_scope(names.reserved_classes | {names.package})
    ctx = Context(document, diagnostics, classes, names)
    schemas = Schemas(ctx)
    # Definitions claim their class names first, so that they keep their natural names.
    schemas.declare_definitions()
    schemas.build_definitions()
    api_resources = resources(ctx, schemas)
    schemas.drain()
    schemas.flatten_import_cycles()
    invalid_examples = schemas.check_examples()
    models = naming.with_variants(list(ctx.models.values()), ctx.classes, ctx.report)
    models = naming.with_dicts(models, ctx.classes, ctx.report)
    models, enums = naming.with_modules(models, list(ctx.enums.values()), ctx.report)
    url, schemes = base_url(ctx), security_schemes(ctx)
    return ir.Api(
        title=ctx.prose(info(document).get("title"), ("info", "title")),
        version=text(info(document).get("version")),
        description=ctx.prose(info(document).get("description"), ("info", "description")),
        base_url=url,
        consumes=strings(document.get("consumes")),
        produces=strings(document.get("produces")),
        security_schemes=schemes,
        resources=api_resources,
        models=tuple(models),
        enums=tuple(enums),
        names=naming.package_names(names, schemes, ctx.report),
        invalid_examples=invalid_examples,
    )
