"""Run it yourself: each tutorial page's downloads, Colab link and provenance.

Every tutorial page offers, beside itself (``<page dir>/``):

- ``<name>-<lang>.ipynb``: that language's notebook **with the outputs of the
  execution the page shows** (:func:`coursebuild.render.merge_outputs`), its
  images embedded, and one extra first cell that installs ``torchbasics``
  (with its ``data`` extra) from the repository at the commit the site was
  built from (:func:`install_cell`). The page itself never shows that cell.
- ``<name>-<lang>.py``: the jupytext source of that language (the English one
  is not called ``x.en.py``: that suffix is how the site tells its sources
  apart, not a name for a reader's file).
- an **Open in Colab** link. Colab opens notebooks from GitHub only, so it
  points at the same ``.ipynb`` in the branch :data:`NOTEBOOKS_BRANCH`, at the
  same path as in the built site; the deployment publishes every built
  ``.ipynb`` there (``.ci/publish-notebooks``). The owner and repository come
  from ``repo_url`` in ``mkdocs.yml``, the one place that names them.

and says where and when its outputs were computed (:mod:`coursebuild.provenance`).

The downloads are rebuilt only when their inputs change: each is cached under
``<cache>/tutorials/downloads/<key>.ipynb``, keyed on the language's source,
the execution key, the install requirement (which holds the commit) and this
code, so a warm build copies files and parses no notebook.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat
from mkdocs.exceptions import PluginError
from nbformat import NotebookNode

from coursebuild import copy_notebook, notebook_to_text, write_atomically
from coursebuild.provenance import Provenance, Revision

log = logging.getLogger("mkdocs.hooks.notebooks")

#: The branch the deployment pushes the built ``.ipynb`` files to, for Colab.
NOTEBOOKS_BRANCH = "notebooks"
#: What the install cell pins when the build does not run in a Git checkout.
FALLBACK_REF = "main"
#: The tag of the install cell in a downloaded notebook.
INSTALL_TAG = "torchbasics-install"
_OWN_CODE = ("downloads.py", "render.py", "provenance.py")


# --------------------------------------------------------------------------
# Names and links


@dataclass(frozen=True)
class Repository:
    """The GitHub repository of ``repo_url``: where Colab and pip find the course."""

    owner: str
    name: str

    @classmethod
    def from_url(cls, repo_url: str | None) -> Repository:
        match = re.fullmatch(
            r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?", (repo_url or "").strip()
        )
        if match is None:
            raise PluginError(
                f"repo_url in mkdocs.yml must be a GitHub repository "
                f"(https://github.com/<owner>/<repository>), got {repo_url!r}: the "
                f"tutorials' Open in Colab links and install cells are made from it"
            )
        return cls(match[1], match[2])

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"

    def requirement(self, ref: str) -> str:
        """What pip installs: torchbasics with the tutorials' extras (data, tune), at ``ref``."""
        return f"torchbasics[data,tune] @ git+{self.url}@{ref}"

    def colab_url(self, site_path: str) -> str:
        """Colab's link to the built notebook at ``site_path`` (in the notebooks branch)."""
        return (
            f"https://colab.research.google.com/github/{self.owner}/{self.name}"
            f"/blob/{NOTEBOOKS_BRANCH}/{site_path}"
        )

    def commit_url(self, commit: str) -> str:
        return f"{self.url}/commit/{commit}"


@dataclass(frozen=True)
class DownloadNames:
    """The file names a tutorial page offers, e.g. ``w1-1-tensors-en.ipynb``."""

    notebook: str
    source: str | None  # None when the source is itself an .ipynb


def download_names(norm_src_uri: str, lang: str, source_suffix: str = ".py") -> DownloadNames:
    """``tutorials/x.py`` in English -> ``x-en.ipynb`` and ``x-en.py``."""
    stem = PurePosixPath(norm_src_uri).stem
    source = f"{stem}-{lang}{source_suffix}" if source_suffix != ".ipynb" else None
    return DownloadNames(f"{stem}-{lang}.ipynb", source)


def published_ref(revision: Revision) -> str:
    """What the install cells pin: the built commit, else :data:`FALLBACK_REF`."""
    if revision.commit:
        return revision.commit
    log.info(
        "Not a Git checkout: the tutorials' install cells install torchbasics from "
        "the %s branch instead of a commit",
        FALLBACK_REF,
    )
    return FALLBACK_REF


# --------------------------------------------------------------------------
# The downloadable notebook

_INSTALL_COMMENT = {
    "ko": "# Colab이나 새 환경에서는 먼저 이 셀을 실행해 torchbasics를 설치합니다.",
    "en": "# In Colab or a fresh environment, run this cell first: it installs torchbasics.",
}


