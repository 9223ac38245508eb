"""Run a package's own tests against each mutant of its modules, and count the mutants they kill.

Which tests reach which lines is found once, by a traced run of the unmutated suite; each mutant
then runs only the tests that reach its lines, stopping at the first failure, and one that no
test reaches survives without a run. A run that fails, errors or outlasts its time kills it.

Nothing is written to the package's folder, so mutants run side by side (``jobs``):

- A change inside a function body runs in a process forked from one pytest session that has
  collected the suite and imported the package once: the child gives the function the mutated
  code (``function.__code__``), runs the tests and exits. This is the fast path (most mutants).
- A change that runs at import time (a constant, a route, a default argument, or a function
  that a module or class body calls, such as ``raw_view``) runs in a fresh ``pytest`` forked
  from this process, which serves the mutated module through an import hook: giving such a
  function new code after the import would leave what it made unchanged.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.machinery
import inspect
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, FrameType, FunctionType, ModuleType
from typing import Any

import pytest

from tests.mutation.mutator import Mutant, mutants, mutated_code

_PYTEST_INI = "[pytest]\nfilterwarnings = error\n"
_EXIT_NO_TESTS = 5


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed, timeout, survived, uncovered
    seconds: float = 0.0
    tests: int = 0  # the tests that reached it


@dataclass
class Suite:
    """A package's folder (holding the package and its tests), and what to mutate."""

    root: Path  # the folder the package and ``tests`` sit in
    package: str
    modules: list[Path]  # below root
    pytest_args: list[str] = field(default_factory=list)  # e.g. ["-m", "not contract"]
    # Modules no other module takes names from (a generated resource: the client imports its
    # class when first asked): a change at import time can run their body again in place.
    leaves: tuple[str, ...] = ()  # path prefixes below root

    def module_name(self, path: Path) -> str:
        return ".".join(path.with_suffix("").parts)


def all_mutants(suite: Suite) -> list[Mutant]:
    found = []
    for path in suite.modules:
        source = (suite.root / path).read_text(encoding="utf-8")
        key_path = str(path.relative_to(suite.package))
        found.extend(mutants(source, key_path))
    return found


def run(
    suite: Suite,
    selected: Callable[[Mutant], bool] = lambda mutant: True,
    jobs: int = 2,
    timeout: float = 60.0,
    progress: Callable[[Outcome, int, int], None] | None = None,
) -> list[Outcome]:
    """The outcome of every mutant ``selected`` keeps."""
    with tempfile.TemporaryDirectory(prefix="mutation-") as work:
        ini = Path(work) / "pytest.ini"
        ini.write_text(_PYTEST_INI, encoding="utf-8")
        base_args = ["-c", str(ini), "--rootdir", str(suite.root), "-p", "no:cacheprovider"]
        base_args += ["-q", "-p", "no:xdist", *suite.pytest_args]
        reached = _trace(suite, base_args, Path(work) / "lines.json")
        chosen = [mutant for mutant in all_mutants(suite) if selected(mutant)]
        return _run_all(suite, chosen, reached, base_args, jobs, timeout, progress)


# -- which tests reach which lines -----------------------------------------------------------------


@dataclass
class _Reached:
    by_line: dict[tuple[str, int], set[str]]  # (module path, line) -> test ids
    at_import: set[tuple[str, int]]
    every_test: list[str]

    def ran_at_import(self, mutant: Mutant, module: str) -> bool:
        first, last = mutant.lines
        return any((module, line) in self.at_import for line in range(first, last + 1))

    def tests_for(self, mutant: Mutant, module: str) -> list[str]:
        first, last = mutant.lines
        lines = [(module, line) for line in range(first, last + 1)]
        # A change outside any function runs at import, even where the trace saw no line of
        # it: an item of a constant tuple spread over lines is loaded on the tuple's first line.
        if not mutant.function or self.ran_at_import(mutant, module):
            return self.every_test
        found = set().union(*(self.by_line.get(line, set()) for line in lines))
        return [test for test in self.every_test if test in found]


