"""Korean and English editions show the same code, in the same order.

Only prose is translated. For each page of the nav (mkdocs.yml, read by
``coursebuild.nav``) the code blocks (Markdown) or code cells (tutorials) of
every language's edition must be identical to the default language's; a
failure names the page and the first difference. That each twin exists, and
that no page is left out of the nav, is tests/test_nav.py's job.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from coursebuild.nav import Page

from docs_model import (
    DEFAULT_LANG,
    DOCS,
    LANGS,
    ROOT,
    code_blocks,
    notebook_code_cells,
    pages,
)


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
    assert pages("lecture") and pages("tutorial")


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.source)
def test_code_is_identical_in_every_language(page: Page) -> None:
    source = DOCS / page.source_of(DEFAULT_LANG)
    original = code_of(source)
    for lang in LANGS[1:]:
        other = DOCS / page.source_of(lang)
        if not other.is_file():
            continue  # reported by tests/test_nav.py
        translated = code_of(other)
        assert original == translated, (
            f"{rel(source)} vs {rel(other)}: "
            + first_difference(original, translated)
        )