def install_cell(requirement: str, lang: str) -> NotebookNode:
    """The first cell of a downloaded notebook: ``%pip install`` of ``requirement``."""
    comment = _INSTALL_COMMENT.get(lang, _INSTALL_COMMENT["en"])
    cell = nbformat.v4.new_code_cell(f'{comment}\n%pip install -q "{requirement}"')  # type: ignore[no-untyped-call]
    cell.metadata["tags"] = [INSTALL_TAG]
    return cell  # type: ignore[no-any-return]


def download_notebook(
    merged: NotebookNode, executed: NotebookNode | None, requirement: str, lang: str
) -> NotebookNode:
    """The ``.ipynb`` a reader downloads: ``merged`` with the install cell first.

    ``merged`` is the page's notebook with the execution's outputs; the
    result keeps its cells and outputs, drops jupytext's pairing metadata
    (Jupyter would otherwise write a ``.py`` beside it on every save), and
    records the execution's provenance and the pinned requirement.
    """
    notebook = copy_notebook(merged)
    notebook.metadata.pop("jupytext", None)
    if executed is not None and "language_info" in executed.metadata:
        notebook.metadata["language_info"] = executed.metadata["language_info"]
    found = Provenance.of(executed) if executed is not None else None
    notebook.metadata["torchbasics"] = {
        "install": requirement,
        "environment": found.to_dict() if found else None,
    }
    notebook.cells.insert(0, install_cell(requirement, lang))
    nbformat.validate(notebook)
    return notebook


