"""Every Python snippet on every page runs, alone, as a reader would paste it.

conftest.py has Sybil run each page's blocks in order with their shown output
checked. These tests add what Sybil cannot see:

* a Python block that Sybil would silently skip (```py, a title, a space
  before the language) fails here instead of passing unnoticed;
* a page with Python code that yields zero Sybil examples fails;
* each block also runs on its own in a fresh namespace, the way a reader
  who copies one snippet into a new interpreter runs it.
"""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

from docs_model import ROOT, CodeBlock, code_blocks, markdown_pages

PAGES = markdown_pages()
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def sybil_example_count(path: Path) -> int:
    sybil = Sybil(parsers=[PythonCodeBlockParser(), SkipParser()])
    return len(list(sybil.parse(path)))


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_python_blocks_use_the_fence_sybil_runs(page: Path) -> None:
    wrong = [
        b.where + f"  (fence info {b.info!r})"
        for b in code_blocks(page)
        if b.is_python_like and b.info.strip() != "python"
    ]
    assert not wrong, (
        "these Python blocks would be skipped silently by the snippet tests; "
        "fence them as exactly ```python:\n" + "\n".join(wrong)
    )


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_python_block_is_collected(page: Path) -> None:
    python_blocks = [b for b in code_blocks(page) if b.info.strip() == "python"]
    if not any(b.is_python_like for b in code_blocks(page)):
        pytest.skip(f"{page_id(page)} has no Python code")
    collected = sybil_example_count(page)
    assert collected > 0, f"{page_id(page)} has Python code but 0 examples ran"
    expected = sum(
        max(1, len(doctest.DocTestParser().get_examples(b.body)))
        if ">>>" in b.body else 1
        for b in python_blocks
    )
    assert collected == expected, (
        f"{page_id(page)}: {expected} examples in its ```python blocks, "
        f"but Sybil collected {collected}"
    )


def standalone_blocks() -> list[CodeBlock]:
    return [
        b for page in PAGES for b in code_blocks(page) if b.info.strip() == "python"
    ]


@pytest.mark.parametrize("block", standalone_blocks(), ids=lambda b: b.where)
def test_block_runs_alone_as_pasted(block: CodeBlock) -> None:
    if ">>>" in block.body:
        test = doctest.DocTestParser().get_doctest(
            block.body, {}, block.where, str(block.path), block.line
        )
        runner = doctest.DocTestRunner(optionflags=FLAGS)
        runner.run(test)
        result = runner.summarize(verbose=False)
        assert result.failed == 0, f"{block.where} fails when run on its own"
    exec(compile(block.as_script(), block.where, "exec"), {})
