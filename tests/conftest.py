"""Shared fixtures: the repository layout, the third-party corpus, and running the CLI in process."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# The README's test command passes every time: property tests draw their examples from a fixed
# seed. RANDOM_EXPLORE=1 draws new ones; keep a document it finds failing under
# tests/random_documents/ (or as an @example), so that every later run checks it.
settings.register_profile("fixed", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, database=None, print_blob=True)
settings.load_profile("explore" if os.environ.get("RANDOM_EXPLORE") else "fixed")

from generator import corpus
from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"
SEED = SPEC_DIR / "callfire-call-broadcast.yaml"
SEED_OVERLAY = SPEC_DIR / "callfire-call-broadcast.overlay.yaml"
SHARED_SPECS = ROOT.parent / "shared" / "specs"
CONTRACT = ROOT / "tests" / "contract"
PRISM = CONTRACT / "node_modules" / ".bin" / "prism"


def corpus_documents() -> list[Path]:
    """Every Swagger document in the shared corpus (files that a document only references are left out)."""
    if not SHARED_SPECS.is_dir():
        return []
    found = []
    for path in sorted(SHARED_SPECS.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and _looks_like_swagger(path):
            found.append(path)
    return found


def _looks_like_swagger(path: Path) -> bool:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    return "swagger:" in head or '"swagger"' in head


def corpus_id(path: Path) -> str:
    return str(path.relative_to(SHARED_SPECS))


@pytest.fixture(scope="session", autouse=True)
def _own_generator_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The generator's cache (formatting, check records) for this run only: no record from an earlier
    run on this machine may answer for this one."""
    os.environ["GENERATOR_CACHE"] = str(tmp_path_factory.mktemp("generator-cache"))
    os.environ["GENERATOR_CACHE_KEY"] = "the test session's own key"  # signs the entries (cache.py)


