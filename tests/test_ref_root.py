"""`$ref` reads only regular files inside a root, and never more than the size limit.

The root is the folder of the document (for a reference in an overlay, the overlay's folder),
judged after following links; `--ref-root DIR` (or `ref-root` in the configuration) widens it.
Each attack below once put a file from outside that folder into the generated `openapi.json`,
or hung, or read gigabytes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import pytest

from generator import corpus
from generator.config import load_config
from generator.diagnostics import Diagnostics, InputError
from generator.ingest.loader import Limits, load_file, recording_reads
from generator.ingest.options import Options
from generator.ingest.pipeline import ingest
from tests.conftest import CliResult, run_isolated

Cli = Callable[..., CliResult]
ERROR_SCHEMA = "type: object\nproperties:\n  code: {type: integer}\n"

CANARY = "CANARY-7f3a-not-for-the-client"


def document(ref: str, title: str = "Leak") -> str:
    """A document whose one response schema is the reference (line 9 holds it)."""
    return f"""\
swagger: "2.0"
info: {{title: {title}, version: "1"}}
paths:
  /stolen:
    get:
      responses:
        "200":
          description: ok
          schema: {{$ref: '{ref}'}}
"""


def generated_text(output: Path) -> str:
    """Everything the generator wrote, as one text."""
    if not output.exists():
        return ""
    files = [p for p in output.rglob("*") if p.is_file()]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def json_diagnostics(stdout: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(stdout)
    return found


# --- the attacks ---------------------------------------------------------------------------------


def test_a_reference_out_of_the_document_folder_is_refused(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "creds.json").write_text(json.dumps({"aws_secret_access_key": CANARY}))
    spec = tmp_path / "home" / "project" / "api" / "swagger.yaml"
    spec.parent.mkdir(parents=True)
    spec.write_text(document("../../creds.json"))

    result = cli("generate", spec, "-o", tmp_path / "out", "--package", "leak_client")
    assert result.code == 1
    assert CANARY not in generated_text(tmp_path / "out")
    assert CANARY not in result.out + result.err

    [refused] = json_diagnostics(cli("validate", spec, "--format", "json").out)
    assert refused["code"] == "ref-outside-root" and refused["severity"] == "error"
    assert refused["pointer"] == "/paths/~1stolen/get/responses/200/schema"
    assert refused["file"].endswith("swagger.yaml") and refused["line"] == 9


def test_a_link_to_a_file_outside_the_document_folder_is_refused(cli: Cli, tmp_path: Path) -> None:
    kube = tmp_path / "home" / ".kube"
    kube.mkdir(parents=True)
    (kube / "config").write_text(f"users:\n  - name: admin\n    user: {{token: {CANARY}}}\n")
    api = tmp_path / "home" / "project" / "api"
    api.mkdir(parents=True)
    (api / "k.yaml").symlink_to(kube / "config")
    spec = api / "swagger.yaml"
    spec.write_text(document("k.yaml#/users/0"))

    result = cli("generate", spec, "-o", tmp_path / "out", "--package", "leak_client")
    assert result.code == 1
    assert CANARY not in generated_text(tmp_path / "out")

    [refused] = json_diagnostics(cli("validate", spec, "--format", "json").out)
    assert refused["code"] == "ref-outside-root"
    assert refused["pointer"] == "/paths/~1stolen/get/responses/200/schema" and refused["line"] == 9


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_reference_to_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")  # nobody ever writes to it: opening it to read used to block
    spec = tmp_path / "swagger.yaml"
    spec.write_text(document("pipe.yaml"))

    run = run_isolated("validate", spec, "--format", "json")
    assert run.returncode == 1, run.stderr
    [refused] = json_diagnostics(run.stdout)
    assert refused["code"] == "ref-file-refused" and refused["severity"] == "error"
    assert "regular file" in refused["message"]
    assert refused["pointer"] == "/paths/~1stolen/get/responses/200/schema" and refused["line"] == 9


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_reference_to_a_link_to_dev_zero_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    spec = tmp_path / "swagger.yaml"
    spec.write_text(document("zero.yaml"))

    run = run_isolated("validate", spec, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert [d["code"] for d in json_diagnostics(run.stdout)] == ["ref-outside-root"]

    # a root that holds the device does not make it readable: only regular files are read
    run = run_isolated("validate", spec, "--format", "json", "--ref-root", "/dev")
    assert run.returncode == 1, run.stderr
    [refused] = json_diagnostics(run.stdout)
    assert refused["code"] == "ref-file-refused" and refused["line"] == 9


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_document_that_is_a_link_to_dev_zero_stops_at_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "swagger.yaml").symlink_to("/dev/zero")  # its size says 0

    run = run_isolated("validate", tmp_path / "swagger.yaml", "--format", "json")
    assert run.returncode == 1, run.stderr
    [refused] = json_diagnostics(run.stdout)
    assert refused["code"] == "too-large"


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="no /proc on this system")
def test_the_size_limit_holds_for_a_regular_file_whose_size_says_zero(tmp_path: Path) -> None:
    # /proc/self/maps is a regular file of several kilobytes that stat says is 0 bytes long
    assert Path("/proc/self/maps").stat().st_size == 0
    (tmp_path / "maps.yaml").symlink_to("/proc/self/maps")
    with pytest.raises(InputError) as info:
        load_file(tmp_path / "maps.yaml", Diagnostics(), Limits(max_bytes=1024))
    assert info.value.diagnostic.code == "too-large"


# --- what is still read --------------------------------------------------------------------------


def test_ref_root_lets_a_reference_read_a_trusted_folder(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "Error.yaml").write_text(ERROR_SCHEMA)
    spec = tmp_path / "api" / "swagger.yaml"
    spec.parent.mkdir()
    spec.write_text(document("../common/Error.yaml"))

    assert cli("validate", spec, "--quiet").code == 1
    assert cli("validate", spec, "--quiet", "--ref-root", tmp_path / "common").code == 0
    result = cli(
        "generate", spec, "-o", tmp_path / "out", "--ref-root", tmp_path, "--package", "ok_client"
    )
    assert result.code == 0, result.err
    written = json.loads((tmp_path / "out" / "openapi.json").read_text())
    assert written["definitions"]["Error"]["properties"] == {"code": {"type": "integer"}}


def test_a_link_that_stays_inside_the_root_is_followed(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "pet-v2.yaml").write_text("properties:\n  id: {type: string}\n")
    (tmp_path / "Pet.yaml").symlink_to(tmp_path / "models" / "pet-v2.yaml")
    spec = tmp_path / "swagger.yaml"
    spec.write_text(document("Pet.yaml"))

    result = ingest(spec)
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.document is not None
    assert list(result.document["definitions"].values()) == [
        {"properties": {"id": {"type": "string"}}}
    ]


def test_references_of_a_referenced_file_keep_to_the_same_root(tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text(f"token: {CANARY}\n")
    (tmp_path / "api" / "models").mkdir(parents=True)
    (tmp_path / "api" / "models" / "Pet.yaml").write_text(
        "type: object\nproperties:\n  owner: {$ref: '../Owner.yaml'}\n"
        "  leak: {$ref: '../../secret.yaml'}\n"
    )
    (tmp_path / "api" / "Owner.yaml").write_text("type: string\n")
    spec = tmp_path / "api" / "swagger.yaml"
    spec.write_text(document("models/Pet.yaml"))

    result = ingest(spec)
    [refused] = [d for d in result.diagnostics if d.severity.value == "error"]
    assert refused.code == "ref-outside-root"
    assert refused.pointer == "/definitions/Pet/properties/leak"
    assert refused.position is not None and refused.position.file.endswith("Pet.yaml")
    assert refused.position.line == 4


def test_a_reference_in_an_overlay_reads_the_overlay_folder_only(tmp_path: Path) -> None:
    (tmp_path / "fixes" / "schemas").mkdir(parents=True)
    (tmp_path / "fixes" / "schemas" / "Fixed.yaml").write_text("type: object\n")
    (tmp_path / "fixes" / "private.yaml").write_text(f"token: {CANARY}\n")
    overlay = tmp_path / "fixes" / "fix.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: fixes, version: '1'}\nactions:\n"
        "  - target: $.paths['/stolen'].get.responses\n"
        "    update: {'201': {description: made, schema: {$ref: 'schemas/Fixed.yaml'}}}\n"
    )
    spec = tmp_path / "api" / "swagger.yaml"
    spec.parent.mkdir()
    spec.write_text(document("../fixes/private.yaml"))

    result = ingest(spec, [overlay])
    codes = [d.code for d in result.diagnostics if d.severity.value == "error"]
    assert codes == ["ref-outside-root"]  # the document may not read the overlay's folder...
    spec.write_text(document("#/definitions/Local") + "definitions:\n  Local: {type: string}\n")
    result = ingest(spec, [overlay])
    assert result.ok, [d.render() for d in result.diagnostics]  # ...but the overlay may
    assert result.document is not None
    assert result.document["definitions"]["Fixed"] == {"type": "object"}

    overlay.write_text(overlay.read_text().replace("schemas/Fixed.yaml", "../api/swagger.yaml"))
    assert [d.code for d in ingest(spec, [overlay]).diagnostics] == ["ref-outside-root"]


def test_ref_root_in_the_configuration_is_relative_to_its_file(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[[tool.swagger2-client.targets]]\nspec = "api/swagger.yaml"\noutput = "out"\n'
        'ref-root = "common"\n\n'
        '[[tool.swagger2-client.targets]]\nname = "two"\nspec = "api/swagger.yaml"\n'
        'output = "out2"\nref-root = ["common", "more"]\n'
    )
    one, two = load_config(pyproject).targets
    assert one.ref_roots == (tmp_path / "common",)
    assert two.ref_roots == (tmp_path / "common", tmp_path / "more")


def test_a_configured_ref_root_reaches_generation(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "Error.yaml").write_text(ERROR_SCHEMA)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "swagger.yaml").write_text(document("../common/Error.yaml"))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[[tool.swagger2-client.targets]]\nspec = "api/swagger.yaml"\noutput = "out"\n'
        'package = "ok_client"\nref-root = "common"\n'
    )
    result = cli("--config", pyproject, "--quiet")
    assert result.code == 0, result.err
    assert "Error" in json.loads((tmp_path / "out" / "openapi.json").read_text())["definitions"]


def test_the_up_to_date_record_sees_the_referenced_files(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "pet-v2.yaml").write_text("type: object\n")
    (tmp_path / "Pet.yaml").symlink_to(tmp_path / "models" / "pet-v2.yaml")
    spec = tmp_path / "swagger.yaml"
    spec.write_text(document("Pet.yaml"))
    with recording_reads() as seen:
        assert ingest(spec).ok
    assert set(seen) == {str(spec.resolve()), str((tmp_path / "models" / "pet-v2.yaml").resolve())}


def test_petstore_separate_works_with_its_example_folder_as_root(shared_specs: Path) -> None:
    example = shared_specs / "oai" / "petstore-separate"
    spec = example / "spec" / "swagger.yaml"  # its responses refer to ../common/Error.yaml
    errors = [d.code for d in ingest(spec).diagnostics if d.severity.value == "error"]
    assert set(errors) == {"ref-outside-root"}
    result = ingest(spec, options=Options(ref_roots=(example,)))
    assert result.ok, [d.render() for d in result.diagnostics]
    assert result.document is not None
    assert sorted(result.document["definitions"]) == ["Error", "NewPet", "Pet"]


def test_the_corpus_runner_lets_documents_read_anywhere_in_its_folder(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus, "STAGES", ("generate",))  # the later stages are tested elsewhere
    (tmp_path / "secret.yaml").write_text("type: string\n")
    folder = tmp_path / "specs"
    (folder / "common").mkdir(parents=True)
    (folder / "common" / "Error.yaml").write_text("type: object\n")
    (folder / "one").mkdir()
    (folder / "one" / "swagger.yaml").write_text(document("../common/Error.yaml", "One"))
    (folder / "two.yaml").write_text(document("../secret.yaml", "Two"))
    report = tmp_path / "report.json"

    result = cli("corpus", folder, "--report", report)
    rows = {row["name"]: row for row in json.loads(report.read_text())["documents"]}
    assert rows["one/swagger.yaml"]["stages"] == {"generate": "pass"}
    assert rows["two.yaml"]["stages"] == {"generate": "FAIL"}
    assert "ref-outside-root" in rows["two.yaml"]["detail"]
    assert result.code == 1