def download_key(source_text: str, execution_key: str | None, requirement: str, lang: str) -> str:
    """The cache key of one language's downloadable notebook."""
    here = Path(__file__).parent
    payload = {
        "source": source_text,
        "execution": execution_key,
        "requirement": requirement,
        "lang": lang,
        "nbformat": nbformat.__version__,
        "code": [hashlib.sha256((here / n).read_bytes()).hexdigest() for n in _OWN_CODE],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class DownloadCache:
    """Built downloads under ``<root>/tutorials/downloads``: the notebook and its provenance."""

    root: Path

    @property
    def directory(self) -> Path:
        return self.root / "tutorials" / "downloads"

    def notebook_path(self, key: str) -> Path:
        return self.directory / f"{key}.ipynb"

    def provenance_path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def load(self, key: str) -> tuple[Path, Provenance | None] | None:
        """The cached notebook's path and provenance; None when not cached."""
        try:
            entry = json.loads(self.provenance_path(key).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or not self.notebook_path(key).is_file():
            return None
        return self.notebook_path(key), Provenance.from_dict(entry.get("environment"))

    def store(self, key: str, notebook: NotebookNode, found: Provenance | None) -> Path:
        write_atomically(self.notebook_path(key), notebook_to_text(notebook))
        entry = {"environment": found.to_dict() if found else None}
        write_atomically(self.provenance_path(key), json.dumps(entry, ensure_ascii=False))
        return self.notebook_path(key)

    def used(self, keys: set[str]) -> set[Path]:
        return {p for k in keys for p in (self.notebook_path(k), self.provenance_path(k))}


# --------------------------------------------------------------------------
# What the page shows

_TEXT = {
    "ko": {
        "title": "직접 실행하기",
        "notebook": "노트북 내려받기 (.ipynb)",
        "notebook_tip": "이 페이지의 출력이 담긴 노트북입니다. 첫 셀이 torchbasics를 설치합니다.",
        "source": "소스 내려받기 (.py)",
        "source_tip": "jupytext 형식의 Python 파일입니다.",
        "colab": "Colab에서 열기",
        "install": (
            "내려받은 노트북의 첫 셀은 이 사이트를 빌드한 커밋의 torchbasics를 "
            "<code>data</code> 선택 설치 묶음(extra)과 함께 설치합니다. 페이지에는 그 셀이 "
            "없습니다."
        ),
        "ran": "이 페이지의 출력은 {date}에 커밋 {commit}의 코드를 실행해서 얻었습니다{dirty}.",
        "ran_outside_git": (
            "이 페이지의 출력은 {date}에 Git 저장소 밖의 코드를 실행해서 얻었습니다."
        ),
        "dirty": " (커밋하지 않은 변경 포함)",
        "env": "Python {python}, torch {torch}, 장치 {device}.",
        "env_error": "Python {python}. 장치 정보를 얻지 못했습니다: {error}",
        "report": "실행 환경 전체",
    },
    "en": {
        "title": "Run it yourself",
        "notebook": "Download the notebook (.ipynb)",
        "notebook_tip": (
            "The notebook with this page's outputs; its first cell installs torchbasics."
        ),
        "source": "Download the source (.py)",
        "source_tip": "The tutorial as a jupytext Python file.",
        "colab": "Open in Colab",
        "install": (
            "The downloaded notebook's first cell installs torchbasics, with its "
            "<code>data</code> extra, at the commit this site was built from; the page "
            "does not show that cell."
        ),
        "ran": "The outputs on this page were computed on {date} by running the code at "
        "commit {commit}{dirty}.",
        "ran_outside_git": "The outputs on this page were computed on {date} by running "
        "code outside a Git checkout.",
        "dirty": " (with uncommitted changes)",
        "env": "Python {python}, torch {torch}, device {device}.",
        "env_error": "Python {python}. The device could not be determined: {error}",
        "report": "Full environment",
    },
}


def provenance_html(found: Provenance, lang: str, repository: Repository) -> str:
    """The sentences that say where and when the page's outputs were computed."""
    text = _TEXT.get(lang, _TEXT["en"])
    esc = html.escape
    date = f'<time datetime="{esc(found.finished)}">{esc(found.date)}</time>'
    if found.commit:
        commit = (
            f'<a href="{esc(repository.commit_url(found.commit))}">'
            f"<code>{esc(found.commit[:7])}</code></a>"
        )
        ran = text["ran"].format(
            date=date, commit=commit, dirty=text["dirty"] if found.dirty else ""
        )
    else:
        ran = text["ran_outside_git"].format(date=date)
    if found.torch and found.device:
        env = text["env"].format(
            python=esc(found.python), torch=esc(found.torch), device=esc(found.device)
        )
    else:
        env = text["env_error"].format(python=esc(found.python), error=esc(found.error or ""))
    parts = [f'<p class="tb-run__provenance">{ran} {env}</p>']
    if found.report:
        parts.append(
            f'<details class="abstract tb-run__report"><summary>{text["report"]}: '
            f"<code>environment_report()</code></summary>"
            f"<pre><code>{esc(found.report)}</code></pre></details>"
        )
    return "\n".join(parts)


def run_yourself_html(
    lang: str,
    names: DownloadNames,
    colab_url: str,
    found: Provenance | None,
    repository: Repository,
) -> str:
    """The block at the top of a tutorial page: downloads, Colab, provenance."""
    text = _TEXT.get(lang, _TEXT["en"])
    esc = html.escape
    buttons = [
        f'<a class="md-button md-button--primary" href="{esc(names.notebook)}" download '
        f'title="{esc(text["notebook_tip"])}">{text["notebook"]}</a>'
    ]
    if names.source:
        buttons.append(
            f'<a class="md-button" href="{esc(names.source)}" download '
            f'title="{esc(text["source_tip"])}">{text["source"]}</a>'
        )
    buttons.append(
        f'<a class="md-button" href="{esc(colab_url)}" target="_blank" rel="noopener">'
        f"{text['colab']}</a>"
    )
    body = [
        f'<p class="tb-run__buttons">{" ".join(buttons)}</p>',
        f'<p class="tb-run__install">{text["install"]}</p>',
    ]
    if found is not None:
        body.append(provenance_html(found, lang, repository))
    return (
        f'<div class="admonition info tb-run" role="region" aria-label="{esc(text["title"])}">\n'
        f'<p class="admonition-title">{text["title"]}</p>\n' + "\n".join(body) + "\n</div>\n"
    )


def insert_after_title(content: str, block: str) -> str:
    """Put ``block`` right after the page's first ``<h1>`` (at the top without one)."""
    end = content.find("</h1>")
    if end < 0:
        return block + content
    end += len("</h1>")
    return content[:end] + "\n" + block + content[end:]


# --------------------------------------------------------------------------
# Writing one page's downloads


@dataclass(frozen=True)
class PageDownloads:
    """What one tutorial page offers, once its files are written."""

    names: DownloadNames
    site_dir: str  # the page's folder in the site: "en/tutorials/x"
    provenance: Provenance | None

    @property
    def notebook_path(self) -> str:
        """The notebook's path in the site (and in the notebooks branch)."""
        return f"{self.site_dir}/{self.names.notebook}" if self.site_dir else self.names.notebook


def publish(
    *,
    lang: str,
    norm_src_uri: str,
    source: Path,
    page_dir: Path,
    site_path: str,
    execution_key: str | None,
    requirement: str,
    load_merged: Callable[[], tuple[NotebookNode, NotebookNode | None]],
    cache: DownloadCache,
) -> tuple[PageDownloads, str]:
    """Write one page's downloads into ``page_dir``; return them and the cache key.

    ``load_merged`` returns the page's notebook with the execution's outputs
    and the executed notebook; it is called only when the cache misses.
    """
    names = download_names(norm_src_uri, lang, source.suffix)
    key = download_key(source.read_text("utf-8"), execution_key, requirement, lang)
    hit = cache.load(key)
    if hit is None:
        merged, executed = load_merged()
        found = Provenance.of(executed) if executed is not None else None
        path = cache.store(key, download_notebook(merged, executed, requirement, lang), found)
        log.info("Wrote the notebook download of %s (%s)", source.name, lang)
    else:
        path, found = hit
    page_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, page_dir / names.notebook)
    if names.source:
        shutil.copyfile(source, page_dir / names.source)
    return PageDownloads(names, site_path, found), key
