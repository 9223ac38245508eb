"""`check` answers from the record of the last run when nothing it depends on changed, and only then."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from generator import build as build_module
from generator.formatting import formatter
from generator.build import build
from generator.generate import check, generate
from generator.output.history import previous_generation
from generator.target import Target

SPEC = """\
swagger: "2.0"
info: {title: Pets, version: "1.0"}
host: api.example.test
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, type: integer}
      responses:
        "200": {description: ok, schema: {type: array, items: {$ref: "#/definitions/Pet"}}}
definitions:
  Pet:
    type: object
    properties:
      type: {type: string}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Target:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pets.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "fix.yaml").write_text(
        "overlay: 1.0.0\ninfo: {title: fix, version: '1'}\nactions: []\n", encoding="utf-8"
    )
    target = Target(
        spec=tmp_path / "pets.yaml",
        output=tmp_path / "out",
        overlays=(tmp_path / "fix.yaml",),
        package="pets_client",
    )
    generation, comparison = generate(target)
    assert comparison is not None
    return target


def _forbid_building(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("check regenerated although nothing changed")

    monkeypatch.setattr(build_module, "build", refuse)


def _builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = build_module.build

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "build", counting)
    return calls


def test_check_after_generate_answers_from_the_record_with_the_same_diagnostics(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    full, _ = check(project)  # a real regeneration
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    _forbid_building(monkeypatch)
    quick, comparison = check(project)
    assert comparison is not None and comparison.up_to_date
    assert list(quick.diagnostics) == list(full.diagnostics)
    assert any(
        d.code == "name-reserved" for d in quick.diagnostics
    )  # `type` → `type_`: an info kept


# In a process of its own: which modules a check imports (this process imported them all).
_CHECK_IMPORTS = """
import sys
from pathlib import Path
from generator.generate import check
from generator.target import Target
spec, output = Path(sys.argv[1]), Path(sys.argv[2])
overlays = (spec.with_name("fix.yaml"),)
target = Target(spec=spec, output=output, overlays=overlays, package="pets_client")
generation, comparison = check(target)
assert generation.files == {} and comparison is not None and comparison.up_to_date
print(sorted(m for m in sys.modules if m.startswith("generator.")))
"""


def test_a_check_its_record_answers_imports_no_stage_of_the_pipeline(project: Target) -> None:
    # Importing the pipeline (Jinja, the renderers, the formatter) was most of a check's time.
    run = subprocess.run(
        [sys.executable, "-c", _CHECK_IMPORTS, str(project.spec), str(project.output)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    imported = set(ast.literal_eval(run.stdout))  # the module names the child printed
    stages = ("build", "render", "formatting", "model.normalize", "ingest.pipeline")
    assert not {m for m in imported for s in stages if m.startswith(f"generator.{s}")}
    assert "generator.state.uptodate" in imported


@pytest.mark.parametrize("change", ["spec", "overlay", "output", "extra output file", "settings"])
def test_any_change_makes_check_regenerate(
    project: Target, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    target = project
    if change == "spec":
        target.spec.write_text(SPEC.replace("Pets", "Pets2"), encoding="utf-8")
    elif change == "overlay":
        target.overlays[0].write_text(
            "overlay: 1.0.0\ninfo: {title: fix, version: '2'}\nactions: []\n", encoding="utf-8"
        )
    elif change == "output":
        readme = target.output / "README.md"
        readme.write_text(readme.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    elif change == "extra output file":
        (target.output / "notes.txt").write_text("mine\n", encoding="utf-8")
    else:
        target = Target(
            spec=target.spec, output=target.output, overlays=target.overlays, package="other_client"
        )
    calls = _builds(monkeypatch)
    _, comparison = check(target)
    assert calls == [1]
    if change != "overlay":  # an overlay with no actions changes nothing the client is made from
        assert comparison is not None and not comparison.up_to_date


def test_a_referenced_file_that_is_missing_counts_until_it_appears(
    project: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record answers while a file a reference names stays missing; once it is there, the
    client would change: a full check."""
    text = SPEC.replace("{type: string}", "{$ref: 'kinds.yaml#/Kind'}")
    project.spec.write_text(text, encoding="utf-8")
    generation, _ = generate(project)
    assert "ref-file-missing" in [d.code for d in generation.diagnostics]
    with monkeypatch.context() as forbidden:
        _forbid_building(forbidden)
        _, comparison = check(project)
        assert comparison is not None and comparison.up_to_date
    (project.spec.parent / "kinds.yaml").write_text(
        "Kind: {type: string, enum: [cat, dog]}\n", encoding="utf-8"
    )
    calls = _builds(monkeypatch)
    _, comparison = check(project)
    assert calls == [1] and comparison is not None and not comparison.up_to_date


def test_a_changed_generator_makes_check_regenerate(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from generator.state import uptodate

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "extra.jinja").write_text("x\n", encoding="utf-8")
    monkeypatch.setattr(uptodate, "_SOURCES", (*uptodate._SOURCES, templates))
    calls = _builds(monkeypatch)
    check(project)
    assert calls == [1]


def test_no_records_when_the_cache_is_off(project: Target, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    calls = _builds(monkeypatch)
    check(project)
    check(project)
    assert calls == [1, 1]


def test_a_damaged_record_only_costs_a_full_check(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for record in (tmp_path / "cache" / "checks").glob("*/*"):
        record.write_text("{not json", encoding="utf-8")
    calls = _builds(monkeypatch)
    _, comparison = check(project)
    assert calls == [1] and comparison is not None and comparison.up_to_date


def test_a_target_given_another_way_finds_the_same_record(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Generated with flags and relative paths, checked through a configuration's named target."""
    import dataclasses

    same = dataclasses.replace(
        project,
        name="pets",
        spec=Path("pets.yaml"),
        output=Path("out"),
        overlays=(Path("fix.yaml"),),
    )
    _forbid_building(monkeypatch)
    _, comparison = check(same)
    assert comparison is not None and comparison.up_to_date


def test_check_after_a_regeneration_of_a_changed_document_answers_from_the_record(
    project: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The regeneration read the previous output's openapi.json (for the changelog); that old file
    is no input of the new output."""
    project.spec.write_text(SPEC.replace("Pets", "Pets, edited"), encoding="utf-8")
    generate(project)
    _forbid_building(monkeypatch)
    _, comparison = check(project)
    assert comparison is not None and comparison.up_to_date


def test_a_regeneration_formats_only_what_changed_and_writes_what_a_fresh_one_would(
    project: Target, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(formatter, "_formatted", {})  # a new process, as a command-line run is
    generate(project)
    project.spec.write_text(
        SPEC.replace("operationId: listPets", "operationId: listPets\n      summary: All pets"),
        encoding="utf-8",
    )
    monkeypatch.setattr(formatter, "_formatted", {})  # another: only the cache folder is left
    laid: list[str] = []
    real = formatter.lay_out

    def recording(text: str) -> str | None:
        laid.append(text)
        return real(text)

    monkeypatch.setattr(formatter, "lay_out", recording)
    (project.output / "pets_client" / "_version.py").write_text(
        "# edited by hand\n", encoding="utf-8"
    )
    previous = previous_generation(project.output)
    generation, _ = generate(project)
    assert generation.files is not None
    changed = [t for t in laid if "All pets" in t]
    assert changed and len(laid) < 8  # the files whose text changed, not every file
    assert (project.output / "pets_client" / "_version.py").read_text(encoding="utf-8") == (
        generation.files["pets_client/_version.py"]
    )  # what a hand edited is made again
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    fresh = build(project, previous=previous)  # the pipeline alone, remembering nothing
    assert fresh.files == generation.files