class _LineTracer:
    """A pytest plugin recording, for each test, the lines of the mutated modules it runs."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files  # absolute file name -> module path below the package folder
        self.current = ""
        self.lines: dict[str, set[tuple[str, int]]] = {"": set()}
        self.order: list[str] = []

    def trace(self, frame: FrameType, event: str, arg: object) -> Any:
        module = self.files.get(frame.f_code.co_filename)
        if module is None:
            return None
        # A module or class body runs once, at import, whichever test imports it first: what
        # it makes (routes, constants, defaults) counts for every test.
        at_import = not frame.f_code.co_flags & inspect.CO_OPTIMIZED
        recorded = self.lines.setdefault("" if at_import else self.current, set())
        recorded.add((module, frame.f_lineno))

        def line(frame: FrameType, event: str, arg: object) -> Any:
            recorded.add((module, frame.f_lineno))
            return line

        return line

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterable[None]:
        self.current = item.nodeid
        self.order.append(item.nodeid)
        yield
        self.current = ""


def _trace(suite: Suite, base_args: list[str], out: Path) -> _Reached:
    files = {str((suite.root / path).resolve()): str(path) for path in suite.modules}

    def child() -> int:
        tracer = _LineTracer(files)
        sys.settrace(tracer.trace)
        code = pytest.main([*base_args, "tests"], plugins=[tracer])
        sys.settrace(None)
        lines = {test: sorted(found) for test, found in tracer.lines.items()}
        out.write_text(json.dumps({"order": tracer.order, "lines": lines}), encoding="utf-8")
        return int(code)

    code, _ = _in_child(suite.root, child)
    if code != 0:
        raise RuntimeError(f"the unmutated suite does not pass (pytest exit code {code})")
    data = json.loads(out.read_text(encoding="utf-8"))
    by_line: dict[tuple[str, int], set[str]] = {}
    for test, lines in data["lines"].items():
        for module, line in lines:
            by_line.setdefault((module, line), set()).add(test)
    at_import = {(module, line) for module, line in data["lines"][""]}
    return _Reached(by_line, at_import, data["order"])


# -- running the mutants ---------------------------------------------------------------------------


def _run_all(
    suite: Suite,
    chosen: list[Mutant],
    reached: _Reached,
    base_args: list[str],
    jobs: int,
    timeout: float,
    progress: Callable[[Outcome, int, int], None] | None,
) -> list[Outcome]:
    plans = [_Plan.make(suite, mutant, reached) for mutant in chosen]
    outcomes: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome, len(outcomes), len(chosen))

    for plan in plans:
        if not plan.tests:
            done(Outcome(plan.mutant, "uncovered"))
    in_session = [plan for plan in plans if plan.tests and plan.mode != "fresh"]
    fresh = [plan for plan in plans if plan.tests and plan.mode == "fresh"]
    _run_in_session(suite, in_session, base_args, jobs, timeout, done)
    starts = [(plan, functools.partial(_fresh_child, suite, plan, base_args)) for plan in fresh]
    _run_forked(suite.root, starts, jobs, timeout, done)
    order = {mutant.key: index for index, mutant in enumerate(chosen)}
    return sorted(outcomes, key=lambda outcome: order[outcome.mutant.key])


@dataclass
class _Plan:
    """A mutant, its code, the tests that reach it, and whether a function can take its code."""

    mutant: Mutant
    module: str  # the module's import name
    code: CodeType  # the whole mutated module's
    tests: list[str]
    mode: str  # function: the function takes its code; module: the body runs again; fresh

    @classmethod
    def make(cls, suite: Suite, mutant: Mutant, reached: _Reached) -> _Plan:
        path = next(p for p in suite.modules if str(p.relative_to(suite.package)) == mutant.path)
        source = (suite.root / path).read_text(encoding="utf-8")
        filename = str((suite.root / path).resolve())
        code = mutated_code(source, filename, mutant)
        assert isinstance(code, CodeType)
        if mutant.function and not reached.ran_at_import(mutant, str(path)):
            original = compile(source, filename, "exec")
            patchable = _same_closure(original, code, mutant.function)
            mode = "function" if patchable else "fresh"
        else:
            mode = "module" if str(path).startswith(suite.leaves) else "fresh"
        tests = reached.tests_for(mutant, str(path))
        return cls(mutant, suite.module_name(path), code, tests, mode)


def _function_code(module_code: CodeType, qualname: str) -> CodeType | None:
    for const in module_code.co_consts:
        if isinstance(const, CodeType):
            if const.co_qualname == qualname:
                return const
            found = _function_code(const, qualname)
            if found is not None:
                return found
    return None


def _same_closure(original: CodeType, mutated: CodeType, qualname: str) -> bool:
    # __code__ takes a code object only with the same free variables.
    before, after = _function_code(original, qualname), _function_code(mutated, qualname)
    return before is not None and after is not None and before.co_freevars == after.co_freevars


def _function_object(module: ModuleType, qualname: str) -> FunctionType | None:
    """The function object named ``qualname`` in ``module`` (unwrapping methods' wrappers)."""
    found: object = module
    for part in qualname.split("."):
        found = vars(found).get(part) if hasattr(found, "__dict__") else None
        found = _unwrapped(found, qualname) if part == qualname.split(".")[-1] else found
    return found if isinstance(found, FunctionType) else None


def _unwrapped(found: object, qualname: str) -> object:
    for _ in range(5):
        if isinstance(found, FunctionType) and found.__code__.co_qualname == qualname:
            return found
        for attribute in ("__func__", "fget", "func", "__wrapped__"):
            if hasattr(found, attribute):
                found = getattr(found, attribute)
                break
        else:
            return None
    return None


def _patch_function(module: ModuleType, plan: _Plan) -> bool:
    function = _function_object(module, plan.mutant.function)
    code = _function_code(plan.code, plan.mutant.function)
    if function is None or code is None:
        return False
    function.__code__ = code
    return True


# -- the fast path: one collected session, a fork per mutant ---------------------------------------


class _Session:
    """A pytest plugin that, once the suite is collected, runs the mutants instead of the tests."""

    def __init__(self, plans: list[_Plan], jobs: int, timeout: float, results: Path) -> None:
        self.plans, self.jobs, self.timeout, self.results = plans, jobs, timeout, results
        self.failed = False

    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        items = {item.nodeid: item for item in session.items}
        for module in {plan.module for plan in self.plans}:  # once, before the forks
            importlib.import_module(module)
        with self.results.open("a", encoding="utf-8") as out:

            def done(outcome: Outcome) -> None:
                out.write(json.dumps([outcome.mutant.key, outcome.status, outcome.seconds]) + "\n")
                out.flush()

            starts = [(plan, functools.partial(self._child, plan, items)) for plan in self.plans]
            _run_forked(Path.cwd(), starts, self.jobs, self.timeout, done)
        return True

    def _child(self, plan: _Plan, items: dict[str, pytest.Item]) -> int:
        module = importlib.import_module(plan.module)
        if plan.mode == "module":
            exec(plan.code, vars(module))  # noqa: S102 - the package's own code, mutated
        elif not _patch_function(module, plan):
            return 3  # not found: cannot be run here (reported as an error, never a kill)
        chosen = [items[test] for test in plan.tests if test in items]
        for index, item in enumerate(chosen):
            following = chosen[index + 1] if index + 1 < len(chosen) else None
            item.ihook.pytest_runtest_protocol(item=item, nextitem=following)
            if self.failed:
                return 1
        return 0

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed = True


def _run_in_session(
    suite: Suite,
    plans: list[_Plan],
    base_args: list[str],
    jobs: int,
    timeout: float,
    done: Callable[[Outcome], None],
) -> None:
    if not plans:
        return
    results = Path(base_args[1]).with_name("session.jsonl")
    by_key = {plan.mutant.key: plan for plan in plans}

    def server() -> int:
        plugin = _Session(plans, jobs, timeout, results)
        return int(pytest.main([*base_args, "tests"], plugins=[plugin]))

    pid = _fork(suite.root, server)
    read = 0
    while True:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        lines = results.read_text(encoding="utf-8").splitlines() if results.exists() else []
        for line in lines[read:]:
            key, status, seconds = json.loads(line)
            plan = by_key[key]
            done(Outcome(plan.mutant, _status(status), seconds, len(plan.tests)))
        read = len(lines)
        if finished:
            return
        time.sleep(0.2)


def _status(code: object) -> str:
    return code if isinstance(code, str) else "killed"


# -- the slow path: a fresh pytest per mutant ------------------------------------------------------


class _MutantFinder(importlib.abc.MetaPathFinder):
    """Serves one module's mutated code; every other import goes on as usual."""

    def __init__(self, name: str, code: CodeType) -> None:
        self.name, self.code = name, code

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: object = None) -> Any:
        if fullname != self.name:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None:
            return None
        spec.loader = _MutantLoader(fullname, spec.origin, self.code)
        return spec


