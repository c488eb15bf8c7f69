"""The tutorial executions a site build published, as the tests see them.

The build (``hooks/notebooks.py``) executes each tutorial once and caches the
executed notebook under a key of its code cells, its execution options and the
environment (``coursebuild.execution``). The tests compute the same keys from
the sources in this checkout, so what they read is exactly what the site shows
for the current code, never an older execution.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from nbformat import NotebookNode

from coursebuild import cache_root
from coursebuild.execution import (
    ExecutionCache,
    ExecutionOptions,
    ExecutionRecord,
    check_parity,
    environment_fingerprint,
    execution_key,
    installed_distributions,
    source_code,
)
from docs_model import DOCS, LANGS, ROOT, pages


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without constructing its ``!!python/...`` objects."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config() -> dict[str, Any]:
    """mkdocs.yml as plain data (its ``!!python`` tags read as None)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=_TolerantLoader)
    assert isinstance(config, dict)
    return config


def jupyter_options() -> dict[str, Any]:
    config = mkdocs_config()
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocs-jupyter" in plugin:
            return dict(plugin["mkdocs-jupyter"])
    raise LookupError("mkdocs.yml configures no mkdocs-jupyter plugin")


def execution_options() -> ExecutionOptions:
    """The options the build executes with, as ``hooks/notebooks.py`` derives them."""
    options = jupyter_options()
    return ExecutionOptions(
        kernel_name=options.get("kernel_name") or "python3",
        allow_errors=bool(options.get("allow_errors")),
    )


@dataclass(frozen=True)
class PublishedTutorial:
    norm_src_uri: str  # tutorials/x.py
    sources: list[Path]  # default language first
    code: list[str]
    key: str
    notebook: NotebookNode | None  # None: the build published no such execution

    @property
    def record(self) -> ExecutionRecord | None:
        return ExecutionRecord.of(self.notebook) if self.notebook is not None else None


def published_tutorials(run_build: bool = True) -> list[PublishedTutorial]:
    """Every tutorial with the key of its current code and, if built, its execution.

    With ``run_build=False`` (test collection) no key is computed or read.
    """
    found = []
    environment = environment_fingerprint(installed_distributions()) if run_build else ""
    cache = ExecutionCache(cache_root(ROOT))
    options = execution_options() if run_build else ExecutionOptions()
    for page in pages("tutorial"):
        sources = [DOCS / page.source_of(lang) for lang in LANGS]
        sources = [path for path in sources if path.is_file()]
        norm = page.source
        if not run_build:
            found.append(PublishedTutorial(norm, sources, [], "", None))
            continue
        code = check_parity({s: source_code(s, cache.root) for s in sources}, DOCS)
        key = execution_key(code, environment, options)
        found.append(PublishedTutorial(norm, sources, code, key, cache.load(key)))
    return found
