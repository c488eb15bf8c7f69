"""Shared fixtures: one offline ``mkdocs build --strict`` for all site tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = Path(__file__).resolve().parent / "offline"

# The build's own modules (``coursebuild.nav``: the pages, read from the nav of
# mkdocs.yml) are importable in the tests as they are in the hooks.
if str(ROOT / "hooks") not in sys.path:
    sys.path.insert(0, str(ROOT / "hooks"))


def offline_env(**extra: str) -> dict[str, str]:
    """Environment for a subprocess that must not touch the network."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(OFFLINE), env.get("PYTHONPATH", "")) if p
    )
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.update(extra)
    return env


def mkdocs_build(
    site_dir: Path, root: Path = ROOT, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` offline in ``root``; on failure, fail with its log."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)],
        cwd=root,
        env=offline_env(**env),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        pytest.fail(
            f"mkdocs build --strict failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
    return result


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once per test session from the working tree."""
    site = tmp_path_factory.mktemp("site") / "site"
    mkdocs_build(site)
    return site
