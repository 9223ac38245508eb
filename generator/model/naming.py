"""The names the generator makes for the package itself, not for one declaration of the document:
the client classes, the credential arguments and the environment variables they are read from,
the modules models live in, and the aliases of models with subtypes.

normalize decides them with these functions, so the IR holds every name a template prints.
Each rename is reported through `Report`, with the document location it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from generator.ingest.document import split_pointer
from generator.model import ir
from generator.model.names import (
    Identifier,
    Rename,
    Scope,
    client_class_names,
    credential_scope,
    model_module_scope,
    pascal,
    snake,
    suite_support_module,
)

Path_ = tuple[str | int, ...]
# Reports renames, as (the renames, where in the document they come from, what was named).
Report = Callable[[list[Rename], Path_, str], None]
# Why a name the generator made up changed, when that is worth saying: it would have collided.
_COLLISIONS = ("reserved", "device", "taken")


@dataclass(frozen=True)
class Names:
    """A target's names, completed from the API title where the target leaves them out.

    Except env_prefix: which environment variables a client reads (and may send as credentials)
    is the maintainer's choice alone, so it stays empty, and the client reads none, unless given.
    """

    package: str
    distribution: str
    client_class: str
    async_client_class: str
    env_prefix: str
    reserved_classes: frozenset[str] = field(default_factory=frozenset)
    renames: tuple[Rename, ...] = ()  # names made from the title that are not its natural ones


def names_from_title(
    title: str,
    package: str = "",
    distribution: str = "",
    client_class: str = "",
    env_prefix: str = "",
) -> Names:
    """The names a target gives, the others made from the API title. A client class made from the
    title keeps clear of the class names the package uses itself (a title "Timeout" would make
    the client class replace the runtime's Timeout); one the target gives is checked before."""
    package = package or f"{snake(title or 'api', 'api')}_client"
    renames: tuple[Rename, ...] = ()
    if client_class:
        sync, asynchronous = client_class, f"Async{client_class}"
    else:
        sync, asynchronous, reason = client_class_names(pascal(title or "Api", "Api"))
        renames = (Rename(title, sync, reason),) if reason else ()
    return Names(
        package=package,
        distribution=distribution or package.replace("_", "-"),
        client_class=sync,
        async_client_class=asynchronous,
        env_prefix=env_prefix,
        reserved_classes=frozenset({sync, asynchronous}),
        renames=renames,
    )


def package_names(
    names: Names, schemes: Iterable[ir.SecurityScheme], report: Report
) -> ir.PackageNames:
    """The IR's names of the package: the target's, the credentials and the variables."""
    report(list(names.renames), ("info", "title"), "the client class made from the title")
    # A given client class was checked (target.py); one from elsewhere keeps clear all the same.
    sync, asynchronous, reason = client_class_names(names.client_class)
    if reason:
        report([Rename(names.client_class, sync, reason)], (), "the client class")
    credentials = tuple(_credentials(list(schemes), names.env_prefix, report))
    return ir.PackageNames(
        package=names.package,
        distribution=names.distribution,
        client_class=sync,
        async_client_class=asynchronous,
        env_prefix=names.env_prefix,
        base_url_variable=_variable(names.env_prefix, "BASE_URL"),
        credentials=credentials,
        test_support=suite_support_module(names.package),
        log_variable=_variable(names.env_prefix, "LOG"),
    )


def _credentials(
    schemes: list[ir.SecurityScheme], env_prefix: str, report: Report
) -> Iterable[ir.Credential]:
    """One argument per credential the schemes take: username and password for basic, one per
    apiKey scheme, an access token for oauth2."""
    scope = credential_scope()
    if any(s.kind == "basic" for s in schemes):
        for kind in ("username", "password"):
            yield ir.Credential(scope.snake(kind), kind, "", _variable(env_prefix, kind.upper()))
    api_keys = [s for s in schemes if s.kind == "apiKey"]
    for scheme in api_keys:
        text = scheme.name if "key" in scheme.name.lower() else scheme.name + "_key"
        argument = scope.snake(text)
        report(scope.drain(), ("securityDefinitions", scheme.name), "the argument of the scheme")
        # Named for the kind, never by the scheme alone: with several keys, each adds its
        # argument's name after API_KEY_, so the maintainer's prefix and the kind still lead.
        kind_word = "API_KEY" if len(api_keys) == 1 else f"API_KEY_{argument.upper()}"
        yield ir.Credential(argument, "api_key", scheme.name, _variable(env_prefix, kind_word))
    if any(s.kind == "bearer" for s in schemes):
        token = scope.snake("access_token")
        yield ir.Credential(token, "token", "", _variable(env_prefix, "ACCESS_TOKEN"))


def _variable(env_prefix: str, kind_word: str) -> str:
    """The variable the client reads, or "" for none: only a maintainer's prefix makes one,
    so a document cannot choose which of its users' variables (secrets) the client sends."""
    return f"{env_prefix}_{kind_word}" if env_prefix else ""


def with_variants(models: list[ir.Model], classes: Scope, report: Report) -> list[ir.Model]:
    """Each model with a discriminator and subtypes gets the alias of "it or one of its subtypes",
    a class name in the package's scope."""
    out = []
    for model in models:
        if model.discriminator is not None and len(model.discriminator.mapping) > 1:
            alias = classes.class_name(model.name + "Variants", model.name + "Variants", "Alias")
            report(
                collisions(classes), location(model.wire_name), "the alias of a model's subtypes"
            )
            model = replace(model, variants=alias)
        out.append(model)
    return out


def with_dicts(models: list[ir.Model], classes: Scope, report: Report) -> list[ir.Model]:
    """Each model gets the TypedDict of its fields by Python name, a class name in the package's
    scope (claimed after every model's, enum's and alias's); not one that allows additional
    properties (or inherits them), which a TypedDict cannot say: a plain dict stands for it."""
    by_name = {m.name: m for m in models}
    known: dict[str, bool] = {}  # each model once: an allOf diamond reaches one 2**n ways

    def additional(model: ir.Model) -> bool:
        if model.name not in known:
            known[model.name] = False  # a parent cycle adds nothing
            parents = [by_name[p] for p in model.parents if p in by_name]
            known[model.name] = model.extra is not None or any(additional(p) for p in parents)
        return known[model.name]

    out = []
    for model in models:
        if additional(model):
            out.append(model)
            continue
        name = classes.class_name(model.name + "Dict", model.name + "Dict")
        report(collisions(classes), location(model.wire_name), "the TypedDict of a model")
        out.append(replace(model, dict_name=name))
    return out


def with_modules(
    models: list[ir.Model], enums: list[ir.Enum], report: Report
) -> tuple[list[ir.Model], list[ir.Enum]]:
    """The module of each model, enum, alias and TypedDict under models/: models first, then
    enums, then aliases, then TypedDicts, each named after its class."""
    scope = model_module_scope()

    def module(name: str, wire_name: str) -> Identifier:
        found = scope.snake(name, "model")
        report(collisions(scope), location(wire_name), "the module of the class")
        return found

    models = [replace(m, module=module(m.name, m.wire_name)) for m in models]
    enums = [replace(e, module=module(e.name, e.wire_name)) for e in enums]
    models = [
        replace(m, variants_module=module(m.variants, m.wire_name)) if m.variants else m
        for m in models
    ]
    models = [
        replace(m, dict_module=module(m.dict_name, m.wire_name)) if m.dict_name else m
        for m in models
    ]
    return models, enums


def collisions(scope: Scope) -> list[Rename]:
    """The renames of names the generator made up that are worth a diagnostic: those that would
    have collided with another name (a cut name is no news: the user never chose it). Another
    made-up name taking it first is a "clash": users read such names, they seldom type them."""
    return [
        replace(r, reason="clash") if r.reason == "taken" else r
        for r in scope.drain()
        if r.reason in _COLLISIONS
    ]


def location(wire_name: str) -> Path_:
    """Where a model or enum comes from: a definition, or the JSON pointer of an inline schema."""
    if wire_name.startswith("/"):
        return tuple(split_pointer(wire_name))
    return ("definitions", wire_name)
