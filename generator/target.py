"""A generation target: which spec, which overlays, where the output goes, and what it is called."""

from __future__ import annotations

import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic, Severity, SourcePosition
from generator.model.naming import Names as Names  # a target's names: defined with the model's
from generator.model.naming import names_from_title
from generator.model.reserved import (
    CLASS_NAMES,
    IMPORTED_BY_CLIENT,
    PROJECT_PACKAGES,
    WINDOWS_DEVICES,
)

ROOT = Path(__file__).resolve().parent.parent
# The client class names kept from models by a caller that only compares APIs (diff).
DEFAULT_CLIENT_NAMES = frozenset({"Client", "AsyncClient"})


@dataclass(frozen=True)
class Target:
    spec: Path
    output: Path
    overlays: tuple[Path, ...] = ()
    package: str = ""  # import name, e.g. callfire_client
    distribution: str = ""  # pip name, e.g. callfire-client
    client_class: str = ""  # e.g. CallFire (the async one is Async + this)
    env_prefix: str = ""  # e.g. CALLFIRE: CALLFIRE_USERNAME, ...; "": the client reads none
    name: str = ""  # how the configuration and the command line refer to it
    templates: tuple[
        Path, ...
    ] = ()  # folders whose templates replace built-in ones of the same name
    version: str = (
        "spec"  # the version rule: "spec", "bump" or a fixed version (see package_version)
    )
    ref_roots: tuple[Path, ...] = ()  # folders any `$ref` may read from, besides its document's own


_NAME_RULES = (
    ("package", "--package", re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$"), "a Python identifier"),
    (
        "client_class",
        "--client-class",
        re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$"),
        "a Python identifier",
    ),
    (
        "env_prefix",
        "--env-prefix",
        re.compile(r"^[A-Z_][A-Z0-9_]*$"),
        "upper-case letters, digits and _",
    ),
    (
        "distribution",
        "--distribution",
        re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$"),
        "a PEP 508 project name",
    ),
)


_VERSION_RULE = re.compile(r"^(?:spec|bump|[0-9]+(?:\.[0-9]+){0,3})$")


def target_problems(target: Target) -> list[str]:
    """What is wrong with the names a target sets (names it leaves out are made valid)."""
    problems = []
    if not _VERSION_RULE.match(target.version):
        problems.append(
            f"--version {target.version!r} must be spec, bump or a version such as 1.2.0"
        )
    for attribute, flag, pattern, rule in _NAME_RULES:
        value = getattr(target, attribute)
        if value and (not pattern.match(value) or keyword.iskeyword(value)):
            problems.append(
                f"{flag} {value!r} must be {rule}"
                + (", not a keyword" if keyword.iskeyword(value) else "")
            )
    return problems + _reserved_name_problems(target)


def _reserved_name_problems(target: Target) -> list[str]:
    """A client class the package uses itself (`Timeout`, or `APIClient`, whose Async twin is the
    runtime's AsyncAPIClient), or a package no Windows file may be called."""
    problems = []
    client = target.client_class
    if client and {client, f"Async{client}"} & CLASS_NAMES:
        problems.append(
            f"--client-class {client!r} must not be (or make Async{client}) a class name the "
            "generated package uses itself"
        )
    package = target.package
    if package.lower() in WINDOWS_DEVICES:
        problems.append(f"--package {package!r} must not be a Windows device name")
    if package in PROJECT_PACKAGES | IMPORTED_BY_CLIENT or package in sys.stdlib_module_names:
        problems.append(
            f"--package {package!r} must not be the name of a module the client or its tests "
            "import (the standard library's, httpx, pydantic, pytest and theirs) or of the "
            "project's tests folder: one would hide the other"
        )
    return problems


def names_for(target: Target, title: str) -> Names:
    """The target's names, the ones it leaves out made from the title (see naming.py)."""
    return names_from_title(
        title, target.package, target.distribution, target.client_class, target.env_prefix
    )


def env_prefix_notes(target: Target) -> list[Diagnostic]:
    """Say so when the client will read no environment variable: the target names no prefix."""
    if target.env_prefix:
        return []
    message = (
        "no env-prefix is given: the client reads no environment variable "
        "(credentials and the base URL come only from its arguments)"
    )
    hint = (
        "give --env-prefix NAME (or env-prefix in the configuration) for a client that reads "
        "NAME_USERNAME, NAME_PASSWORD, NAME_API_KEY, NAME_ACCESS_TOKEN and NAME_BASE_URL"
    )
    where = SourcePosition(str(target.spec))
    return [Diagnostic(Severity.INFO, "env-unset", "", message, hint, where)]


# The embedded default: the CallFire call-broadcast API as received, with the maintainers' overlay.
DEFAULT_TARGET = Target(
    name="callfire",
    spec=ROOT / "spec" / "callfire-call-broadcast.yaml",
    overlays=(ROOT / "spec" / "callfire-call-broadcast.overlay.yaml",),
    output=ROOT / "generated",
    package="callfire_client",
    distribution="callfire-client",
    client_class="CallFire",
    env_prefix="CALLFIRE",
)


def package_version(spec_version: str) -> str:
    """The generated package's version, from `info.version` (PEP 440).

    The rule: the numbers in info.version, in order, joined by dots ("1.0.0" → 1.0.0,
    "V2" → 2, "2019-04-15" → 2019.4.15); a version without numbers becomes 0.0.0.
    """
    numbers = [str(int(n)) for n in re.findall(r"\d+", spec_version)][:4]
    return ".".join(numbers) if numbers else "0.0.0"
