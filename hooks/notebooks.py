"""MkDocs hook: executed tutorials in every language, each executed once.

The events below are thin; the work lives in the ``coursebuild`` package
beside this file (see its docstring for the whole picture):

- ``on_files`` turns each tutorial source of the language being built into a
  page (:mod:`coursebuild.i18n_files`). In the first language's build it also
  checks that every tutorial shows the same code in every language, and
  starts executing each tutorial that has no cached execution, once for all
  languages and several at a time, in the background
  (:mod:`coursebuild.execution`): the lecture and API pages render meanwhile.
- ``on_pre_page`` replaces mkdocs-jupyter's render: the page waits for its
  own execution, then is rendered from its own language's notebook with that
  execution's outputs, and the HTML is cached (:mod:`coursebuild.render`,
  :mod:`coursebuild.html`). Beside the page go its downloads (the executed
  ``.ipynb`` with an install cell, the jupytext source), and at its top a
  block links them and Colab and says where and when the outputs were
  computed (:mod:`coursebuild.downloads`).
- ``on_post_build`` keeps the site's root ``404.html`` in the default
  language: every language build writes it, so the last one built would
  otherwise win (mkdocs-static-i18n #284); the others go to ``<lang>/``.
- ``on_build_error`` lets the executions under way finish and be cached.

Published pages never carry progress bars: ``TORCHBASICS_PROGRESS=0`` is set
here, and the notebook kernels inherit it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

# `mkdocs serve` loads this hook again when hooks/ changes; drop the package
# too, so the rebuild runs the edited code rather than the first import.
for _name in [m for m in sys.modules if m.partition(".")[0] == "coursebuild"]:
    del sys.modules[_name]

from coursebuild import cache_root, downloads, write_atomically
from coursebuild.execution import (
    ExecutionCache,
    ExecutionOptions,
    Executions,
    Tutorial,
    environment_fingerprint,
    installed_distributions,
    prune_directory,
    read_notebook,
    start_tutorials,
)
from coursebuild.figures import (
    FigureStore,
    add_figure_files,
    extract_figures,
    figure_names,
    link_figures,
    place_figures,
)
from coursebuild.html import first_title, rewrite_links, stylesheet_uri
from coursebuild.i18n_files import (
    Languages,
    TutorialFile,
    language_sources,
    localize_tutorials,
)
from coursebuild.provenance import source_revision
from coursebuild.render import (
    RenderCache,
    merge_outputs,
    render_environment,
    render_key,
    render_notebook,
)

log = logging.getLogger("mkdocs.hooks.notebooks")
os.environ["TORCHBASICS_PROGRESS"] = "0"


@dataclass
class _Run:
    """What one ``mkdocs build`` (all languages) computes once."""

    distributions: dict[str, str] = field(default_factory=installed_distributions)
    executions: Executions = field(default_factory=Executions)
    pruned: bool = False
    download_keys: set[str] = field(default_factory=set)
    # what the install cells pin: the commit being built (set in on_pre_build)
    requirement: str = ""

    def __post_init__(self) -> None:
        self.execution_env = environment_fingerprint(self.distributions)
        self.render_env = render_environment(self.distributions)


_run: _Run | None = None
_default_404: bytes | None = None


def _languages(config: MkDocsConfig) -> Languages:
    i18n: Any = config.plugins["i18n"]
    built = [lc.locale for lc in i18n.config.languages if lc.build]
    default = i18n.default_language
    return Languages(
        current=i18n.current_language,
        default=default,
        built=(default, *[lang for lang in built if lang != default]),
    )


def _jupyter_options(config: MkDocsConfig) -> dict[str, Any]:
    return dict(config.plugins["mkdocs-jupyter"].config)


def _execution_options(config: MkDocsConfig) -> ExecutionOptions | None:
    """None when mkdocs-jupyter's ``execute`` is off: pages then show no output."""
    options = _jupyter_options(config)
    if not options.get("execute"):
        return None
    return ExecutionOptions(
        kernel_name=options.get("kernel_name") or "python3",
        allow_errors=bool(options.get("allow_errors")),
    )


def _cache_root(config: MkDocsConfig) -> Path:
    return cache_root(Path(config.config_file_path).parent)


# --------------------------------------------------------------------------
# Events


def on_pre_build(config: MkDocsConfig) -> None:
    global _run
    languages = _languages(config)
    if _run is None or languages.current == languages.default:
        _run = _Run()  # a new build of all languages (also each `serve` rebuild)
        project = Path(config.config_file_path).parent
        ref = downloads.published_ref(source_revision(project))
        _run.requirement = downloads.Repository.from_url(config.repo_url).requirement(ref)


@event_priority(-200)  # after mkdocs-static-i18n (-100) has chosen the files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _run is not None
    languages = _languages(config)
    jupyter: Any = config.plugins["mkdocs-jupyter"]

    def is_tutorial(file: File) -> bool:
        return file.src_uri.endswith((".py", ".ipynb")) and bool(jupyter.should_include(file))

    pages = localize_tutorials(files, config, languages, is_tutorial)
    # i18n recorded this language's pages for its sitemap.xml (with each page's
    # language alternates) before the tutorials became pages: record them again.
    i18n: Any = config.plugins["i18n"]
    i18n.i18n_files_per_language[languages.current] = files.documentation_pages()
    options = _execution_options(config)
    pending = [p for p in pages if p.norm_src_uri not in _run.executions.keys]
    if options is not None and pending:
        docs_dir = Path(config.docs_dir)
        tutorials = [
            Tutorial(p.norm_src_uri, language_sources(p.norm_src_uri, docs_dir, languages))
            for p in pending
        ]
        cache = ExecutionCache(_cache_root(config))
        # The executions run in the background while the other pages render;
        # a tutorial page waits for its own (on_pre_page).
        _run.executions.update(
            start_tutorials(tutorials, cache, options, docs_dir, _run.execution_env)
        )
        if not _run.pruned:
            cache.prune(_run.executions.keys.values())
            # code cells parsed from sources: re-parsed (80 ms) if a week old
            prune_directory(cache.root / "tutorials" / "sources", set())
            figures = FigureStore(cache.root)  # touched whenever a page shows them
            prune_directory(figures.directory, set())
            prune_directory(figures.sources, set())
            _run.pruned = True
    return files


