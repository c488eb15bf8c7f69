"""Korean and English editions show the same code, in the same order.

Only prose is translated. For each page and tutorial in the default language
there must be an English twin whose code blocks (Markdown) or code cells
(tutorials) are identical; a failure names the page and the first difference.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from docs_model import (
    LANGS,
    ROOT,
    code_blocks,
    default_language_sources,
    language_of,
    markdown_pages,
    notebook_code_cells,
    tutorials,
    twin,
)

SOURCES = default_language_sources()


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def code_of(path: Path) -> list[str]:
    if path.suffix == ".py":
        return notebook_code_cells(path)
    return [f"```{b.info}\n{b.body}" for b in code_blocks(path)]


def first_difference(a: list[str], b: list[str]) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            diff = difflib.unified_diff(
                x.splitlines(), y.splitlines(), lineterm="", n=1
            )
            return f"block {i + 1} differs:\n" + "\n".join(list(diff)[2:12])
    return f"block counts differ: {len(a)} vs {len(b)}"


def test_there_is_something_to_compare() -> None:
    assert tutorials() and markdown_pages()


@pytest.mark.parametrize("source", SOURCES, ids=rel)
@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "ko"])
def test_translation_exists(source: Path, lang: str) -> None:
    assert twin(source, lang).is_file(), f"{rel(source)} has no {lang} twin"


@pytest.mark.parametrize(
    "path", [*markdown_pages(), *tutorials()], ids=rel
)
def test_every_translation_has_an_original(path: Path) -> None:
    if language_of(path) != "ko":
        assert twin(path, "ko").is_file(), f"{rel(path)} has no Korean original"


@pytest.mark.parametrize("source", SOURCES, ids=rel)
def test_code_is_identical_in_every_language(source: Path) -> None:
    original = code_of(source)
    for lang in LANGS[1:]:
        other = twin(source, lang)
        if not other.is_file():
            continue  # reported by test_translation_exists
        translated = code_of(other)
        assert original == translated, (
            f"{rel(source)} vs {rel(other)}: "
            + first_difference(original, translated)
        )
