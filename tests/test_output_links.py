"""A pull request can commit symbolic links into the output folder (`generated/`): `check --diff`
and `generate`, run by CI on that checkout, must never follow one. A link to a secret (a file
outside the project, or /proc/self/environ, which holds CI tokens) is reported as stale by
`check` and refused by `generate` (output-refused), and what it points to is never read,
compared, copied into the new output or printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import ROOT, SEED, SEED_OVERLAY

CANARY = "canary-7f3a9c41d2"
SECRET_LINE = f"SECRET_CI_TOKEN={CANARY}"
OUTPUT = "out"
PACKAGE = "callfire_client"

pytestmark = pytest.mark.skipif(
    not hasattr(os, "symlink") or sys.platform == "win32",
    reason="symbolic links as a pull request would commit them",
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A maintainer's project, generated once (in process, with a cache of its own, so that the
    commands below find that generation's record as CI with a kept cache would)."""
    root = tmp_path / "project"
    (root / "spec").mkdir(parents=True)
    shutil.copy(SEED, root / "spec" / "api.yaml")
    shutil.copy(SEED_OVERLAY, root / "spec" / "api.overlay.yaml")
    (root / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [[tool.swagger2-client.targets]]
        name = "main"
        spec = "spec/api.yaml"
        overlays = ["spec/api.overlay.yaml"]
        output = "{OUTPUT}"
        package = "{PACKAGE}"
        client-class = "CallFire"
        env-prefix = "CALLFIRE"
        """))
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(root)
    assert main(["--quiet"]) == 0
    return root


def _secret_file(tmp_path: Path, like: Path) -> Path:
    """A file outside the project that holds what like holds, plus a secret (inside a JSON
    object for a JSON file, so the file still parses)."""
    secret = tmp_path / "outside" / like.name
    secret.parent.mkdir(exist_ok=True)
    text = like.read_text(encoding="utf-8")
    if like.suffix == ".json":
        data = json.loads(text)
        data["x-leak"] = SECRET_LINE
        text = json.dumps(data, indent=2) + "\n"
    else:
        text += SECRET_LINE + "\n"
    secret.write_text(text, encoding="utf-8")
    return secret


def _link(path: Path, target: Path | str) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


def _run(project: Path, *args: str, cache: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS` as CI runs it, with a secret in its environment."""
    env = {**os.environ, "SECRET_CI_TOKEN": CANARY, "PYTHONPATH": str(ROOT)}
    env["GENERATOR_CACHE"] = cache or str(project.parent / "cache")
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _files_holding_the_canary(folder: Path, but: Path | None = None) -> list[str]:
    """Every regular file below folder (links are not followed) whose bytes hold the canary."""
    found = []
    for parent, _, names in os.walk(folder):
        for name in names:
            path = Path(parent, name)
            if path != but and not path.is_symlink() and path.is_file():
                if CANARY.encode() in path.read_bytes():
                    found.append(str(path.relative_to(folder)))
    return found


def _assert_check_reports_stale(project: Path, name: str, **kwargs: str) -> None:
    result = _run(project, "check", "--diff", **kwargs)
    assert CANARY not in result.stdout and CANARY not in result.stderr
    assert result.returncode == 1, result.stderr
    assert f"stale: {OUTPUT}/{name}" in result.stderr or f"extra: {OUTPUT}/{name}" in result.stderr
    assert f"--- a/{name}\t(a symbolic link, or not a regular file: not read)" in result.stdout


def _assert_generate_refuses(
    project: Path, link: Path, target: Path | str, but: Path | None = None, **kwargs: str
) -> None:
    result = _run(project, "generate", "--target", "main", **kwargs)
    assert CANARY not in result.stdout and CANARY not in result.stderr
    assert result.returncode == 1
    assert "error[output-refused]" in result.stderr and "symbolic links" in result.stderr
    assert link.is_symlink() and os.readlink(link) == str(
        target
    )  # the link itself is left as it was
    assert _files_holding_the_canary(project.parent, but=but) == []


@pytest.mark.parametrize(
    "name",
    [
        f"{PACKAGE}/py.typed",
        f"{PACKAGE}/__init__.py",
        "CHANGELOG.md",
        "manifest.json",
        "openapi.json",
    ],
)
def test_a_link_to_a_secret_file_is_stale_and_refused_and_never_read(
    project: Path, tmp_path: Path, name: str
) -> None:
    link = project / OUTPUT / name
    secret = _secret_file(tmp_path, link)
    before = secret.read_bytes()
    _link(link, secret)
    _assert_check_reports_stale(project, name)
    _assert_generate_refuses(project, link, secret, but=secret)
    assert secret.read_bytes() == before


@pytest.mark.parametrize("cache", ["kept", "off"])
def test_a_link_to_the_process_environment_is_never_printed(project: Path, cache: str) -> None:
    """The attack as reported: py.typed made a link to /proc/self/environ, whose text is the
    environment of the process that opens it, SECRET_CI_TOKEN included."""
    if not Path("/proc/self/environ").exists():
        pytest.skip("no /proc/self/environ on this system")
    link = project / OUTPUT / PACKAGE / "py.typed"
    _link(link, "/proc/self/environ")
    given = {"cache": "off"} if cache == "off" else {}
    _assert_check_reports_stale(project, f"{PACKAGE}/py.typed", **given)
    _assert_generate_refuses(project, link, "/proc/self/environ", **given)


def test_a_linked_folder_of_secrets_is_reported_and_refused(project: Path, tmp_path: Path) -> None:
    """A link to a folder the generator never makes (docs -> a folder of secrets): a listing that
    skipped it let check call the output up to date."""
    secrets = tmp_path / "outside-folder"
    secrets.mkdir()
    (secrets / "token.txt").write_text(SECRET_LINE + "\n", encoding="utf-8")
    link = project / OUTPUT / "docs"
    _link(link, secrets)
    _assert_check_reports_stale(project, "docs")
    _assert_generate_refuses(project, link, secrets, but=secrets / "token.txt")
    assert sorted(p.name for p in secrets.iterdir()) == ["token.txt"]  # nothing written through it


def test_a_package_folder_linked_to_etc_is_refused_and_nothing_is_written_there(
    project: Path,
) -> None:
    link = project / OUTPUT / PACKAGE / "models"
    _link(link, "/etc")
    etc_before = sorted(os.listdir("/etc"))
    result = _run(project, "check", "--diff")
    assert result.returncode == 1 and f"extra: {OUTPUT}/{PACKAGE}/models\n" in result.stderr
    _assert_generate_refuses(project, link, "/etc")
    assert sorted(os.listdir("/etc")) == etc_before


_OPENED: list[list[str]] = []  # while a list is here, every file opened is added to it
_HOOKED: list[bool] = []


def _watch_opens(event: str, args: tuple[object, ...]) -> None:
    if _OPENED and event == "open" and isinstance(args[0], str):
        _OPENED[-1].append(os.path.realpath(args[0]))


def _opened_while_checking(inside: Path) -> list[str]:
    """`check` run in process: the files below inside that it opened (links resolved). An audit
    hook sees every open, however it is made."""
    if not _HOOKED:
        sys.addaudithook(_watch_opens)  # hooks cannot be removed: an empty _OPENED mutes this one
        _HOOKED.append(True)
    _OPENED.append([])
    try:
        assert main(["check", "--quiet"]) == 1
    finally:
        opened = _OPENED.pop()
    return [path for path in opened if Path(path).is_relative_to(inside.resolve())]


def test_modules_of_unchanged_resources_are_never_taken_through_a_linked_folder(
    project: Path, tmp_path: Path
) -> None:
    """A regeneration takes the modules of unchanged resources from the output folder: through a
    link to a folder that holds the same files, they must not be opened there."""
    models = project / OUTPUT / PACKAGE / "models"
    elsewhere = tmp_path / "elsewhere-models"
    shutil.copytree(models, elsewhere)
    _link(models, elsewhere)
    assert _opened_while_checking(elsewhere) == []


def test_the_previous_openapi_json_never_makes_the_changelog_read_another_file(
    project: Path, tmp_path: Path
) -> None:
    """The output's openapi.json is bundled when written; a `$ref` to a file, put there by hand,
    would read a JSON or YAML file from outside the output folder into the changelog's
    comparison (in place of a model's properties, each of its keys would be listed by name)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "settings.json").write_text(json.dumps({CANARY: {"type": "string"}}))
    document_path = project / OUTPUT / "openapi.json"
    document = json.loads(document_path.read_text(encoding="utf-8"))
    model = sorted(document["definitions"])[0]
    document["definitions"][model]["properties"] = {"$ref": "../../outside/settings.json"}
    document_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    manifest_path = project / OUTPUT / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["effective_spec_sha256"] = "0" * 64  # the document changed: the changelog compares
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    assert _opened_while_checking(outside) == []


def test_read_output_file_reads_plain_files_only(tmp_path: Path) -> None:
    from generator.output.write import NotPlainFile, read_output_file  # new with this test

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "file.txt").write_bytes(b"plain")
    (tmp_path / "secret.txt").write_bytes(SECRET_LINE.encode())
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "real").mkdir()
    (tmp_path / "out" / "real" / "file.txt").write_bytes(b"plain")
    (tmp_path / "out" / "file-link").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "out" / "folder-link").symlink_to(tmp_path / "a")
    os.mkfifo(tmp_path / "out" / "fifo")  # opening it for reading must not wait for a writer
    assert read_output_file(tmp_path / "out", "real/file.txt") == b"plain"
    for name in (
        "file-link",
        "folder-link/file.txt",
        "fifo",
        "real",
        "../secret.txt",
        "/etc/passwd",
    ):
        with pytest.raises(NotPlainFile):
            read_output_file(tmp_path / "out", name)
    linked_root = tmp_path / "chosen"  # the output folder itself may be a link: the user chose it
    linked_root.symlink_to(tmp_path / "out")
    assert read_output_file(linked_root, "real/file.txt") == b"plain"


def test_check_prints_file_names_from_the_folder_as_visible_escapes(tmp_path: Path) -> None:
    """A pull request names the files in the output folder: a name cannot fake a line of output or
    send escape sequences to the terminal of whoever reads the CI log."""
    import subprocess
    import sys

    spec = tmp_path / "api.yaml"
    spec.write_text('swagger: "2.0"\ninfo: {title: T, version: "1"}\npaths: {}\n', encoding="utf-8")
    environment = {**os.environ, "GENERATOR_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "generator"]
    subprocess.run(
        [*command, "generate", str(spec), "-o", str(tmp_path / "out"), "--package", "t_client"],
        check=True,
        capture_output=True,
        env=environment,
    )
    (tmp_path / "out" / "x\nout is up to date\x1b[2J").write_text("", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.swagger2-client.targets]]\nspec = "api.yaml"\noutput = "out"\npackage = "t_client"\n',
        encoding="utf-8",
    )
    run = subprocess.run(
        [*command, "check", "--diff"], cwd=tmp_path, capture_output=True, text=True, env=environment
    )
    assert run.returncode == 1
    assert "\x1b" not in run.stdout + run.stderr
    assert "\nout is up to date" not in run.stderr and "\\x1b[2J" in run.stderr
