"""Run it yourself: the pieces behind each tutorial's downloads, Colab link and provenance.

The pure helpers of ``coursebuild.downloads`` and ``coursebuild.provenance``
are tested directly; the pipeline that uses them is tested in real builds
(``tests/test_hooks.py`` on a small site, ``tests/test_tutorials.py`` and
``tests/test_browser.py`` on the course). ``.ci/publish-notebooks`` is run
against a local bare repository standing in for GitHub.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import jupytext
import nbformat
import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT
from coursebuild import downloads, provenance
from coursebuild.provenance import Provenance, Revision

REPO = downloads.Repository("torchbasics", "torchbasics")
SOURCE = "# %% [markdown]\n# # Title\n\n# %%\nprint(6 * 7)\n\n# %% [markdown]\n# Prose\n"


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )
    return result.stdout.strip()


# --- names and links -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/torchbasics/torchbasics",
        "https://github.com/torchbasics/torchbasics/",
        "https://github.com/torchbasics/torchbasics.git",
    ],
)
def test_repository_comes_from_repo_url(url: str) -> None:
    assert downloads.Repository.from_url(url) == REPO


@pytest.mark.parametrize("url", [None, "", "https://gitlab.com/a/b", "github.com/a/b"])
def test_a_repo_url_that_is_not_github_fails_the_build_saying_why(url: str | None) -> None:
    with pytest.raises(PluginError, match=r"repo_url in mkdocs.yml must be a GitHub repository"):
        downloads.Repository.from_url(url)


def test_links_and_requirement_name_the_repository() -> None:
    assert REPO.requirement("abc") == (
        "torchbasics[data,tune] @ git+https://github.com/torchbasics/torchbasics@abc"
    )
    assert REPO.colab_url("en/tutorials/x/x-en.ipynb") == (
        "https://colab.research.google.com/github/torchbasics/torchbasics/blob/"
        f"{downloads.NOTEBOOKS_BRANCH}/en/tutorials/x/x-en.ipynb"
    )
    assert REPO.commit_url("abc") == "https://github.com/torchbasics/torchbasics/commit/abc"


def test_downloads_are_named_for_their_language_never_x_en_py() -> None:
    assert downloads.download_names("tutorials/w1-1-tensors.py", "ko") == downloads.DownloadNames(
        "w1-1-tensors-ko.ipynb", "w1-1-tensors-ko.py"
    )
    english = downloads.download_names("tutorials/w1-1-tensors.py", "en")
    assert english == downloads.DownloadNames("w1-1-tensors-en.ipynb", "w1-1-tensors-en.py")
    # a tutorial written as .ipynb has no separate source to offer
    assert downloads.download_names("tutorials/x.ipynb", "en", ".ipynb").source is None


def test_install_pins_the_commit_or_says_it_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    assert downloads.published_ref(Revision("0123abc")) == "0123abc"
    with caplog.at_level("INFO"):
        assert downloads.published_ref(Revision(None)) == downloads.FALLBACK_REF
    assert "Not a Git checkout" in caplog.text and downloads.FALLBACK_REF in caplog.text


# --- the downloadable notebook -------------------------------------------------------

FOUND = Provenance(
    finished="2025-06-01T12:34:56Z",
    python="3.12.1",
    platform="Linux x86_64",
    torch="2.13.0",
    device="cpu (Example CPU, 8 logical cores)",
    report="torch 2.13.0\npython 3.12.1 (Linux x86_64)\ndefault device: cpu",
    error=None,
    commit="0123456789abcdef0123456789abcdef01234567",
    dirty=False,
)


def executed_notebook() -> nbformat.NotebookNode:
    nb = jupytext.reads(SOURCE, fmt="py:percent")
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    code.execution_count = 1
    nb.metadata["language_info"] = {"name": "python", "version": "3.12.1"}
    nb.metadata["torchbasics"] = {"seconds": 1.0, "environment": FOUND.to_dict()}
    return nb


def test_download_is_the_page_with_its_outputs_and_one_install_cell_first() -> None:
    merged = executed_notebook()  # as merge_outputs returns it
    page_cells = [c.source for c in merged.cells]
    requirement = REPO.requirement("0123abc")
    nb = downloads.download_notebook(merged, executed_notebook(), requirement, "ko")
    nbformat.validate(nb)
    install, *cells = nb.cells
    assert [c.source for c in cells] == page_cells
    assert cells[1].outputs[0].text == "42\n"
    assert install.cell_type == "code" and install.metadata["tags"] == [downloads.INSTALL_TAG]
    assert install.source.splitlines()[-1] == f'%pip install -q "{requirement}"'
    assert install.source.startswith("# Colab")  # the comment is in the page's language
    assert "jupytext" not in nb.metadata
    assert nb.metadata["language_info"]["version"] == "3.12.1"
    assert nb.metadata["torchbasics"] == {"install": requirement, "environment": FOUND.to_dict()}
    assert len(merged.cells) == len(page_cells), "the page's notebook is not changed"


def test_download_key_follows_source_execution_requirement_and_language() -> None:
    key = downloads.download_key("text", "exec", "req", "ko")
    assert downloads.download_key("text", "exec", "req", "ko") == key
    for changed in (("text 2", "exec", "req", "ko"), ("text", "exec 2", "req", "ko"),
                    ("text", "exec", "req@other", "ko"), ("text", "exec", "req", "en"),
                    ("text", None, "req", "ko")):
        assert downloads.download_key(*changed) != key


def test_download_cache_keeps_the_notebook_and_its_provenance(tmp_path: Path) -> None:
    cache = downloads.DownloadCache(tmp_path)
    assert cache.load("k") is None
    nb = downloads.download_notebook(executed_notebook(), None, "req", "en")
    path = cache.store("k", nb, FOUND)
    assert cache.load("k") == (path, FOUND)
    cache.provenance_path("k").write_text("{", "utf-8")  # torn: counts as missing
    assert cache.load("k") is None
    cache.store("k", nb, None)
    path.unlink()
    assert cache.load("k") is None


def test_publish_writes_the_files_and_builds_each_notebook_once(tmp_path: Path) -> None:
    source = tmp_path / "docs" / "x.en.py"
    source.parent.mkdir()
    source.write_text(SOURCE, "utf-8")
    calls: list[int] = []

    def load_merged() -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
        calls.append(1)
        return executed_notebook(), executed_notebook()

    def publish(site: str) -> downloads.PageDownloads:
        offered, _ = downloads.publish(
            lang="en", norm_src_uri="tutorials/x.py", source=source,
            page_dir=tmp_path / site / "en/tutorials/x", site_path="en/tutorials/x",
            execution_key="exec", requirement="req", load_merged=load_merged,
            cache=downloads.DownloadCache(tmp_path / "cache"),
        )
        return offered

    first, second = publish("cold"), publish("warm")
    assert calls == [1], "a warm build copies the cached notebook"
    assert first == second and first.provenance == FOUND
    assert first.notebook_path == "en/tutorials/x/x-en.ipynb"
    for site in ("cold", "warm"):
        folder = tmp_path / site / "en/tutorials/x"
        assert sorted(p.name for p in folder.iterdir()) == ["x-en.ipynb", "x-en.py"]
        assert (folder / "x-en.py").read_text("utf-8") == SOURCE


# --- what the page shows ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ko", ["직접 실행하기", "노트북 내려받기 (.ipynb)", "소스 내려받기 (.py)", "Colab에서 열기",
                "2025-06-01 12:34 UTC", "커밋"]),
        ("en", ["Run it yourself", "Download the notebook (.ipynb)", "Download the source (.py)",
                "Open in Colab", "2025-06-01 12:34 UTC", "at commit"]),
    ],
)
def test_the_block_offers_downloads_colab_and_provenance_in_the_page_language(
    lang: str, words: list[str]
) -> None:
    names = downloads.download_names("tutorials/x.py", lang)
    block = downloads.run_yourself_html(lang, names, REPO.colab_url("x.ipynb"), FOUND, REPO)
    for word in words:
        assert word in block
    assert f'href="{names.notebook}" download' in block and f'href="{names.source}" download' in block
    assert f'href="{REPO.colab_url("x.ipynb")}"' in block
    assert f'href="{REPO.commit_url(FOUND.commit)}"><code>0123456</code>' in block
    assert "Python 3.12.1, torch 2.13.0" in block and "cpu (Example CPU, 8 logical cores)" in block
    assert "default device: cpu" in block  # environment_report(), in a details block
    assert 'datetime="2025-06-01T12:34:56Z"' in block


def test_the_block_says_so_when_the_run_was_not_committed_or_found_no_torch() -> None:
    names = downloads.download_names("tutorials/x.py", "en")
    dirty = Provenance(**(FOUND.to_dict() | {"dirty": True}))
    assert "(with uncommitted changes)" in downloads.provenance_html(dirty, "en", REPO)
    assert "(커밋하지 않은 변경 포함)" in downloads.provenance_html(dirty, "ko", REPO)
    outside = Provenance(**(FOUND.to_dict() | {"commit": None}))
    assert "code outside a Git checkout" in downloads.provenance_html(outside, "en", REPO)
    broken = Provenance(**(FOUND.to_dict() | {
        "torch": None, "device": None, "report": None,
        "error": "ModuleNotFoundError: No module named 'torch'",
    }))
    text = downloads.provenance_html(broken, "en", REPO)
    assert "The device could not be determined: ModuleNotFoundError" in text
    assert "<details" not in text
    unexecuted = downloads.run_yourself_html("en", names, "https://colab", None, REPO)
    assert "Download the notebook" in unexecuted and "computed on" not in unexecuted


def test_the_block_goes_right_after_the_title() -> None:
    content = '<div><h1 id="t">Title</h1><p>Intro</p></div>'
    assert downloads.insert_after_title(content, "<B>") == (
        '<div><h1 id="t">Title</h1>\n<B><p>Intro</p></div>'
    )
    assert downloads.insert_after_title("<p>No title</p>", "<B>") == "<B><p>No title</p>"


# --- provenance ------------------------------------------------------------------------


def test_provenance_is_read_back_from_the_executed_notebook() -> None:
    assert Provenance.of(executed_notebook()) == FOUND
    assert Provenance.of(nbformat.v4.new_notebook()) is None
    assert FOUND.date == "2025-06-01 12:34 UTC"


def test_probe_facts_become_the_record() -> None:
    cell = provenance.probe_cell()
    assert provenance.is_probe(cell)
    facts = {"python": "3.12.1", "platform": "Linux x86_64", "torch": "2.13.0",
             "device": "cpu (X, 2 logical cores)", "report": "torch 2.13.0"}
    cell.outputs = [nbformat.v4.new_output("display_data", data={provenance.MIME: facts})]
    assert provenance.probe_facts(cell) == facts
    found = provenance.record(facts, 1748781296.0, Revision("abc", dirty=True))
    assert found.finished == "2025-06-01T12:34:56Z"
    assert (found.torch, found.device, found.commit, found.dirty) == (
        "2.13.0", "cpu (X, 2 logical cores)", "abc", True
    )
    assert found.error is None
    silent = provenance.record({}, 0.0, Revision(None))
    assert silent.error == "the environment probe displayed nothing"


def test_source_revision_is_the_checked_out_commit_and_whether_it_was_edited(
    tmp_path: Path,
) -> None:
    assert provenance.source_revision(tmp_path) == Revision(None)
    git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("1", "utf-8")
    git(tmp_path, "add", "a.txt")
    git(tmp_path, "commit", "-q", "-m", "first")
    head = git(tmp_path, "rev-parse", "HEAD")
    assert provenance.source_revision(tmp_path) == Revision(head, dirty=False)
    (tmp_path / "untracked.txt").write_text("x", "utf-8")  # untracked files do not count
    assert provenance.source_revision(tmp_path) == Revision(head, dirty=False)
    (tmp_path / "a.txt").write_text("2", "utf-8")
    assert provenance.source_revision(tmp_path) == Revision(head, dirty=True)


# --- publishing the notebooks branch for Colab ----------------------------------------

PUBLISH = ROOT / ".ci" / "publish-notebooks"


def test_publish_script_and_the_links_name_the_same_branch() -> None:
    branch = re.search(r"^branch=(\S+)$", PUBLISH.read_text("utf-8"), re.M)
    assert branch is not None and branch[1] == downloads.NOTEBOOKS_BRANCH


def test_publish_notebooks_pushes_every_built_notebook_at_its_site_path(tmp_path: Path) -> None:
    remote = tmp_path / "github.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    git(checkout, "init", "-q")
    git(checkout, "commit", "-q", "--allow-empty", "-m", "source")
    built_from = git(checkout, "rev-parse", "HEAD")
    site = tmp_path / "site"
    for path in ("tutorials/x/x-ko.ipynb", "en/tutorials/x/x-en.ipynb"):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text('{"cells": []}', "utf-8")
    (site / "index.html").write_text("<p>not a notebook</p>", "utf-8")

    def publish() -> str:
        return subprocess.run(
            [str(PUBLISH), str(site), str(remote)], cwd=checkout,
            capture_output=True, text=True, check=True,
        ).stdout

    assert "published 2 notebooks" in publish()
    branch = downloads.NOTEBOOKS_BRANCH
    files = git(remote, "ls-tree", "-r", "--name-only", branch).splitlines()
    assert sorted(files) == ["README.md", "en/tutorials/x/x-en.ipynb", "tutorials/x/x-ko.ipynb"]
    assert built_from in git(remote, "show", f"{branch}:README.md")
    # published again: still one commit, with the new files
    (site / "tutorials/x/x-ko.ipynb").write_text('{"cells": [1]}', "utf-8")
    publish()
    assert git(remote, "rev-list", "--count", branch) == "1"
    assert git(remote, "show", f"{branch}:tutorials/x/x-ko.ipynb") == '{"cells": [1]}'


def test_publish_notebooks_refuses_a_site_without_notebooks(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    result = subprocess.run(
        [str(PUBLISH), str(tmp_path / "site"), str(tmp_path / "nowhere.git")], cwd=ROOT,
        capture_output=True, text=True,
    )
    assert result.returncode != 0 and "no .ipynb file under" in result.stderr
