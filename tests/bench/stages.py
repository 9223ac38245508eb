"""Where our generator spends its time (a cProfile run, summed by stage) and what it produces.

    .venv/bin/python -m tests.bench.stages PROFILE [OUTPUT_DIR]

prints the stage table and the top functions of a profile written by
`python -m cProfile -o PROFILE -m generator generate SPEC -o OUTPUT_DIR`, and the output's size.
"""

from __future__ import annotations

import pstats
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .common import ROOT

# (stage, file of the function, function); a stage whose function is gone is reported as such.
STAGES = (
    ("load YAML", "generator/loader.py", "load_file"),
    ("$ref bundling", "generator/refs.py", "bundle_refs"),
    ("validation (all checks)", "generator/validate.py", "validate"),
    (
        "  of which openapi-spec-validator's Swagger 2.0 schema (jsonschema)",
        "generator/validate.py",
        "_schema_check",
    ),
    ("to_plain (effective document)", "generator/document.py", "to_plain"),
    ("normalize", "generator/model/normalize.py", "normalize"),
    ("render (Jinja)", "generator/render.py", "render"),
    ("  of which the generated tests", "generator/render.py", "_render_tests"),
    ("black formatting", "generator/formatting.py", "format_files"),
    ("writing", "generator/write.py", "write_tree"),
)
_WRAPPERS = (
    "<frozen runpy>",
    "<string>",
    "<built-in method builtins.exec>",
    "generator/__main__.py",
)


def stage_table(profile: Path) -> str:
    stats = pstats.Stats(str(profile))
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(value[3] for value in entries.values())  # the outermost frame: the whole run
    main = _cumulative(entries, "generator/cli.py", "main")
    lines = [f"{'stage':<68} {'cumulative s':>12} {'share':>7}"]
    for label, file, function in STAGES:
        seconds = _cumulative(entries, file, function)
        shown = (
            f"{seconds:12.2f} {seconds / total:7.1%}"
            if seconds is not None
            else f"{'(not found)':>12}"
        )
        lines.append(f"{label:<68} {shown}")
    if main is not None:
        lines.append(
            f"{'interpreter start-up and imports before cli.main':<68} {total - main:12.2f} "
            f"{(total - main) / total:7.1%}"
        )
    lines.append(f"{'whole process (under cProfile)':<68} {total:12.2f}")
    return "\n".join(lines)


def _cumulative(
    entries: dict[tuple[str, int, str], tuple[int, int, float, float, object]],
    file: str,
    function: str,
) -> float | None:
    found = [
        value[3]
        for (path, _, name), value in entries.items()
        if path.endswith(file) and name == function
    ]
    return max(found) if found else None


def top_functions(profile: Path, count: int = 15) -> str:
    stats = pstats.Stats(str(profile))
    entries = stats.stats  # type: ignore[attr-defined]
    ranked = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)
    lines = [f"{'cumulative s':>12} {'own s':>9} {'calls':>10}  function"]
    for (path, line, name), (_, calls, own, cumulative, _) in ranked:
        where = _short(path, line, name)
        if any(wrapper in where for wrapper in _WRAPPERS):
            continue
        lines.append(f"{cumulative:12.2f} {own:9.2f} {calls:10d}  {where}")
        if len(lines) > count:
            break
    return "\n".join(lines)


def _short(path: str, line: int, name: str) -> str:
    if path == "~":
        return name
    path = path.replace(str(ROOT) + "/", "")
    path = re.sub(r".*/site-packages/", "", path)
    path = re.sub(r".*/lib/python3\.\d+/", "", path)
    return f"{path}:{line}({name})"


@dataclass(frozen=True)
class Size:
    files: int
    megabytes: float
    python_files: int
    python_lines: int
    test_functions: int

    def __str__(self) -> str:
        return (
            f"{self.files} files, {self.megabytes:.1f} MB, {self.python_files} .py files, "
            f"{self.python_lines:,} lines of Python, {self.test_functions:,} test functions"
        )


def output_size(folder: Path) -> Size:
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    python = [p for p in files if p.suffix == ".py"]
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in python}
    tests = sum(
        len(re.findall(r"^\s*(?:async )?def test_", text, re.M))
        for p, text in texts.items()
        if p.name.startswith("test")
    )
    return Size(
        len(files),
        sum(p.stat().st_size for p in files) / 1e6,
        len(python),
        sum(text.count("\n") for text in texts.values()),
        tests,
    )


def collected_tests(folder: Path) -> str:
    """What pytest collects from our generated tests (the count line), run with our venv."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    lines = [
        line for line in run.stdout.splitlines() if "collected" in line or "error" in line.lower()
    ]
    return lines[-1] if lines else f"pytest exited with {run.returncode}"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    print(stage_table(Path(argv[0])))
    print()
    print(top_functions(Path(argv[0])))
    if len(argv) > 1:
        print()
        print(f"output: {output_size(Path(argv[1]))}; pytest: {collected_tests(Path(argv[1]))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