@pytest.fixture(scope="session", autouse=True)
def _bytecode_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Compiled Python for this run only, in a folder of its own (PYTHONPYCACHEPREFIX), for this
    process and every Python it starts, whatever PYTHONDONTWRITEBYTECODE says: the generator and a
    generated package are compiled once, not again by each process that imports them (CI sets
    PYTHONDONTWRITEBYTECODE, and compiling everything again was a quarter of the run's CPU), and
    no __pycache__ is written into an output folder. (What pytest imports to collect the tests,
    before this runs, is compiled as the environment says.)"""
    folder = str(tmp_path_factory.mktemp("pycache"))
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = folder
    sys.dont_write_bytecode = False
    sys.pycache_prefix = folder


@pytest.fixture(scope="session", autouse=True)
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every `mypy` this pytest process starts (MYPY_CACHE_DIR; a command's own
    --cache-dir wins): what mypy learned of httpx, pydantic and the standard library is reused
    from one generated package to the next, and nothing is written into generated/ or the
    repository. Each pytest-xdist worker has its own, and runs one mypy at a time."""
    folder = tmp_path_factory.mktemp("mypy-cache")
    os.environ["MYPY_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture
def shared_specs() -> Path:
    if not SHARED_SPECS.is_dir():
        pytest.skip("the third-party corpus ../shared/specs is not present")
    return SHARED_SPECS


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `python -m generator ARGS...` in process and capture what it prints."""

    def run(*args: str | Path) -> CliResult:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a dedented text file under tmp_path and return its path."""

    def make(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return make


MINIMAL = """\
swagger: "2.0"
info: {title: T, version: "1"}
paths: {}
"""


@pytest.fixture(scope="session")
def prism_command() -> list[str]:
    """The pinned Prism, installed with ``npm ci --prefix tests/contract`` if it is missing."""
    if not PRISM.is_file():
        npm = shutil.which("npm")
        if npm is None:
            message = (
                "npm is not on PATH: cannot install Prism with `npm ci --prefix tests/contract`"
            )
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        with _install_lock():
            if not PRISM.is_file():  # another worker may have installed it meanwhile
                subprocess.run(
                    [npm, *NPM_CI],
                    check=True,
                    capture_output=True,
                    timeout=600,
                )
    assert PRISM.is_file(), f"`npm ci --prefix tests/contract` did not install {PRISM}"
    return [str(PRISM)]


NPM_CI = ["ci", "--prefix", str(CONTRACT), "--no-audit", "--no-fund", "--loglevel=error"]


@contextmanager
def _install_lock() -> Iterator[None]:
    """Hold an exclusive lock on tests/contract: one process at a time installs Prism there.

    Under pytest-xdist every worker may find Prism missing at once; two `npm ci` runs in one
    folder delete each other's files.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no locking, as before
        yield
        return
    descriptor = os.open(CONTRACT, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock


# Run by _PrismInstall in its own process: it holds the lock on tests/contract while `npm ci` runs.
_INSTALLER = """\
import fcntl, os, subprocess, sys
contract, prism, *command = sys.argv[1:]
descriptor = os.open(contract, os.O_RDONLY)
try:
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:  # another process installs Prism, and holds the lock until it is done
    print("busy", flush=True)
    sys.exit(0)
print("locked", flush=True)
if not os.path.isfile(prism):
    subprocess.run(command, capture_output=True, timeout=600, check=False)
"""


class _PrismInstall:
    """Install Prism in the background while the first tests run, when contract tests are selected.

    Under pytest-xdist every worker may find Prism missing at once, and two `npm ci` runs in one
    folder delete each other's files; the generated suites' own fixture (generated/tests/_prism.py)
    runs `npm ci` too when Prism is missing, without a lock. So one process installs it, holding
    the lock on tests/contract, and every contract test waits for the lock before it starts. A
    failed install is left to the fixtures, which report it (or skip without npm).
    """

    def __init__(self) -> None:
        self.installer: subprocess.Popen[str] | None = None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        npm = shutil.which("npm")
        if PRISM.is_file() or npm is None or session.config.option.collectonly:
            return
        if os.name == "nt" or not any(i.get_closest_marker("contract") for i in session.items):
            return  # no fcntl on Windows: the fixtures install Prism when it is needed
        self.installer = subprocess.Popen(
            [sys.executable, "-c", _INSTALLER, str(CONTRACT), str(PRISM), npm, *NPM_CI],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.installer.stdout is not None
        self.installer.stdout.readline()  # the lock is taken, by it or by another process

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if item.get_closest_marker("contract") is not None:
            with _install_lock():  # an install still running ends first
                pass

    def pytest_unconfigure(self) -> None:
        if self.installer is not None:
            self.installer.wait()
            assert self.installer.stdout is not None
            self.installer.stdout.close()


def pytest_configure(config: pytest.Config) -> None:
    # a plugin, not hooks of this file: the hooks of a conftest.py see only the tests below it,
    # and the generated suite's contract tests (generated/tests) must wait for the install too
    config.pluginmanager.register(_PrismInstall(), "prism-install")


# The tests that run longest (minutes, one item each or many), started first: under pytest-xdist
# a worker that takes one of them last would run it alone while the others wait.
LONGEST_FIRST = (
    "tests/test_random_documents.py",
    "tests/test_corpus_run.py",
    "tests/test_generated_suites.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the longest tests first (a stable sort: every worker collects the same order)."""

    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


def run_isolated(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS` in a child that cannot hang the test run (20 s) nor eat the
    machine's memory (2 GiB): a regression fails instead."""

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    command = [sys.executable, "-m", "generator", *map(str, args)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        run = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=20,
            preexec_fn=cap_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the generator did not finish within 20 s: {' '.join(command)}")
    assert "internal error" not in run.stderr, run.stderr[-2000:]  # MemoryError, for one
    return run


@pytest.fixture
def shared_mypy_cache(mypy_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner's mypy stage with the worker's cache (mypy_cache above), kept from one document
    to the next.

    The runner gives each document a new, empty cache, so each `mypy --strict` checks httpx,
    pydantic and the standard library again before the package (most of its time for a small
    document). Here the command is the runner's own, only `--cache-dir` names the worker's cache:
    mypy's incremental mode rechecks every module whose source or dependencies changed (each
    package is new), so the verdict is the same.
    """
    run = corpus._run

    def run_with_shared_cache(
        command: list[str], cwd: Path, timeout: int = 900, env: dict[str, str] | None = None
    ) -> str:
        if command[1:3] == ["-m", "mypy"] and "--cache-dir" in command:
            command = list(command)
            command[command.index("--cache-dir") + 1] = str(mypy_cache)
        return run(command, cwd, timeout, env)

    monkeypatch.setattr(corpus, "_run", run_with_shared_cache)
