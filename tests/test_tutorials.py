"""Every tutorial executed without error, and the site shows that execution.

The tutorials are executed once per test run, by the site build (the
``built_site`` fixture), once for both languages. These tests do not execute
them again: they read the executed notebooks that the build cached under the
key of the current sources and environment, and check them and the pages:
each page shows that execution's output, offers it as a valid notebook (the
page's code, the outputs, one install cell first) and its jupytext source,
and says where and when it ran, as the execution recorded it.
"""

from __future__ import annotations

import html
import platform
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import jupytext
import nbformat
import pytest
import torch

from coursebuild import downloads, provenance
from docs_model import DEFAULT_LANG, LANGS, ROOT
from tutorial_runs import PublishedTutorial, mkdocs_config, published_tutorials

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


# --- run it yourself: the downloads and where the outputs were computed -------------


class PageCode(HTMLParser):
    """The code cells a rendered tutorial page shows (``div.highlight-ipynb > pre``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self._depth = 0  # inside a highlight-ipynb div: its nesting depth
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and (self._depth or "highlight-ipynb" in classes):
            self._depth += 1
        elif tag == "pre" and self._depth:
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self._text is not None:
            self.cells.append("".join(self._text).rstrip("\n"))
            self._text = None
        elif tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def page_code(html: str) -> list[str]:
    parser = PageCode()
    parser.feed(html)
    return parser.cells


def tutorial_page(site: Path, name: str, lang: str) -> Path:
    prefix = "" if lang == DEFAULT_LANG else f"{lang}/"
    return site / prefix / "tutorials" / Path(name).stem / "index.html"


def expected_requirement() -> str:
    repository = downloads.Repository.from_url(mkdocs_config()["repo_url"])
    revision = provenance.source_revision(ROOT)
    return repository.requirement(revision.commit or downloads.FALLBACK_REF)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", [t.norm_src_uri for t in TUTORIALS])
def test_each_page_offers_its_executed_notebook_with_an_install_cell(
    executed: dict[str, PublishedTutorial], built_site: Path, name: str, lang: str
) -> None:
    tutorial = executed[name]
    assert tutorial.notebook is not None
    names = downloads.download_names(name, lang)
    page = tutorial_page(built_site, name, lang)
    path = page.parent / names.notebook
    assert path.is_file(), f"{page.relative_to(built_site)} offers no {names.notebook}"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    install, *cells = nb.cells
    assert install.metadata.get("tags") == [downloads.INSTALL_TAG]
    assert install.source.splitlines()[-1] == f'%pip install -q "{expected_requirement()}"'
    # the same code as the page shows, and as the source (without the install cell)
    code = [c for c in cells if c.cell_type == "code"]
    assert [c.source for c in code] == page_code(page.read_text("utf-8"))
    assert [c.source for c in code] == tutorial.code
    # with the outputs of the execution the page shows, images embedded
    ran = [c for c in tutorial.notebook.cells if c.cell_type == "code"]
    assert [c.outputs for c in code] == [c.outputs for c in ran]
    assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    # and that language's prose
    source = jupytext.read(next(p for p in tutorial.sources if _lang_of(p) == lang))
    markdown = [c.source for c in source.cells if c.cell_type == "markdown"]
    assert [c.source for c in cells if c.cell_type == "markdown"] == markdown


def _lang_of(path: Path) -> str:
    suffixes = path.name.split(".")[1:-1]
    return suffixes[0] if suffixes else DEFAULT_LANG


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", [t.norm_src_uri for t in TUTORIALS])
def test_each_page_offers_its_source_not_named_x_en_py(
    executed: dict[str, PublishedTutorial], built_site: Path, name: str, lang: str
) -> None:
    source = next(p for p in executed[name].sources if _lang_of(p) == lang)
    names = downloads.download_names(name, lang)
    offered = tutorial_page(built_site, name, lang).parent / str(names.source)
    assert offered.read_text("utf-8") == source.read_text("utf-8")
    assert not offered.name.endswith(f".{lang}.py")


def test_no_source_in_the_site_is_named_like_the_docs_suffix(built_site: Path) -> None:
    assert not [p.relative_to(built_site) for lang in LANGS for p in built_site.rglob(f"*.{lang}.py")]


@pytest.mark.parametrize("name", [t.norm_src_uri for t in TUTORIALS])
def test_each_page_says_where_and_when_its_outputs_were_computed(
    executed: dict[str, PublishedTutorial], built_site: Path, name: str
) -> None:
    tutorial = executed[name]
    assert tutorial.notebook is not None
    found = provenance.Provenance.of(tutorial.notebook)
    assert found is not None, f"{name}: the execution recorded no environment"
    # recorded by the kernel that ran the tutorial, in this environment
    assert found.error is None
    assert (found.python, found.torch) == (platform.python_version(), torch.__version__)
    assert found.report is not None and found.report.startswith(f"torch {torch.__version__}")
    if found.commit is not None:
        assert re.fullmatch(r"[0-9a-f]{40}", found.commit)
        subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{found.commit}^{{commit}}"],
                       check=True)
    for lang in LANGS:
        page = tutorial_page(built_site, name, lang).read_text("utf-8")
        facts = [found.date, found.finished, found.python, found.torch, found.device]
        facts += found.report.splitlines()
        if found.commit:
            facts.append(found.commit[:7])
        missing = [f for f in facts if f and html.escape(f, quote=False) not in page]
        assert not missing, f"{lang} page of {name} lacks {missing}"
