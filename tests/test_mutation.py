"""The mutation tool (tests/mutation) makes the mutants it says, and a suite that checks a rule kills them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.mutation.mutator import mutants, mutated_code
from tests.mutation.runner import Suite, run

RULES = textwrap.dedent('''
    """Rules."""

    LIMIT = 18


    def is_adult(age: int) -> bool:
        """Docstrings are never mutated."""
        return age >= LIMIT


    def shout(text: str) -> str:
        return text.upper()
    ''')


def test_each_mutant_changes_one_thing_and_says_which() -> None:
    found = {mutant.key: mutant for mutant in mutants(RULES, "rules.py")}
    assert sorted(found) == [
        "rules.py:<module>:constant:18 -> 19#0",
        "rules.py:is_adult:compare:age >= LIMIT -> age < LIMIT#0",
        "rules.py:is_adult:return-none:return age >= LIMIT -> return None#0",
        "rules.py:shout:return-none:return text.upper() -> return None#0",
    ]
    flipped = found["rules.py:is_adult:compare:age >= LIMIT -> age < LIMIT#0"]
    assert flipped.function == "is_adult" and flipped.lines == (9, 9)
    namespace: dict[str, object] = {}
    exec(mutated_code(RULES, "rules.py", flipped), namespace)  # noqa: S102 - our own text
    is_adult = namespace["is_adult"]
    assert callable(is_adult) and is_adult(18) is False and is_adult(17) is True


def _outcomes(root: Path, module: str, source: str, test: str) -> dict[str, str]:
    """Each mutant's outcome for package demo, of one module, with one test module."""
    package = root / "demo"
    package.mkdir()
    (package / "__init__.py").write_text("", "utf-8")
    (package / f"{module}.py").write_text(source, "utf-8")
    tests = root / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text(
        "import sys\nfrom pathlib import Path\nsys.path.insert(0, str(Path(__file__).parent.parent))\n",
        "utf-8",
    )
    (tests / f"test_{module}.py").write_text(test, "utf-8")
    suite = Suite(root=root, package="demo", modules=[Path(f"demo/{module}.py")])
    return {outcome.mutant.key: outcome.status for outcome in run(suite, jobs=1)}


def test_a_suite_that_checks_the_rule_kills_its_mutants(tmp_path: Path) -> None:
    test = (
        "from demo.rules import is_adult\n\n\n"
        "def test_adults_are_18_or_more() -> None:\n"
        "    assert is_adult(18) is True and is_adult(17) is False\n"
    )
    assert _outcomes(tmp_path, "rules", RULES, test) == {
        # at import time: a fresh pytest with the mutated module
        "rules.py:<module>:constant:18 -> 19#0": "killed",
        # inside a function: the collected session, the function given the mutated code
        "rules.py:is_adult:compare:age >= LIMIT -> age < LIMIT#0": "killed",
        "rules.py:is_adult:return-none:return age >= LIMIT -> return None#0": "killed",
        # no test calls shout(): no run can kill it
        "rules.py:shout:return-none:return text.upper() -> return None#0": "uncovered",
    }


def test_a_function_a_class_body_calls_at_import_is_mutated_before_the_import(
    tmp_path: Path,
) -> None:
    """Giving such a function new code after the import would leave what it made as it was
    (the views' raw_view once survived its `return None` so)."""
    source = textwrap.dedent("""
        def doubled(value: int) -> int:
            return value * 2


        class View:
            size = doubled(21)
        """)
    test = (
        "from demo.views import View\n\n\n"
        "def test_the_size_is_made_at_import() -> None:\n"
        "    assert View.size == 42\n"
    )
    assert _outcomes(tmp_path, "views", source, test) == {
        "views.py:doubled:return-none:return value * 2 -> return None#0": "killed",
        "views.py:doubled:arithmetic:value * 2 -> value / 2#0": "killed",
        "views.py:doubled:constant:2 -> 3#0": "killed",
        "views.py:View:constant:21 -> 22#0": "killed",
    }