class _MutantLoader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, code: CodeType) -> None:
        super().__init__(fullname, path)
        self.code = code

    def get_code(self, fullname: str) -> CodeType:  # type: ignore[override]
        return self.code


def _fresh_child(suite: Suite, plan: _Plan, base_args: list[str]) -> int:
    sys.meta_path.insert(0, _MutantFinder(plan.module, plan.code))
    return int(pytest.main([*base_args, *plan.tests, "-x"]))


# -- processes -------------------------------------------------------------------------------------


def _run_forked(
    root: Path,
    starts: list[tuple[_Plan, Callable[[], int]]],
    jobs: int,
    timeout: float,
    done: Callable[[Outcome], None],
) -> None:
    """Run each start in a forked child, ``jobs`` at a time; exit code 0 (or 5, no test) survives."""
    running: dict[int, tuple[_Plan, float]] = {}
    queue = list(starts)
    while queue or running:
        while queue and len(running) < jobs:
            plan, start = queue.pop(0)
            running[_fork(root, start)] = (plan, time.monotonic())
        done(_wait_one(running, timeout))


def _wait_one(running: dict[int, tuple[_Plan, float]], timeout: float) -> Outcome:
    while True:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid in running:
            plan, started = running.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            state = {0: "survived", _EXIT_NO_TESTS: "survived", 3: "error"}.get(code, "killed")
            return Outcome(plan.mutant, state, time.monotonic() - started, len(plan.tests))
        for pid, (plan, started) in list(running.items()):
            if time.monotonic() - started > timeout:  # a loop the change made endless
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                del running[pid]
                return Outcome(plan.mutant, "timeout", timeout, len(plan.tests))
        time.sleep(0.005)


def _fork(root: Path, child: Callable[[], int]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        os.chdir(root)
        sys.dont_write_bytecode = True  # the package folder stays as it is
        if not os.environ.get("MUTATION_DEBUG"):  # the tests' output, unless asked for
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
        code = child()
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def _in_child(root: Path, child: Callable[[], int]) -> tuple[int, float]:
    started = time.monotonic()
    pid = _fork(root, child)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), time.monotonic() - started
