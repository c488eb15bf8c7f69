"""The lint and type gate, configured in pyproject.toml and run by the tests.

- ruff: lint of ``src/``, ``hooks/`` and ``benchmarks/``; formatting of ``src/`` and
  ``hooks/`` (the tests keep their own layout);
- mypy (strict, ``files = ["src", "hooks"]``): the public API leaks no ``Any``;
- actionlint (with shellcheck for the ``run:`` scripts): the GitHub workflows
  under ``.github/workflows/``, every finding fails.

The tools come with ``pip install -e ".[test]"``; a missing one fails here with
that command rather than skipping, so the gate cannot quietly switch off.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
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
    for stubs in ("tqdm-stubs", "yaml-stubs"):
        if importlib.util.find_spec(stubs) is None:
            pytest.fail(f"{stubs} (types-*) is not installed: {INSTALL}", pytrace=False)
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def executable(name: str) -> str:
    """A command the test extra installs next to this Python (console scripts)."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which(name, path=path)
    if found is None:
        pytest.fail(f"{name} is not installed: {INSTALL}", pytrace=False)
    return found


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    command = [executable("actionlint"), "-shellcheck", executable("shellcheck"), "-no-color"]
    return subprocess.run(
        [*command, *map(str, files)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_actionlint_finds_nothing_in_the_workflows() -> None:
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows, "no workflow under .github/workflows/"
    result = actionlint(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    """The gate can fail: an unknown event, an undefined expression and a
    shell bug are each reported."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: pushed\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ github.no_such_thing }}\n"
        "      - run: cd $HOME/$DIR && ls\n",
        encoding="utf-8",
    )
    result = actionlint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    for rule in ("[events]", "[expression]", "[shellcheck]"):
        assert rule in result.stdout, (rule, result.stdout)
