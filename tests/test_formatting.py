"""What each file is formatted into is remembered by its text (in memory, and in a memo: the
cache folder); with laid_out (the built-in templates' output), black runs only on what
layout.py is unsure of."""

from __future__ import annotations

from pathlib import Path

import black
import pytest

from generator.formatting import formatter as formatting
from generator.memo import pack
from generator.state.cache import Memo

FILES = {f"pkg/m{i}.py": f"x{i} = [ {i},{i}+1 ]\ndef f( a ):\n  return a\n" for i in range(6)} | {
    "README.md": "# x\n"
}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GENERATOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(formatting, "_formatted", {})
    return tmp_path / "cache"


def test_files_are_formatted_and_the_rest_left_alone(cache: Path) -> None:
    out = formatting.format_files(FILES)
    assert out["pkg/m1.py"] == "x1 = [1, 1 + 1]\n\n\ndef f(a):\n    return a\n"
    assert out["README.md"] == "# x\n"


def test_a_second_run_formats_nothing_and_gives_the_same_bytes(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = formatting.format_files(FILES, memo=Memo(), scope="pkg")
    assert len([p for p in cache.rglob("*") if p.is_file()]) == 1  # one entry holds every file
    monkeypatch.setattr(formatting, "_formatted", {})  # a new process: only the disk cache is left

    def refuse(source: str, mode: object) -> str:
        raise AssertionError("black ran although the result was cached")

    monkeypatch.setattr(black, "format_str", refuse)
    assert formatting.format_files(FILES, memo=Memo(), scope="pkg") == first


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENERATOR_CACHE", "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(formatting, "_formatted", {})
    formatting.format_files(FILES, memo=Memo())
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_or_damaged_cache_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("GENERATOR_CACHE", str(blocked))
    monkeypatch.setattr(formatting, "_formatted", {})
    assert formatting.format_files(FILES, memo=Memo())["pkg/m0.py"].startswith("x0 = [0, 0 + 1]")


def test_progress_is_reported_in_order_up_to_every_file(cache: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = formatting.format_files(FILES, lambda stage, done, total: seen.append((done, total)))
    assert list(out) == list(FILES)
    assert seen[-1] == (7, 7) and [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_template_bug_is_a_formatting_error(cache: Path) -> None:
    with pytest.raises(formatting.FormattingError, match="pkg/broken.py"):
        formatting.format_files({"pkg/broken.py": "def f(:\n"})


def test_laid_out_files_skip_black_unless_layout_is_unsure(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unsure = (
        "x = first + make_it(" + ", ".join(f"argument_{i}={i}" for i in range(12)) + ")\n"
    )  # black's call
    files = {
        "pkg/short.py": "x = [1, 2]\n",
        "pkg/long.py": "y = f(" + ", ".join(f"a{i}={i}" for i in range(30)) + ")\n",
        "pkg/unsure.py": unsure,
    }
    formatted: list[str] = []
    real = black.format_str

    def counting(source: str, mode: object) -> str:
        formatted.append(source)
        return real(source, mode=mode)  # type: ignore[arg-type]

    monkeypatch.setattr(black, "format_str", counting)
    out = formatting.format_files(files, laid_out=True)
    assert formatted == [unsure]
    assert out == {path: real(text, mode=formatting.MODE) for path, text in files.items()}


@pytest.mark.parametrize(
    "entry",
    [
        b"not json\nx",
        b'{"k": 1}\nx',
        b'[["k", 2]]\nx',  # the sizes do not add up to the texts
        b'[["k", -1]]\n',
        b'[["k", true]]\nx',
        b'[["k", 1, 2]]\nx',
        b"\xff\xfe\nx",
    ],
)
def test_a_formatting_entry_this_generator_did_not_write_is_ignored(
    cache: Path, entry: bytes
) -> None:
    from generator.state import cache as state

    state.write("formatted", "pkg", entry)
    assert formatting._pack(Memo(), "pkg") == {}


def test_a_formatting_entry_gives_back_every_text_by_its_key(cache: Path) -> None:
    made = {
        "a": "x = 1\n",
        "b": "",
        "c": "s = '\u00e9\ud800'\n",
        "d": "y\n\nz\ud800",  # a lone surrogate at the end of one text and the start of the next
        "e": "\udc00 \u2514 \U0001d518",  # two and four bytes a character, in one text only
    }
    Memo().write("formatted", "pkg", pack(made))
    assert formatting._pack(Memo(), "pkg") == made