@event_priority(-50)  # after mkdocs-jupyter (0) has replaced page.render
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    if not isinstance(page.file, TutorialFile):
        return page
    assert _run is not None
    run = _run
    tutorial = page.file
    lang = tutorial.locale
    source = Path(tutorial.abs_src_path or "")
    options = _jupyter_options(config)
    root = _cache_root(config)
    nav_title = page.title  # the title given in mkdocs.yml's nav, if any

    def load_merged() -> tuple[Any, Any]:
        """This language's notebook with the execution's outputs, and the execution."""
        execution = run.executions.keys.get(tutorial.norm_src_uri)
        if execution:
            run.executions.wait(execution)
        executed = ExecutionCache(root).load(execution) if execution else None
        if execution and executed is None:
            raise RuntimeError(f"the execution of {tutorial.src_uri} vanished from the cache")
        return merge_outputs(read_notebook(source), executed), executed

    def render(config: MkDocsConfig, files: Files) -> None:
        execution = run.executions.keys.get(tutorial.norm_src_uri)
        if execution:
            run.executions.wait(execution)
        key = render_key(source.read_text("utf-8"), execution, options, run.render_env)
        cache = RenderCache(root)
        store = FigureStore(root)
        rendered = cache.load(lang, tutorial.src_uri, key)
        if rendered is not None and not all(map(store.has, figure_names(rendered.content))):
            rendered = None  # a figure file was pruned: render (and store) it again
        if rendered is None:
            notebook, shown = extract_figures(load_merged()[0], store, lang)
            rendered = render_notebook(notebook, options)
            rendered = replace(rendered, content=place_figures(rendered.content, shown))
            cache.store(lang, tutorial.src_uri, key, rendered)
            log.info("Rendered tutorial %s (%s) from the cached execution", tutorial.src_uri, lang)
        run_yourself = _publish_downloads(config, tutorial, source, execution, load_merged)
        sheet = stylesheet_uri(rendered.css)
        target = Path(config.site_dir) / sheet
        if not target.is_file():
            write_atomically(target, rendered.css)
        add_figure_files(files, config, store, figure_names(rendered.content))
        page.content = (
            f'<link rel="stylesheet" href="{get_relative_url(sheet, page.url)}">\n'
            + downloads.insert_after_title(
                rewrite_links(link_figures(rendered.content, page.url), tutorial, files),
                run_yourself,
            )
        )
        page.toc = get_toc(rendered.toc)  # type: ignore[arg-type]  # TocToken: mkdocs' private TypedDict
        page.title = nav_title or first_title(rendered.toc) or page.title

    page.render = render  # type: ignore[method-assign]
    return page


def _publish_downloads(
    config: MkDocsConfig,
    tutorial: TutorialFile,
    source: Path,
    execution: str | None,
    load_merged: Any,
) -> str:
    """Write the page's downloads beside it; return the block that offers them."""
    assert _run is not None
    repository = downloads.Repository.from_url(config.repo_url)
    folder = Path(tutorial.dest_uri).parent.as_posix()  # "en/tutorials/x"
    site_path = "" if folder == "." else folder
    offered, key = downloads.publish(
        lang=tutorial.locale,
        norm_src_uri=tutorial.norm_src_uri,
        source=source,
        page_dir=Path(config.site_dir) / site_path,
        site_path=site_path,
        execution_key=execution,
        requirement=_run.requirement,
        load_merged=load_merged,
        cache=downloads.DownloadCache(_cache_root(config)),
    )
    _run.download_keys.add(key)
    return downloads.run_yourself_html(
        tutorial.locale,
        offered.names,
        repository.colab_url(offered.notebook_path),
        offered.provenance,
        repository,
    )


def on_post_build(config: MkDocsConfig) -> None:
    global _default_404
    languages = _languages(config)
    if _run is not None:
        _run.executions.wait_all()  # every page waited for its own; this is a backstop
    if _run is not None and languages.current == languages.built[-1]:
        cache = downloads.DownloadCache(_cache_root(config))
        prune_directory(cache.directory, cache.used(_run.download_keys))
    page = Path(config.site_dir) / "404.html"
    if not page.is_file():
        return
    if languages.current == languages.default:
        _default_404 = page.read_bytes()
    elif _default_404 is not None:
        localized = Path(config.site_dir) / languages.current / "404.html"
        localized.parent.mkdir(parents=True, exist_ok=True)
        page.replace(localized)
        page.write_bytes(_default_404)


def on_build_error(error: Exception) -> None:
    """Let the executions under way finish, so that their results are cached."""
    if _run is not None and (running := _run.executions.running()):
        log.info("Waiting for %d tutorial execution(s) to finish and be cached", running)
        with contextlib.suppress(Exception):  # their errors are reported by the build
            _run.executions.wait_all()
