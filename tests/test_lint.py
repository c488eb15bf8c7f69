"""The lint and type gate of src/: ruff (lint and format) and mypy, configured in
pyproject.toml. Each is skipped, with the reason, where the tool is not installed
(`pip install -e ".[test]"` installs them, and types-tqdm)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def needs(module: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        importlib.util.find_spec(module) is None, reason=f"{module} is not installed"
    )


@needs("ruff")
def test_ruff_check_src_is_clean() -> None:
    result = run("ruff", "check", "--no-cache", "src")
    assert result.returncode == 0, result.stdout + result.stderr


@needs("ruff")
def test_ruff_format_src_is_clean() -> None:
    result = run("ruff", "format", "--check", "--no-cache", "src")
    assert result.returncode == 0, result.stdout + result.stderr


@needs("mypy")
@pytest.mark.skipif(
    importlib.util.find_spec("tqdm-stubs") is None, reason="types-tqdm is not installed"
)
def test_mypy_src_is_clean() -> None:
    result = run("mypy", "src")
    assert result.returncode == 0, result.stdout + result.stderr
