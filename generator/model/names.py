"""The one place that decides Python names.

Every identifier in generated code is made here, from a wire name, through one
pipeline: fold to ASCII words → case → avoid reserved words → resolve collisions
in its scope. The result types (`Identifier`, `ClassName`) can only be built by
this module, so an unchecked name cannot reach a template.
"""

from __future__ import annotations

import builtins
import functools
import hashlib
import keyword
import re
import unicodedata
from dataclasses import dataclass

from generator.model import reserved
from generator.model.reserved import MODEL_ATTRIBUTES, TYPE_NAMES

_WORD_BOUNDARY = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+[0-9]*(?![a-z])|[0-9]+")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_NAME = 64

SOFT_KEYWORDS = frozenset({"match", "case", "type", "_"})
BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))


class Identifier(str):
    """A valid, non-reserved snake_case Python identifier. Built only by `Scope.snake`."""


class ClassName(str):
    """A valid, non-reserved PascalCase Python class name. Built only by `Scope.pascal`."""


# Names are asked for again and again (a parameter in every operation that uses it): the pure
# text-to-name functions below remember their answers.
_memo = functools.lru_cache(maxsize=1 << 16)


def words(text: str) -> list[str]:
    """The words of any text: camelCase, snake_case, kebab-case, spaces, accents folded to ASCII."""
    return list(_words(str(text)))


