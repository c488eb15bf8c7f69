"""Collect the lecture snippets: every ```python block of every Markdown page.

Sybil runs the blocks of a page in order, in one namespace per page; ``>>>``
lines are doctests whose shown output must match the real output. The
stricter per-block checks (each block runs alone; no block is silently
skipped) live in tests/test_snippets.py.
"""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

DOCTEST_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE

pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=DOCTEST_FLAGS),
        SkipParser(),
    ],
    path="docs",
    patterns=["*.md"],
).pytest()

# Tutorials are notebooks (jupytext): tests/test_tutorials.py executes them
# with a kernel; importing them as modules for --doctest-modules would not.
collect_ignore_glob = ["docs/tutorials/*.py", "benchmarks/*", "hooks/*"]
