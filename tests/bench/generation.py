"""Generation benchmarks: cold generation, warm regeneration, check, and peak memory.

Every generation is a fresh process measured by `run_measured`. Both tools read the same copy of
each document, `.bench-work/run/DOC.yaml`: the warm benchmark edits that copy in place (and puts
the original back), so our output always names the same source path.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .common import (
    BENCH,
    WORK,
    BenchError,
    Sample,
    clean_environment,
    our_python,
    run_measured,
    say,
)
from .edits import Edit, check_edit, find_edit
from .peers import openapi_generator, spec_path

TOOLS = ("ours", "theirs")
CHECK_NOTE = "check = `python -m generator check --config FILE` on an up-to-date output (a one-target configuration)"


def generate_command(tool: str, spec: Path, out: Path) -> list[str]:
    if tool == "ours":
        return [our_python(), "-m", "generator", "generate", str(spec), "-o", str(out)]
    return [str(openapi_generator()), "generate", "-g", "python", "-i", str(spec), "-o", str(out)]


def check_command(spec: Path, out: Path) -> list[str]:
    """What the check benchmark runs on an output folder that is up to date: a configuration naming it."""
    config = out.parent / f"{out.name}.check.toml"
    config.write_text(
        f"[[targets]]\nspec = {str(spec)!r}\noutput = {str(out)!r}\n", encoding="utf-8"
    )
    return [our_python(), "-m", "generator", "check", "--config", str(config)]


def run_spec(document: str) -> Path:
    """The copy both tools read, reset to the original document."""
    path = WORK / "run" / f"{document}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    original = (
        BENCH / "callbench.yaml" if document == "callbench" else spec_path(document)
    ).read_bytes()
    if not path.is_file() or path.read_bytes() != original:
        path.write_bytes(original)
    return path


def output_dir(tool: str, document: str) -> Path:
    """Where the last generation of a tool is kept for the warm, import and call benchmarks."""
    return WORK / "out" / f"{tool}-{document}"


@dataclass
class Session:
    """What the benchmarks of one run share: cold samples, and which outputs are current."""

    repeat: int
    cold: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)
    warm: dict[str, list[Sample]] = field(default_factory=dict)
    check: dict[str, list[Sample]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    _fresh: set[tuple[str, str]] = field(default_factory=set)

    def cold_samples(self, tool: str, document: str) -> list[Sample]:
        """`repeat` generations into fresh folders, kept for the rest of the run."""
        key = (tool, document)
        if key not in self.cold:
            samples = []
            spec = run_spec(document)
            for attempt in range(self.repeat):
                scratch = _scratch(f"{tool}-{document}-{attempt}")
                say(f"cold  {tool:6} {document} run {attempt + 1}/{self.repeat} ...")
                shutil.rmtree(
                    cache_dir(document), ignore_errors=True
                )  # cold: nothing formatted before
                samples.append(
                    _run(
                        generate_command(tool, spec, scratch / "out"), scratch / "log.txt", document
                    )
                )
                _keep(scratch / "out", output_dir(tool, document))
                shutil.rmtree(scratch)
            self.cold[key] = samples
            self._fresh.add(key)
        return self.cold[key]

    def output(self, tool: str, document: str) -> Path:
        """A generation of the current tools (made now, untimed, when none was made in this run)."""
        key = (tool, document)
        if key not in self._fresh:
            say(f"prepare {tool} {document} (untimed) ...")
            scratch = _scratch(f"{tool}-{document}-prepare")
            _run(
                generate_command(tool, run_spec(document), scratch / "out"),
                scratch / "log.txt",
                document,
            )
            _keep(scratch / "out", output_dir(tool, document))
            shutil.rmtree(scratch)
            self._fresh.add(key)
        return output_dir(tool, document)

    def warm_and_check(self, document: str) -> None:
        """Per repetition: change one operation, regenerate (warm), regenerate unchanged (check)."""
        if document in self.warm:
            return
        out = self.output("ours", document)
        spec = run_spec(document)
        original = spec.read_text(encoding="utf-8")
        edit = find_edit(original)
        check_edit(original, edit.apply(original, 0), edit)
        warm, check, changed = [], [], []
        log = WORK / "run" / f"{document}-log.txt"
        try:
            for attempt in range(self.repeat):
                spec.write_text(edit.apply(original, attempt + 1), encoding="utf-8")
                say(f"warm  ours   {document} run {attempt + 1}/{self.repeat} ...")
                warm.append(_run(generate_command("ours", spec, out), log, document))
                changed.append(_changed(log))
                say(f"check ours   {document} run {attempt + 1}/{self.repeat} ...")
                check.append(_run(check_command(spec, out), log, document))
        finally:
            spec.write_text(original, encoding="utf-8")
        self.warm[document], self.check[document] = warm, check
        self.notes[f"warm {document}"] = _describe(edit, changed)


def _describe(edit: Edit, changed: list[str]) -> str:
    return f"edit: the {edit.key} of {edit.operation}; files rewritten: {', '.join(changed)}"


def _changed(log: Path) -> str:
    found = re.search(r"(\d+) file\(s\) changed", log.read_text(errors="replace"))
    return found.group(1) if found else "?"


def _scratch(name: str) -> Path:
    scratch = WORK / "tmp" / name
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    return scratch


def _keep(generated: Path, destination: Path) -> None:
    if destination.exists():
        shutil.rmtree(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    generated.rename(destination)


def cache_dir(document: str) -> Path:
    """Our formatting cache for one document: emptied before each cold run, kept for warm runs and check."""
    return WORK / "cache" / document


def _run(argv: list[str], log: Path, document: str) -> Sample:
    env = {**clean_environment(), "GENERATOR_CACHE": str(cache_dir(document))}
    try:
        return run_measured(argv, log=log, env=env)
    except BenchError as exc:
        text = log.read_text(errors="replace") if log.is_file() else ""
        tail = "\n".join(text.splitlines()[-40:])
        raise BenchError(f"{exc}\n--- last lines of its output ---\n{tail}") from exc
