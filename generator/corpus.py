"""The corpus runner: every Swagger 2.0 document in a folder through every stage, one row each.

Stages: generate → compile → style (black leaves every file as it is) → import → mypy --strict →
the generated unit tests. A failing
stage stops that document (later stages show '-') but never the run; the exit code is 1 when
any document failed any stage.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.formatting.formatter import black_difference
from generator.model import reserved
from generator.generate import generate
from generator.target import Target

STAGES = ("generate", "compile", "style", "import", "mypy", "tests")
PACKAGE = "corpus_client"
# A generated suite needs no pytest plugin, and loading the ones installed here (Hypothesis's
# among them) was 2 of the 3 seconds a small package's tests took.
PLAIN_PYTEST = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
_IMPORT_ALL = (
    "import importlib, pkgutil, {p}\n"
    "for module in pkgutil.walk_packages({p}.__path__, '{p}.'):\n"
    "    importlib.import_module(module.name)\n"
)


@dataclass
class Row:
    name: str
    operations: int = 0
    models: int = 0
    warnings: int = 0
    stages: dict[str, str] = field(default_factory=dict)  # stage → pass, FAIL or -
    seconds: float = 0.0
    detail: str = ""  # why the first failing stage failed

    @property
    def ok(self) -> bool:
        return all(self.stages.get(stage) == "pass" for stage in STAGES)


def documents(folder: Path) -> list[Path]:
    """The Swagger 2.0 documents under folder (files only referenced by others are left out)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".yaml", ".yml", ".json"):
            head = path.read_text(encoding="utf-8", errors="replace")[:4000]
            if "swagger:" in head or '"swagger"' in head:
                found.append(path)
    return found


def run_document(spec: Path, folder: Path) -> Row:
    started = time.perf_counter()
    row = Row(name=str(spec.relative_to(folder)) if spec.is_relative_to(folder) else str(spec))
    with tempfile.TemporaryDirectory(prefix="corpus-") as work:
        out = Path(work) / "out"
        for stage in STAGES:
            if row.detail:
                row.stages[stage] = "-"
                continue
            try:
                problem = _run_stage(stage, spec, out, row, folder)
            except (
                Exception
            ) as exc:  # noqa: BLE001 - one document's generator bug must not stop the run
                problem = f"internal error: {type(exc).__name__}: {exc}"[:400]
            row.stages[stage] = "FAIL" if problem else "pass"
            row.detail = problem
    row.seconds = round(time.perf_counter() - started, 1)
    return row


def _run_stage(stage: str, spec: Path, out: Path, row: Row, folder: Path) -> str:
    if stage == "generate":  # the corpus folder is the user's choice of a trusted tree
        return _generate(spec, out, row, folder)  # so its documents' $refs may read anywhere in it
    return _STAGE_RUNNERS[stage](spec, out, row)


def _generate(spec: Path, out: Path, row: Row, ref_root: Path | None = None) -> str:
    roots = (ref_root,) if ref_root else ()
    generation, _ = generate(Target(spec=spec, output=out, package=PACKAGE, ref_roots=roots))
    row.warnings = sum(1 for d in generation.diagnostics if d.severity.value == "warning")
    if generation.files is None:
        first = next((d for d in generation.diagnostics if d.severity.value == "error"), None)
        return first.render().splitlines()[0] if first else "generation failed"
    row.operations = len(_operations(out))
    typed_dicts = {
        f"{PACKAGE}/models/{m.dict_module}.py"
        for m in (generation.api.models if generation.api else ())
        if m.dict_module
    }
    row.models = sum(
        1
        for name in generation.files
        if name.startswith(f"{PACKAGE}/models/")
        and not name.endswith("__init__.py")
        and name not in typed_dicts
    )
    return ""


def _operations(out: Path) -> list[str]:
    text = "\n".join(p.read_text() for p in (out / PACKAGE / "resources").glob("*.py"))
    return [
        line
        for line in text.splitlines()
        if line.startswith("_") and line.endswith("_ROUTE = Route(")
    ]


