"""Collect the lecture snippets: every ```python block of every Markdown page.

Sybil runs the blocks of a page in order, in one namespace per page; ``>>>``
lines are doctests whose shown output must match the real output. The
stricter per-block checks (each block runs alone; no block is silently
skipped) live in tests/test_snippets.py.
"""

import importlib.util
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

DOCTEST_FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE

# Nothing in the tests may reach the network: the guard that offline builds
# and notebook kernels load through PYTHONPATH is active in this process too.
_guard = Path(__file__).parent / "tests" / "offline" / "sitecustomize.py"
_spec = importlib.util.spec_from_file_location("torchbasics_offline_guard", _guard)
_spec.loader.exec_module(importlib.util.module_from_spec(_spec))

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