@_memo
def _words(text: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return tuple(w for chunk in _NON_ALNUM.split(folded) for w in _WORD_BOUNDARY.findall(chunk))


def _fallback(text: str, prefix: str) -> str:
    """A stable name for text with no ASCII letters or digits in it."""
    return f"{prefix}_{hashlib.sha1(str(text).encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _bounded(name: str, text: str) -> str:
    """Names longer than MAX_NAME are cut, with a hash of the whole text so cut names stay distinct.

    Module files are named after identifiers, and file systems refuse names over 255 bytes.
    """
    if len(name) <= MAX_NAME:
        return name
    return name[: MAX_NAME - 9].rstrip("_") + "_" + _fallback(text, "")[1:]


def snake(text: str, fallback: str = "value") -> str:
    return _bounded(_snake(text, fallback), text)


def pascal(text: str, fallback: str = "Model") -> str:
    return _bounded(_pascal(text, fallback), text)


def upper_snake(text: str, fallback: str = "VALUE") -> str:
    return _bounded(_upper_snake(text, fallback), text)


def _snake(text: str, fallback: str) -> str:
    return _snake_of(str(text), fallback)


@_memo
def _snake_of(text: str, fallback: str) -> str:
    parts = [w.lower() for w in words(text)]
    name = "_".join(parts) if parts else _fallback(text, fallback)
    return f"{fallback}_{name}" if name[0].isdigit() else name


def _pascal(text: str, fallback: str) -> str:
    return _pascal_of(str(text), fallback)


@_memo
def _pascal_of(text: str, fallback: str) -> str:
    parts = words(text)
    name = "".join(p[:1].upper() + p[1:] for p in parts) if parts else _fallback(text, fallback)
    return f"{fallback}{name}" if name[0].isdigit() else name


def _upper_snake(text: str, fallback: str) -> str:
    return _upper_snake_of(str(text), fallback)


@_memo
def _upper_snake_of(text: str, fallback: str) -> str:
    parts = [w.upper() for w in words(text)]
    name = "_".join(parts) if parts else ("EMPTY" if str(text) == "" else _fallback(text, fallback))
    return f"{fallback}_{name}" if name[0].isdigit() else name


@dataclass(frozen=True)
class Rename:
    """A name from the document that could not become its natural Python name."""

    text: str  # the name in the document
    name: str  # the Python name it got
    # reserved (a keyword or a name the generated code uses), device (a file Windows cannot
    # have), taken, unusable or too-long
    reason: str


class Scope:
    """Names already taken in one namespace; claims are resolved deterministically (first come keeps).

    A scope of file names (`files`) also keeps clear of Windows' device names, in any case.
    """

    def __init__(
        self,
        reserved: frozenset[str] | set[str] = frozenset(),
        suffix: str = "_",
        reserved_prefix: str = "\0",
        files: bool = False,
    ) -> None:
        self.reserved = frozenset(reserved) | frozenset(keyword.kwlist) | SOFT_KEYWORDS
        self.reserved_prefix = reserved_prefix
        self.files = files
        self.taken: set[str] = set()
        self.suffix = suffix
        self.renames: list[Rename] = []

    def claim(self, name: str, suffix: str = "", text: str | None = None) -> str:
        """Take name or a variant of it; with text (what the document said), a variant is a rename
        that `drain` reports."""
        claimed, reason = self._claim(name, suffix)
        if text is not None and reason:
            self.renames.append(Rename(str(text), claimed, reason))
        return claimed

    def _device(self, name: str) -> bool:
        return self.files and name.lower() in reserved.WINDOWS_DEVICES

    def _reserved(self, name: str) -> str:
        """Why name cannot be taken even when free ("" when it can)."""
        if self._device(name):
            return "device"
        if (
            name in self.reserved
            or name.lower() in self.reserved
            or name.startswith(self.reserved_prefix)
        ):
            return "reserved"
        return ""

    def _claim(self, name: str, suffix: str = "") -> tuple[str, str]:
        """Take name, or a variant of it: with the suffix when reserved (or, for an explicit
        suffix, when taken), then numbered. Also says why it is not the name asked for."""
        explicit, suffix = bool(suffix), suffix or self.suffix
        reason = self._reserved(name)
        if reason:
            name = name + suffix
        candidate, n = name, 2
        if explicit and candidate in self.taken and name + suffix not in self.taken:
            # "Media" taken by a model: the resource is "MediaResource"
            candidate, reason = name + suffix, reason or "taken"
        while candidate in self.taken or candidate in self.reserved or self._device(candidate):
            candidate, n, reason = f"{name}{'_' if suffix == '_' else ''}{n}", n + 1, "taken"
        assert _IDENTIFIER.match(candidate), candidate
        self.taken.add(candidate)
        return candidate, reason

    def _named(self, text: str, natural: str) -> str:
        bounded = _bounded(natural, text)
        name, reason = self._claim(bounded)
        if not words(text) and natural != "EMPTY":
            reason = "unusable"
        elif bounded != natural:
            reason = "too-long"
        if reason:
            self.renames.append(Rename(str(text), name, reason))
        return name

    def drain(self) -> list[Rename]:
        """The renames since the last drain."""
        renames, self.renames = self.renames, []
        return renames

    def snake(self, text: str, fallback: str = "value") -> Identifier:
        return Identifier(self._named(text, _snake(text, fallback)))

    def pascal(self, text: str, fallback: str = "Model") -> ClassName:
        return ClassName(self._named(text, _pascal(text, fallback)))

    def upper(self, text: str, fallback: str = "VALUE") -> Identifier:
        return Identifier(self._named(text, _upper_snake(text, fallback)))

    def member(self, value: str | int | float | bool) -> Identifier:
        """An enum member's name, made from its value. A negative number's starts with NEGATIVE
        (-1 is NEGATIVE_1, -1.5 NEGATIVE_1_5) where 1 is VALUE_1: the sign is no word, and
        both would have one name."""
        text = str(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and text[:1] == "-":
            magnitude = [w.upper() for w in words(text[1:])]
            return Identifier(self._named(text, "_".join(["NEGATIVE", *magnitude])))
        return self.upper(text)

    def identifier(self, name: str, text: str) -> Identifier:
        """name (already an identifier the generator made) or a variant of it; a variant is a rename
        of text."""
        return Identifier(self.claim(name, text=text))

    def class_name(self, name: str, text: str, suffix: str = "") -> ClassName:
        """Like identifier, for a class name."""
        return ClassName(self.claim(name, suffix, text))


# -- the scopes: each reserves what the generated code uses there (see reserved.py) ---------------


def field_scope() -> Scope:
    """Fields of one model: its attributes and the names its annotations use are taken."""
    return Scope(TYPE_NAMES | MODEL_ATTRIBUTES, reserved_prefix=reserved.MODEL_PREFIX)


def parameter_scope() -> Scope:
    """Parameters of one method: the fixed keywords every method takes are taken already, and so are
    the names its body and annotations use (a parameter `list` would hide `list[Pet]`)."""
    return Scope(reserved.METHOD_LOCALS | TYPE_NAMES)


def method_scope() -> Scope:
    """Methods of one resource class. A method named `str` or `list` would hide the type in the
    annotations of the methods after it, so those names are taken (the method becomes `str_`)."""
    return Scope(reserved.RESOURCE_MEMBERS | TYPE_NAMES)


def resource_scope() -> Scope:
    """Resource attributes of the client class: the runtime client's members are taken, and so are
    the client module's names its body uses."""
    return Scope(reserved.CLIENT_MEMBERS)


def credential_scope() -> Scope:
    """The credential arguments of the client classes (`_credentials` annotates its locals)."""
    return Scope(reserved.CLIENT_ARGUMENTS | TYPE_NAMES)


def class_scope(client_names: set[str] | frozenset[str]) -> Scope:
    """Model, enum, alias and resource class names in the package: the client's own classes are
    taken already, and so is every class name the generated modules import or define."""
    return Scope(reserved.CLASS_NAMES | client_names, suffix="Model")


def model_module_scope() -> Scope:
    """The modules of models/ (files)."""
    return Scope(reserved.MODEL_MODULES, files=True)


def resource_module_scope() -> Scope:
    """The modules of resources/ (files)."""
    return Scope(reserved.RESOURCE_MODULES, files=True)


def suite_module_scope(package: str) -> Scope:
    """The generated tests' modules (files): the ones made once per project are taken, and the
    package's own name (the tests folder comes first on sys.path)."""
    return Scope(reserved.TEST_MODULES | {suite_support_module(package), package}, files=True)


def suite_support_module(package: str) -> Identifier:
    """The generated tests' helper module (a target's package is an identifier: target.py)."""
    return Identifier(reserved.TEST_SUPPORT.format(package=package))


def client_class_names(natural: str) -> tuple[ClassName, ClassName, str]:
    """The client classes for a natural name (from the title), and why it changed ("" when not):
    neither the class nor its Async twin may be a class name the package uses itself."""
    name, reason = natural, ""
    while not is_identifier(name) or {name, f"Async{name}"} & reserved.CLASS_NAMES:
        name, reason = f"{name}Client", "reserved"
    return ClassName(name), ClassName(f"Async{name}"), reason


def is_identifier(name: str) -> bool:
    return bool(_IDENTIFIER.match(name)) and not keyword.iskeyword(name)
