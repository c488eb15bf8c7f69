"""The lint and type gate, configured in pyproject.toml and run by the tests.

- ruff: lint of ``src/``, ``hooks/`` and ``benchmarks/``; formatting of ``src/`` and
  ``hooks/`` (the tests keep their own layout);
- mypy (strict, ``files = ["src", "hooks"]``): the public API leaks no ``Any``.

The tools come with ``pip install -e ".[test]"``; a missing one fails here with
that command rather than skipping, so the gate cannot quietly switch off.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALL = 'pip install -e ".[test]"'


def run(*command: str) -> subprocess.CompletedProcess[str]:
    tool = command[0]
    if importlib.util.find_spec(tool) is None:
        pytest.fail(f"{tool} is not installed: {INSTALL}", pytrace=False)
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=900
    )


def test_ruff_check_is_clean() -> None:
    result = run("ruff", "check", "--no-cache", "src", "hooks", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = run("ruff", "format", "--check", "--no-cache", "src", "hooks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    for stubs in ("tqdm-stubs", "yaml-stubs", "markdown-stubs"):
        if importlib.util.find_spec(stubs) is None:
            pytest.fail(f"{stubs} (types-*) is not installed: {INSTALL}", pytrace=False)
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
