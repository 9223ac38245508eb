"""The Swagger 2.0 JSON-schema check: openapi-spec-validator's errors, found fast.

openapi-spec-validator's jsonschema validator takes seconds on a large document (4.6 s for
Kubernetes). Most of a document is valid, so each part (every path item, every definition, and
the rest of the document with those emptied) is first run through fastjsonschema's compiled
form of the same schema, which only says yes or no, in milliseconds. Only the parts it rejects
go through openapi-spec-validator, whose errors, paths and messages are exactly those of
checking the whole document at once. Formats are not checked, as openapi-spec-validator does not,
and fastjsonschema is told never to fill in defaults (it would change the document).

A regeneration mostly sees the parts the last run found valid: a memo (the cache folder, see
generator/memo.py) keeps the hash of each valid part's JSON text (with the schema definition it was checked against), and a part
with a known hash is not checked again. That saves 0.4 s on Kubernetes after a one-operation edit.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

from generator.memo import NO_MEMO, Memo

ValidationError = Any  # jsonschema's error (jsonschema ships no type information)
Path_ = tuple[object, ...]
_PARTS = (
    ("paths", "pathItem", "/"),
    ("definitions", "schema", ""),
)  # (field, schema definition, key prefix)


def schema_errors(document: dict[str, Any], memo: Memo = NO_MEMO) -> list[ValidationError]:
    """Every error openapi-spec-validator reports for document, each with its absolute path;
    memo remembers the parts found valid, which a later run need not check again."""
    fast = _fast_validators()
    if fast is None:  # fastjsonschema missing or changed: the slow way, for the whole document
        return list(_slow_for("").iter_errors(document))
    errors: list[ValidationError] = []
    verdicts = _Verdicts(
        memo, f"{library_version('openapi-spec-validator')}|{library_version('fastjsonschema')}"
    )
    skeleton = dict(document)
    for field, definition, prefix in _PARTS:
        parts = document.get(field)
        if not isinstance(parts, dict):
            continue
        skeleton[field] = dict(parts)
        for key, part in parts.items():
            if isinstance(key, str) and key.startswith(prefix) and isinstance(part, dict):
                skeleton[field][
                    key
                ] = {}  # an empty path item or schema is valid: checked on its own below
                if not verdicts.passes(fast, definition, part):
                    errors.extend(_located(_slow_for(definition).iter_errors(part), (field, key)))
    if not verdicts.passes(fast, "document", skeleton):
        errors.extend(_slow_for("").iter_errors(skeleton))
    verdicts.save()
    return errors


class _Verdicts:
    """The parts found valid, by the sha256 of the schema definition's name and the part's JSON text."""

    KEPT = 20_000  # hashes kept (32 bytes each): this run's, then the newest of earlier runs'

    def __init__(self, memo: Memo, key: str) -> None:
        self.memo, self.key = memo, key
        self.cached = memo is not NO_MEMO  # without a memo, no part is hashed
        data = memo.read("schemacheck", key) or b""
        self.earlier = [
            data[i : i + 32] for i in range(0, len(data) - len(data) % 32, 32)
        ]  # newest first
        self.known = set(self.earlier)
        self.valid: dict[bytes, None] = {}  # found valid in this run, in order

    def passes(
        self, fast: dict[str, Callable[[object], object]], definition: str, part: object
    ) -> bool:
        digest = _digest(definition, part) if self.cached else None
        if digest is not None and digest in self.known:
            self.valid[digest] = None
            return True
        if not _passes(fast[definition], part):
            return False
        if digest is not None:
            self.valid[digest] = None
        return True

    def save(self) -> None:
        if not self.valid or all(digest in self.known for digest in self.valid):
            return  # nothing new: the entry stays as it is
        others = [digest for digest in self.earlier if digest not in self.valid][
            : max(0, self.KEPT - len(self.valid))
        ]
        self.memo.write("schemacheck", self.key, b"".join(self.valid) + b"".join(others))


def _digest(definition: str, part: object) -> bytes | None:
    """The part's identity as JSON (None when it is not JSON data: it is then always checked)."""
    try:
        text = json.dumps(part, allow_nan=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(f"{definition}\0{text}".encode()).digest()


def _passes(check: Callable[[object], object], instance: object) -> bool:
    import fastjsonschema

    try:
        check(instance)
    except (
        fastjsonschema.JsonSchemaException,
        TypeError,
        ValueError,
    ):  # not a JSON document: the slow way says why
        return False
    return True


def _located(errors: Iterator[ValidationError], prefix: Path_) -> Iterator[ValidationError]:
    for error in errors:
        error.path.extendleft(reversed(prefix))  # nested errors take their paths from this one
        yield error


@functools.lru_cache(maxsize=None)
def _slow_for(definition: str) -> Any:
    """openapi-spec-validator's validator (imported only when a part fails: 0.15 s), for the whole
    schema or one of its definitions, refs resolving as in the whole."""
    from openapi_spec_validator.schemas import openapi_v2_schema_validator as slow

    if not definition:
        return slow
    return slow.evolve(
        schema={**_schema(), "$ref": f"#/definitions/{definition}"}
    )  # draft 4: $ref wins


FAST_MODULE = Path(__file__).resolve().parent / "swagger2_fastcheck.py"


@functools.lru_cache(maxsize=1)
def _fast_validators() -> dict[str, Callable[[object], object]] | None:
    """The fast check's validators, from the module fastjsonschema made of the schema (see
    `write_fast_module`): a module of the generator, never code from the cache folder."""
    try:
        from generator.ingest import swagger2_fastcheck as fast
    except ImportError:  # fastjsonschema missing: the slow way
        return None
    found = {
        "document": getattr(fast, "validate", None),
        "pathItem": getattr(fast, "validate___definitions_pathitem", None),
        "schema": getattr(fast, "validate___definitions_schema", None),
    }
    if not all(callable(check) for check in found.values()):
        return None
    return {name: check for name, check in found.items() if check is not None}


def schema_digest() -> str:
    """The sha256 of the Swagger 2.0 schema openapi-spec-validator checks with."""
    return hashlib.sha256(json.dumps(_schema(), sort_keys=True).encode()).hexdigest()


def fast_module_source() -> str:
    """The fast check's module as fastjsonschema makes it now, headed by the schema's digest."""
    import fastjsonschema
    from jsonschema import Draft4Validator  # type: ignore[import-untyped]

    meta = json.loads(json.dumps(Draft4Validator.META_SCHEMA))  # the schema refers to draft 4's own
    source: str = fastjsonschema.compile_to_code(
        _schema(),
        handlers={"http": lambda uri: meta, "https": lambda uri: meta},
        use_formats=False,
        use_default=False,
    )  # never fill in defaults
    return f"# Made by `python -m generator.ingest.schemacheck` from the Swagger 2.0 schema {schema_digest()}: do not edit.\n# mypy: ignore-errors\n{source}"


def write_fast_module() -> None:
    FAST_MODULE.write_text(fast_module_source(), encoding="utf-8")


@functools.lru_cache(maxsize=None)
def library_version(library: str) -> str:
    """The installed version of a library, '' when it is not installed. Read once per process
    (1.5 ms each, and every cache key asks): the version that shapes output is the one imported."""
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return ""


@functools.lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    from openapi_spec_validator.schemas import openapi_v2_schema_validator as slow

    plain: dict[str, Any] = json.loads(
        json.dumps(dict(slow.schema), default=dict)
    )  # plain dicts, for both validators
    return plain


# -- what an error means ---------------------------------------------------------------------


class Reason(NamedTuple):
    """The most specific reason inside a jsonschema error, and where it is."""

    path: tuple[str | int, ...]
    message: str
    wrong_branch: bool  # the error of a oneOf branch the value is not meant for (another `in`)
    wrong_type: bool  # the value is of the wrong JSON type (a list where a mapping belongs)


def explain(error: ValidationError) -> Reason:
    """What error says, shortened; where oneOf lists every branch, the branch meant."""
    reason = _explain_error(error)
    return reason._replace(message=_shorten(reason.message))


def _explain_error(error: ValidationError) -> Reason:
    """A oneOf error says only that no branch fits. The branch meant is the one whose
    discriminating field (a parameter's `in`) fits; its own error is the real one, the deepest
    one, and of two as deep, not a type error (the value has the type of that branch).
    When no branch's `in` fits, the allowed values of all branches are listed.
    """
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        path = tuple(error.absolute_path)
        return Reason(path, error.message, _is_wrong_branch(error), error.validator == "type")
    groups: dict[object, list[ValidationError]] = {}
    for sub in error.context:
        groups.setdefault(sub.relative_schema_path[0], []).append(sub)
    results = [_explain_group(group) for group in groups.values()]
    fitting = [r for r in results if not r.wrong_branch]
    if fitting:
        return max(fitting, key=lambda r: (len(r.path), not r.wrong_type))
    return _merge_mismatches(error)


def _explain_group(errors: list[ValidationError]) -> Reason:
    explained = [_explain_error(e) for e in errors]
    wrong = [r for r in explained if r.wrong_branch]
    return wrong[0] if wrong else max(explained, key=lambda r: (len(r.path), not r.wrong_type))


def _is_wrong_branch(error: ValidationError) -> bool:
    if error.validator in ("enum", "const") and list(error.relative_path)[-1:] == ["in"]:
        return True
    return error.validator == "required" and "'$ref' is a required property" in error.message


def _merge_mismatches(error: ValidationError) -> Reason:
    allowed: list[object] = []
    value: object = None
    path = tuple(error.absolute_path)
    for sub in _flatten(error):
        if sub.validator == "enum" and list(sub.relative_path)[-1:] == ["in"]:
            value, path = sub.instance, tuple(sub.absolute_path)
            allowed.extend(v for v in sub.validator_value if v not in allowed)
    if not allowed:
        return Reason(tuple(error.absolute_path), error.message, True, False)
    return Reason(path, f"{value!r} is not one of {allowed!r}", True, False)


def _flatten(error: ValidationError) -> Iterator[ValidationError]:
    stack = [error]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.context or [])


def _shorten(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


if (
    __name__ == "__main__"
):  # regenerate the fast check after openapi-spec-validator's schema changed
    write_fast_module()
