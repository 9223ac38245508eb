"""The stages' imports: each stage imports only the stages before it, and the pipeline
(generator.build) imports no state, output or process module, so it is a pure function of its
inputs. Read from the source with ast, so that a new import that breaks the rule fails here."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

GENERATOR = ROOT / "generator"
BASE = {"generator", "generator.diagnostics", "generator.memo"}
# What each part of the generator may import, besides BASE and its own folder.
ALLOWED = {
    "ingest": set(),
    "model": {"ingest", "target"},
    "render": {"ingest", "model", "target"},
    "formatting": set(),
    "generation": {"model"},  # the type of the API it holds
    "build": {"ingest", "model", "render", "formatting", "target", "generation"},
    "output": {"ingest", "model", "render", "formatting", "target"},
    "state": {"ingest", "model", "render", "formatting", "target", "output"},
    "target": {"model"},
    "config": {"target", "model"},
    "generate": {
        "build",
        "generation",
        "ingest",
        "model",
        "render",
        "formatting",
        "target",
        "output",
        "state",
    },
}
PROCESS_MODULES = {"subprocess", "multiprocessing", "concurrent", "threading", "signal"}
PROCESS_CALLS = {"fork", "forkpty", "system", "popen", "spawnv", "execv", "posix_spawn"}  # of os


def _modules() -> dict[str, Path]:
    found = {}
    for path in GENERATOR.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "generator"


def test_each_stage_imports_only_the_stages_before_it() -> None:
    modules = _modules()
    wrong = []
    for module, path in sorted(modules.items()):
        part = _part(module)
        if part not in ALLOWED:
            continue  # commands (cli, corpus, __main__) may use everything
        allowed = {f"generator.{p}" for p in ALLOWED[part] | {part}}
        for imported in sorted(_imports(path)):
            if (
                imported in modules
                and imported not in BASE
                and not any(imported == a or imported.startswith(a + ".") for a in allowed)
            ):
                wrong.append(f"{module} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_the_pipeline_imports_no_state_output_or_process_module() -> None:
    modules = _modules()
    seen, todo = set(), ["generator.build"]
    outside: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for imported in _imports(modules[module]):
            if imported in modules:
                todo.append(imported)
            elif not imported.startswith("generator"):
                outside.add(imported)
    forbidden = [m for m in seen if _part(m) in ("state", "output", "generate", "cli")]
    assert not forbidden, forbidden
    assert not {m for m in outside if m.split(".")[0] in PROCESS_MODULES}
    calls = [
        f"{module}: os.{node.attr}"
        for module in seen
        for node in ast.walk(ast.parse(modules[module].read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr in PROCESS_CALLS
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    ]
    assert not calls, calls
