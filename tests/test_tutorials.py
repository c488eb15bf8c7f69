"""Every tutorial executed without error, and the site shows that execution.

The tutorials are executed once per test run, by the site build (the
``built_site`` fixture), once for both languages. These tests do not execute
them again: they read the executed notebooks that the build cached under the
key of the current sources and environment, and check them and the pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_model import ROOT
from tutorial_runs import PublishedTutorial, published_tutorials

TUTORIALS = published_tutorials(run_build=False)


@pytest.fixture(scope="module")
def executed(built_site: Path) -> dict[str, PublishedTutorial]:
    return {t.norm_src_uri: t for t in published_tutorials(run_build=True)}


def test_there_are_tutorials() -> None:
    assert len(TUTORIALS) >= 4


@pytest.mark.parametrize("name", [t.norm_src_uri for t in TUTORIALS])
def test_tutorial_executed_without_error_and_draws_a_plot(
    executed: dict[str, PublishedTutorial], name: str
) -> None:
    tutorial = executed[name]
    notebook = tutorial.notebook
    assert notebook is not None, (
        f"{name}: the build published no execution for the current sources "
        f"(key {tutorial.key[:12]}); was it built with other options?"
    )
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert [c.source for c in code] == tutorial.code, "executed other code"
    unrun = [i for i, c in enumerate(code, start=1) if c.get("execution_count") is None]
    assert not unrun, f"{name}: code cells {unrun} never ran"
    errors = [
        f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
        for i, cell in enumerate(code, start=1)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"{name}: {errors}"
    stderr = [
        out.get("text", "")
        for cell in code
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
        and "Traceback" in out.get("text", "")
    ]
    assert not stderr, f"{name} printed a traceback: {stderr}"
    images = sum(
        "image/png" in out.get("data", {}) for cell in code for out in cell.get("outputs", [])
    )
    assert images >= 1, f"{name} draws no plot"


@pytest.mark.parametrize("name", [t.norm_src_uri for t in TUTORIALS])
def test_every_language_page_shows_that_execution(
    executed: dict[str, PublishedTutorial], built_site: Path, name: str
) -> None:
    tutorial = executed[name]
    assert tutorial.notebook is not None
    printed = [
        line.strip()
        for cell in tutorial.notebook.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
        for line in out.get("text", "").splitlines()
        if line.strip() and not any(ch in line for ch in "<>&\"'")
    ]
    stem = Path(name).stem
    for prefix in ("", "en/"):
        page = built_site / prefix / "tutorials" / stem / "index.html"
        html = page.read_text("utf-8")
        missing = [line for line in printed if line not in html]
        assert not missing, f"{page.relative_to(built_site)} lacks output lines {missing[:3]}"


def test_sources_are_where_the_tests_look() -> None:
    assert all(t.sources[0].is_relative_to(ROOT / "docs") for t in TUTORIALS)
