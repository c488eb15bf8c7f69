"""The MkDocs hooks: notebook headings, doctest fences, and the tutorial cache.

The cache tests build a copy of the docs in a scratch folder and count the
notebook executions the build reports: a cold build runs each tutorial once
per language, a warm rebuild runs none, and a changed tutorial runs again.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT, mkdocs_build


def load_hook(name: str):
    spec = importlib.util.spec_from_file_location(f"hook_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


notebooks = load_hook("notebooks")
doctest_fences = load_hook("doctest_fences")


# --- heading ids ---------------------------------------------------------------


def test_korean_headings_get_unicode_ids_and_a_nested_toc() -> None:
    html = (
        '<h1 id="">텐서 실습<a class="anchor-link" href="#">¶</a></h1>'
        '<p>x</p><h2 id="">텐서 만들기<a class="anchor-link" href="#">¶</a></h2>'
        '<h2 id="">CPU &amp; GPU<a class="anchor-link" href="#">¶</a></h2>'
    )
    fixed, toc = notebooks.fix_headings(html)
    assert 'id="텐서-실습"' in fixed and 'href="#텐서-만들기"' in fixed
    assert 'id=""' not in fixed and 'href="#"' not in fixed
    assert [t["id"] for t in toc] == ["텐서-실습"]
    assert [c["id"] for c in toc[0]["children"]] == ["텐서-만들기", "cpu--gpu"]
    assert toc[0]["children"][1]["name"] == "CPU &amp; GPU"


def test_repeated_headings_get_distinct_ids() -> None:
    html = '<h2 id="">요약</h2><h2 id="">요약</h2>'
    fixed, toc = notebooks.fix_headings(html)
    assert [t["id"] for t in toc] == ["요약", "요약_1"]
    assert fixed.count('id="요약"') == 1


def test_heading_without_text_still_gets_an_id() -> None:
    fixed, toc = notebooks.fix_headings('<h3 id="">¶</h3>')
    assert toc[0]["id"] == "section"


# --- doctest fences ------------------------------------------------------------


def test_doctest_python_fences_render_as_pycon() -> None:
    md = "```python\n>>> 1 + 1\n2\n```\n\n```python\nx = 1\n```\n"
    out = doctest_fences.pycon_fences(md)
    assert out.startswith("```pycon\n>>> 1 + 1\n2\n```")
    assert "```python\nx = 1\n```" in out


def test_indented_doctest_fences_in_admonitions_are_relabelled() -> None:
    md = '!!! note\n\n    ```python\n    >>> 2 * 3\n    6\n    ```\n'
    assert "    ```pycon\n    >>> 2 * 3\n    6\n    ```" in doctest_fences.pycon_fences(md)


# --- cache keys -----------------------------------------------------------------


def test_cache_key_changes_with_the_torchbasics_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "t.py"
    source.write_text("# %%\nprint(1)\n")
    before = notebooks._cache_key(source, {"execute": True})
    monkeypatch.setattr(notebooks, "_package_digest", lambda name: "changed")
    assert notebooks._cache_key(source, {"execute": True}) != before


def test_cache_key_changes_with_the_notebook_and_the_options(tmp_path: Path) -> None:
    source = tmp_path / "t.py"
    source.write_text("# %%\nprint(1)\n")
    key = notebooks._cache_key(source, {"execute": True})
    assert notebooks._cache_key(source, {"execute": False}) != key
    source.write_text("# %%\nprint(2)\n")
    assert notebooks._cache_key(source, {"execute": True}) != key


def test_package_digest_follows_file_contents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "probe_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("A = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    first = notebooks._package_digest("probe_pkg")
    (pkg / "__init__.py").write_text("A = 2\n")
    assert notebooks._package_digest("probe_pkg") != first


# --- the cache in real builds --------------------------------------------------

EXECUTED = re.compile(r"Executed tutorial (\S+) \((\w+)\)")


def executions(result) -> list[tuple[str, str]]:
    return EXECUTED.findall(result.stdout + result.stderr)


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name in ("docs", "hooks", "src"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def build(project: Path, site: Path):
    return mkdocs_build(site, root=project)


def test_cold_build_runs_each_tutorial_once_per_language_and_warm_runs_none(
    project_copy: Path, tmp_path: Path
) -> None:
    tutorials = sorted((project_copy / "docs" / "tutorials").glob("*.py"))
    cold = executions(build(project_copy, tmp_path / "cold"))
    assert len(cold) == len(tutorials), cold
    assert {lang for _, lang in cold} == {"ko", "en"}
    assert len(set(cold)) == len(cold), "a tutorial ran twice in one build"
    warm = executions(build(project_copy, tmp_path / "warm"))
    assert warm == [], f"warm rebuild re-executed {warm}"


def test_changed_tutorial_is_executed_again_and_only_it(
    project_copy: Path, tmp_path: Path
) -> None:
    build(project_copy, tmp_path / "first")
    english = sorted((project_copy / "docs" / "tutorials").glob("*.en.py"))[0]
    english.write_text(english.read_text() + "\n# %%\nprint('changed')\n")
    runs = executions(build(project_copy, tmp_path / "second"))
    assert runs == [(f"tutorials/{english.name}", "en")]
    html = (tmp_path / "second" / "en" / "tutorials" / english.stem.removesuffix(".en")
            / "index.html").read_text("utf-8")
    assert "changed" in html
