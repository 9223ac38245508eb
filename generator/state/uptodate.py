"""Tell an unchanged project from hashes alone, so `check` need not regenerate it.

A project is a function of the files the generator read (the document, its overlays and the
files they refer to), the target's settings, the generator itself (its code, its templates, the
pinned black and the libraries that read and validate documents) and the previous output, which
a regeneration of the same document reproduces exactly. After every generation, and every full
check that found the project up to date, a record keeps the hashes of all of them together with
the diagnostics of the run. A later check whose inputs and output hash the same would make the
same bytes and report the same diagnostics, so it answers from the record.

Records live in the cache folder (GENERATOR_CACHE; `off` turns them off), signed like every
entry there (cache.py): a record that is missing, damaged, foreign or written by another
generator only costs a full check.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Severity, SourcePosition
from generator.state import cache
from generator.ingest.loader import MISSING
from generator.ingest.options import Options
from generator.ingest.schemacheck import library_version
from generator.target import Target
from generator.output.write import existing_files, read_output_file

_SOURCES = (Path(__file__).resolve().parents[1], Path(__file__).resolve().parents[2] / "templates")
_LIBRARIES = ("black", "jinja2", "pyyaml", "openapi-spec-validator", "jsonschema", "fastjsonschema")


@dataclass
class Record:
    inputs: dict[str, str]  # absolute path of each file read → its sha256
    output: str  # the digest of the output folder
    diagnostics: list[Diagnostic]
    waived: int


def remember(
    target: Target,
    options: Options,
    inputs: dict[str, str],
    diagnostics: list[Diagnostic],
    waived: int,
    files: dict[str, str],
) -> None:
    """Record a run whose output folder now holds exactly files."""
    key = _record_key(target, options)
    if key is None:
        return
    output = target.output.resolve()
    # The previous output's openapi.json is read too (for the changelog); the output digest covers it.
    inputs = {
        name: digest for name, digest in inputs.items() if not Path(name).is_relative_to(output)
    }
    data = {
        "inputs": inputs,
        "output": _digest({name: sha256_text(text) for name, text in files.items()}),
        "waived": waived,
        "diagnostics": [_diagnostic_data(d) for d in diagnostics],
    }
    # a record that cannot be written only costs a full check
    cache.write("checks", key, json.dumps(data).encode())


def recall(target: Target, options: Options) -> Record | None:
    """The record of a run with these settings, if every input and the output still hash as then."""
    data = _load(_record_key(target, options))
    try:
        if not data or not data["inputs"]:
            return None
        if not all(_unchanged(Path(name), digest) for name, digest in data["inputs"].items()):
            return None
        if output_digest(target.output) != data["output"]:
            return None
        return Record(
            data["inputs"],
            data["output"],
            [_diagnostic(d) for d in data["diagnostics"]],
            data["waived"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _unchanged(path: Path, digest: str) -> bool:
    """Whether the file still hashes to digest (a file a reference names: is still missing)."""
    if digest == MISSING:
        return not os.path.lexists(path)
    now = cache.read_regular(path)  # a file swapped for a FIFO or a device: a full check
    return now is not None and hashlib.sha256(now).hexdigest() == digest


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _load(key: str | None) -> dict[str, Any]:
    text = cache.read("checks", key) if key is not None else None
    try:
        data = json.loads(text) if text is not None else None
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def output_digest(output: Path) -> str:
    """Raises NotPlainFile (an OSError) when the folder holds a link: no record then answers."""
    return _digest(
        {
            name: hashlib.sha256(read_output_file(output, name)).hexdigest()
            for name in existing_files(output)
        }
    )


def _digest(hashes: dict[str, str]) -> str:
    """One hash for a folder, from its files' names and hashes."""
    digest = hashlib.sha256()
    for name in sorted(hashes):
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0" + hashes[name].encode() + b"\0")
    return digest.hexdigest()


def _record_key(target: Target, options: Options) -> str | None:
    if options.allow_remote_refs:  # a remote document cannot be hashed without fetching it
        return None
    return json.dumps(
        [
            generator_fingerprint(target.templates),
            str(Path.cwd()),
            repr(_resolved(target)),
            repr(options),
        ]
    )


def _resolved(target: Target) -> Target:
    """The settings that shape the output, however they were given (flags, configuration, relative paths)."""
    return dataclasses.replace(
        target,
        name="",
        spec=target.spec.resolve(),
        output=target.output.resolve(),
        overlays=tuple(p.resolve() for p in target.overlays),
        templates=tuple(p.resolve() for p in target.templates),
    )


@functools.lru_cache(maxsize=1)
def builtin_fingerprint() -> str:
    """The fingerprint of the generator without custom templates (for what no template shapes,
    such as the normalized API and the planned tests); fixed in a process."""
    return generator_fingerprint(())


def generator_fingerprint(templates: tuple[Path, ...]) -> str:
    """The generator's code and templates (with a project's own), and the libraries that shape output."""
    digest = hashlib.sha256()
    for library in _LIBRARIES:
        digest.update(f"{library}={library_version(library)};".encode())
    for root in (*_SOURCES, *templates):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".jinja"):
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _diagnostic_data(diagnostic: Diagnostic) -> dict[str, object]:
    position = diagnostic.position
    return {
        "severity": diagnostic.severity.value,
        "code": diagnostic.code,
        "pointer": diagnostic.pointer,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "position": [position.file, position.line, position.col] if position else None,
    }


def _diagnostic(data: dict[str, object]) -> Diagnostic:
    position = data["position"]
    where = SourcePosition(*position) if isinstance(position, list) else None
    return Diagnostic(
        Severity(data["severity"]),
        str(data["code"]),
        str(data["pointer"]),
        str(data["message"]),
        str(data["hint"]),
        where,
    )
