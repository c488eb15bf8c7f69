"""Shared fixtures: one offline ``mkdocs build --strict`` for all site tests."""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
OFFLINE = Path(__file__).resolve().parent / "offline"
_LOADED = time.time()  # before any build of this test run

# The build code behind the hooks (``coursebuild``: the pages as the nav lists
# them, the tutorial executions) is imported by the tests too.
if str(ROOT / "hooks") not in sys.path:
    sys.path.insert(0, str(ROOT / "hooks"))
# benchmarks/page_weight.py holds the one Chromium launch the browser tests share
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))


def load_hook(name: str) -> ModuleType:
    """Import ``hooks/<name>.py`` as MkDocs does (by path), for unit tests."""
    spec = importlib.util.spec_from_file_location(f"hook_{name}", ROOT / "hooks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


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
def built_site(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The site, built once per test session from the working tree."""
    site = tmp_path_factory.mktemp("site") / "site"
    mkdocs_build(site)
    request.config._torchbasics_site_built = True  # type: ignore[attr-defined]
    return site


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """List the tutorial executions the site build published, slowest first.

    Like ``--durations``: the time each tutorial took to execute, and whether
    this run executed it or reused an execution cached by an earlier build.
    """
    if not getattr(config, "_torchbasics_site_built", False):
        return
    from tutorial_runs import published_tutorials

    rows = []
    for tutorial in published_tutorials():
        record = tutorial.record
        if record is not None:
            when = "executed in this run" if record.finished >= _LOADED else "cached"
            rows.append((record.seconds, tutorial.norm_src_uri, when, record.workers))
    if not rows:
        return
    terminalreporter.write_sep("=", "tutorial executions (slowest first)")
    for seconds, name, when, workers in sorted(rows, reverse=True):
        terminalreporter.write_line(
            f"{seconds:7.1f}s  {name}  ({when}, {workers} at a time)"
        )
    total = sum(r[0] for r in rows)
    terminalreporter.write_line(f"{total:7.1f}s  in all, {len(rows)} tutorials")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    """The session's built site, served on loopback (for the browser tests)."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