def _compile(spec: Path, out: Path, row: Row) -> str:
    for path in sorted(out.rglob("*.py")):
        try:
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
        except SyntaxError as exc:
            return f"{path.relative_to(out)}:{exc.lineno}: {exc.msg}"
    return ""


def _style(spec: Path, out: Path, row: Row) -> str:
    """The pinned black changes nothing: the layout written without it is black's.

    Not asked of the runtime and its tests, the same in every package but for its name: they
    are checked once, in tests/test_layout.py (black on them was most of a small document's
    style stage)."""
    fixed = {f"tests/{module}.py" for module in reserved.RUNTIME_TEST_MODULES}
    for path in sorted(out.rglob("*.py")):
        relative = path.relative_to(out).as_posix()
        if relative in fixed or relative.startswith(f"{PACKAGE}/_runtime/"):
            continue
        difference = black_difference(path.read_text(encoding="utf-8"))
        if difference:
            return f"{path.relative_to(out)}: {difference}"
    return ""


def _run(
    command: list[str], cwd: Path, timeout: int = 900, env: dict[str, str] | None = None
) -> str:
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
        )
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout} s"
    if done.returncode == 0:
        return ""
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return " | ".join(lines[-3:])[:400]


def _import(spec: Path, out: Path, row: Row) -> str:
    return _run([sys.executable, "-c", _IMPORT_ALL.format(p=PACKAGE)], out)


def _mypy(spec: Path, out: Path, row: Row) -> str:
    return _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(out / ".mypy_cache"),
            PACKAGE,
        ],
        out,
    )


def _tests(spec: Path, out: Path, row: Row) -> str:
    """The package's own tests. Not the runtime's, the same in every package but for its name
    (they pass in generated/, and the style stage says why that is enough): they were 2 of a
    small document's 5 seconds here."""
    runtime_tests = [f"--ignore=tests/{module}.py" for module in reserved.RUNTIME_TEST_MODULES]
    return _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not contract"]
        + runtime_tests
        + ["tests"],
        out,
        env={**os.environ, **PLAIN_PYTEST},
    )


_STAGE_RUNNERS = {
    "generate": _generate,
    "compile": _compile,
    "style": _style,
    "import": _import,
    "mypy": _mypy,
    "tests": _tests,
}


def run_corpus(folder: Path, jobs: int = 1) -> list[Row]:
    specs = documents(folder)
    if jobs <= 1:
        return [run_document(spec, folder) for spec in specs]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(run_document, specs, [folder] * len(specs)))


def table(rows: list[Row]) -> str:
    header = (
        f"{'document':60} {'ops':>5} {'models':>6} {'warn':>5} "
        + " ".join(f"{s:>8}" for s in STAGES)
        + f" {'sec':>6}"
    )
    lines = [header]
    for row in rows:
        stages = " ".join(f"{row.stages.get(s, '-'):>8}" for s in STAGES)
        lines.append(
            f"{row.name[:60]:60} {row.operations:>5} {row.models:>6} {row.warnings:>5} {stages} {row.seconds:>6}"
        )
        if row.detail:
            lines.append(f"    {row.detail}")
    return "\n".join(lines)


def summary(rows: list[Row], seconds: float) -> str:
    passed = sum(1 for row in rows if row.ok)
    return f"corpus: {passed} of {len(rows)} documents passed every stage ({len(rows) - passed} failed) in {seconds:.0f} s"


def report(rows: list[Row], seconds: float, path: Path) -> None:
    if path.suffix == ".json":
        path.write_text(
            json.dumps(
                {"summary": summary(rows, seconds), "documents": [asdict(r) for r in rows]},
                indent=2,
            )
            + "\n"
        )
        return
    lines = [
        "| document | ops | models | warnings | " + " | ".join(STAGES) + " | seconds |",
        "| --- | ---: | ---: | ---: | " + " | ".join("---" for _ in STAGES) + " | ---: |",
    ]
    for row in rows:
        stages = " | ".join(row.stages.get(s, "-") for s in STAGES)
        lines.append(
            f"| {row.name} | {row.operations} | {row.models} | {row.warnings} | {stages} | {row.seconds} |"
        )
    path.write_text("\n".join(lines) + f"\n\n{summary(rows, seconds)}\n")
