"""The build caches of hooks/render_cache.py and hooks/search_cache.py.

Unit tests call the hooks' helpers on real MkDocs pages: a page restored from
the render cache must be indistinguishable from a freshly rendered one,
including what the render registered with mkdocs-autorefs and mkdocstrings'
inventory, and any change to what a page depends on must change its key. The
build tests (marked ``site``) check the same on the whole site: a warm build
publishes byte for byte what an uncached build publishes, and an edit shows.
"""

from __future__ import annotations

import filecmp
import json
import logging
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs_autorefs import AutorefsPlugin

from conftest import ROOT, load_hook, mkdocs_build
from coursebuild import CACHE_ENV_VAR, cache_root
from coursebuild import pagecache


@pytest.fixture(autouse=True)
def _cache_beside_mkdocs_yml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Caches go to ``.cache`` beside the (temporary) mkdocs.yml, not into a
    ``TORCHBASICS_CACHE_DIR`` the caller set; the builds below name theirs."""
    monkeypatch.delenv(CACHE_ENV_VAR, raising=False)


render_cache = load_hook("render_cache")
search_cache = load_hook("search_cache")
template_cache = load_hook("template_cache")


# --- cache files ------------------------------------------------------------------


def test_entries_round_trip_and_a_different_key_misses(tmp_path: Path) -> None:
    cache = pagecache.EntryCache(tmp_path, "pages")
    path = cache.path("en/api/models/index.html")
    assert path == tmp_path / "pages" / "en__api__models__index.html.json"
    cache.store("en/api/models/index.html", "k1", {"content": "<p>텐서</p>"})
    assert cache.load("en/api/models/index.html", "k1") == {"key": "k1", "content": "<p>텐서</p>"}
    assert cache.load("en/api/models/index.html", "k2") is None
    assert list(path.parent.iterdir()) == [path], "a temporary file was left behind"
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_corrupt_or_missing_entry_is_a_miss(tmp_path: Path) -> None:
    cache = pagecache.EntryCache(tmp_path, "search")
    assert cache.load("x", "k") is None
    cache.path("x").parent.mkdir(parents=True)
    cache.path("x").write_text('{"key": "k", "content": ')  # cut off mid-write
    assert cache.load("x", "k") is None
    cache.path("x").write_text('["k"]')
    assert cache.load("x", "k") is None


def test_digest_keeps_the_parts_apart() -> None:
    assert pagecache.digest(["ab", "c"]) != pagecache.digest(["a", "bc"])
    assert pagecache.digest(["a", b"b"]) == pagecache.digest([b"a", "b"])


def test_tree_digest_follows_sources_and_ignores_bytecode(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "__pycache__").mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""Doc."""\n')
    first = pagecache.tree_digest([tmp_path])
    (pkg / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (pkg / "notes.txt").write_text("not a source")
    assert pagecache.tree_digest([tmp_path]) == first
    (pkg / "__init__.py").write_text('"""Changed doc."""\n')
    assert pagecache.tree_digest([tmp_path]) != first


def test_environment_key_names_python_and_the_installed_libraries() -> None:
    key = pagecache.environment_key()
    assert key[0].startswith("python=")
    assert any(re.fullmatch(r"mkdocs=1\.6\.\d+", part) for part in key)


def test_the_caches_live_under_the_tutorial_cache_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cache_root(tmp_path) == tmp_path / ".cache"
    monkeypatch.setenv(CACHE_ENV_VAR, "/elsewhere")
    assert cache_root(tmp_path) == Path("/elsewhere")


# --- rendering a real page --------------------------------------------------------

MARKDOWN = """\
# 텐서 {#tensors}

See [the other page](other.md#shapes) and [here](#tensors).

[](){#an-alias}
## Shapes {#shapes}

```python
x = 1
```
"""


def site(tmp_path: Path) -> tuple[MkDocsConfig, Files, AutorefsPlugin]:
    docs = tmp_path / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(MARKDOWN, encoding="utf-8")
    (docs / "other.md").write_text("# Other\n\n## Shapes {#shapes}\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n")
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({
        "site_name": "t",
        "docs_dir": str(docs),
        "site_dir": str(tmp_path / "site"),
        "markdown_extensions": ["toc", "attr_list", "pymdownx.superfences"],
    })
    errors, _ = config.validate()
    assert not errors, errors
    autorefs = AutorefsPlugin()
    autorefs.load_config({})
    autorefs.on_config(config)
    config.plugins["autorefs"] = autorefs
    files = Files([
        File(name, str(docs), str(tmp_path / "site"), True) for name in ("index.md", "other.md")
    ])
    return config, files, autorefs


def read_page(config: MkDocsConfig, files: Files, name: str = "index.md") -> Page:
    page = Page(None, files.get_file_from_path(name), config)
    page.read_source(config)
    return page


def state(page: Page) -> dict[str, Any]:
    return {
        "content": page.content,
        "toc": pagecache.toc_tokens(page.toc),
        "title": page.title,
        "anchors": page.present_anchor_ids,
        "links": {f.src_uri: a for f, a in (page.links_to_anchors or {}).items()},
    }


def test_a_restored_page_equals_a_rendered_one_and_replays_autorefs(tmp_path: Path) -> None:
    config, files, autorefs = site(tmp_path)
    fresh = read_page(config, files)
    autorefs.current_page = fresh
    with render_cache._Recorder(fresh, config) as recorder:
        fresh.render(config, files)
    assert recorder.clean
    assert ["anchor", "an-alias", "shapes", "Shapes", True] in recorder.events
    entry = render_cache.snapshot(fresh, recorder.events)

    other_config, other_files, other_autorefs = site(tmp_path / "again")
    restored = read_page(other_config, other_files)
    other_autorefs.current_page = restored
    assert render_cache.restore(restored, entry, other_config, other_files)
    assert state(restored) == state(fresh)
    assert state(fresh)["links"]["other.md"] == {"shapes": "other.md#shapes"}
    assert all(f is other_files.src_uris[f.src_uri] for f in restored.links_to_anchors)
    assert other_autorefs._primary_url_map == autorefs._primary_url_map
    assert other_autorefs._primary_url_map["an-alias"] == ["#shapes"]
    assert other_autorefs._title_map == autorefs._title_map


def test_the_recorder_puts_the_plugins_back_and_counts_log_messages(tmp_path: Path) -> None:
    config, files, autorefs = site(tmp_path)
    page = read_page(config, files)
    with render_cache._Recorder(page, config) as recorder:
        logging.getLogger("mkdocs.structure.pages").warning("a broken link")
        logging.getLogger("mkdocs.structure.pages").debug("not counted")
    assert recorder.messages == 1 and not recorder.clean
    assert "register_anchor" not in vars(autorefs)
    assert autorefs.register_anchor.__func__ is AutorefsPlugin.register_anchor


def test_registering_for_another_page_is_not_replayable(tmp_path: Path) -> None:
    config, files, autorefs = site(tmp_path)
    page, other = read_page(config, files), read_page(config, files, "other.md")
    with render_cache._Recorder(page, config) as recorder:
        autorefs.register_anchor(other, "x")
    assert recorder.foreign and not recorder.clean


class FakeInventory:
    def __init__(self) -> None:
        self.items: list[tuple[Any, ...]] = []

    def register(self, name: str, domain: str, role: str, uri: str, priority: int = 1,
                 dispname: str | None = None) -> None:
        self.items.append((name, domain, role, uri, priority, dispname))


class FakeHandlers:
    def __init__(self) -> None:
        self.inventory = FakeInventory()
        self.seen: list[str] = []

    def get_handler(self, name: str, handler_config: dict | None = None) -> str:
        self.seen.append(name)
        return name


def test_mkdocstrings_inventory_and_handlers_are_replayed(tmp_path: Path) -> None:
    config, files, _ = site(tmp_path)
    handlers = FakeHandlers()
    config.plugins["mkdocstrings"] = SimpleNamespace(_handlers=handlers)
    page = _rendered(read_page(config, files), config, files)
    with render_cache._Recorder(page, config) as recorder:
        handlers.get_handler("python")
        handlers.inventory.register("torchbasics.MLP", "py", "class", "api/#mlp", priority=2)
    entry = render_cache.snapshot(page, recorder.events)
    replayed = FakeHandlers()
    config.plugins["mkdocstrings"] = SimpleNamespace(_handlers=replayed)
    assert render_cache.restore(read_page(config, files), entry, config, files)
    assert replayed.seen == ["python"]
    assert replayed.inventory.items == handlers.inventory.items


def _rendered(page: Page, config: MkDocsConfig, files: Files) -> Page:
    page.render(config, files)
    return page


def test_an_entry_that_needs_mkdocstrings_is_not_restored_without_it(tmp_path: Path) -> None:
    config, files, _ = site(tmp_path)
    page = _rendered(read_page(config, files), config, files)
    entry = render_cache.snapshot(page, [["handler", "python"]])
    assert not render_cache.restore(read_page(config, files), entry, config, files)


def test_an_entry_linking_to_a_page_that_is_gone_is_not_restored(tmp_path: Path) -> None:
    config, files, _ = site(tmp_path)
    page = _rendered(read_page(config, files), config, files)
    entry = render_cache.snapshot(page, [])
    files.remove(files.get_file_from_path("other.md"))
    assert not render_cache.restore(read_page(config, files), entry, config, files)


def test_page_key_follows_the_markdown_the_files_and_the_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, files, _ = site(tmp_path)
    page = read_page(config, files)
    key = render_cache._page_key(page, config, files)
    assert key == render_cache._page_key(page, config, files)
    page.markdown += "\nmore"
    assert render_cache._page_key(page, config, files) != key
    # another set of files (a page added) is another build
    files.append(File("new.md", config.docs_dir, config.site_dir, True))
    delattr(files, render_cache._MEMO)
    assert render_cache._page_key(page, config, files) not in {key, None}
    # pages with autodoc blocks also depend on the documented sources
    page.markdown = "::: torchbasics.models.MLP\n"
    monkeypatch.setattr(render_cache, "_memo", lambda c, f: {"build": "b", "autodoc": "src1"})
    with_src1 = render_cache._page_key(page, config, files)
    monkeypatch.setattr(render_cache, "_memo", lambda c, f: {"build": "b", "autodoc": "src2"})
    assert render_cache._page_key(page, config, files) != with_src1
    monkeypatch.setattr(render_cache, "_memo", lambda c, f: {"build": "b", "autodoc": None})
    assert render_cache._page_key(page, config, files) is None
    page.markdown = "--8<-- 'README.md'\n"
    assert render_cache._page_key(page, config, files) is None


def test_autodoc_key_covers_the_handler_paths(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    source = tmp_path / "src" / "pkg" / "__init__.py"
    source.write_text('"""One."""\n')
    handlers = {"python": {"paths": ["src"]}}
    plugin = SimpleNamespace(config=SimpleNamespace(handlers=handlers, custom_templates=None))
    config = SimpleNamespace(
        plugins={"mkdocstrings": plugin}, config_file_path=str(tmp_path / "mkdocs.yml")
    )
    first = render_cache.autodoc_key(config)
    source.write_text('"""Two."""\n')
    assert render_cache.autodoc_key(config) not in {first, None}
    handlers["python"] = {}  # no paths: mkdocstrings would search the whole project
    assert render_cache.autodoc_key(config) is None


def test_pages_rendered_by_another_plugin_are_left_alone(tmp_path: Path) -> None:
    config, files, _ = site(tmp_path)
    page = read_page(config, files)
    custom = lambda cfg, fls: None  # noqa: E731 (as mkdocs-jupyter replaces it)
    page.render = custom
    assert render_cache.on_pre_page(page, config, files).render is custom
    plain = read_page(config, files)
    assert render_cache.on_pre_page(plain, config, files).render is not Page.render


# --- the search cache -------------------------------------------------------------


class FakeIndex:
    def __init__(self) -> None:
        self.entries: list[dict[str, str]] = []
        self.parsed: list[str] = []

    def add_entry_from_context(self, page: Any) -> None:
        self.parsed.append(page.url)
        self.entries.append({"location": page.url, "title": "t", "text": page.content})


def search_config(tmp_path: Path) -> SimpleNamespace:
    plugin = SimpleNamespace(search_index=FakeIndex(), config={"lang": ["ko", "en"]})
    return SimpleNamespace(
        plugins={"material/search": plugin}, config_file_path=str(tmp_path / "mkdocs.yml")
    )


def fake_page(url: str, content: str) -> SimpleNamespace:
    return SimpleNamespace(
        url=url, title="T", meta={}, toc=[], content=content,
        file=SimpleNamespace(dest_uri=url + "index.html"),
    )


def test_search_entries_are_reused_until_the_page_changes(tmp_path: Path) -> None:
    first = search_config(tmp_path)
    search_cache.on_pre_build(first)
    index = first.plugins["material/search"].search_index
    index.add_entry_from_context(fake_page("a/", "<p>one</p>"))
    assert index.parsed == ["a/"]

    second = search_config(tmp_path)  # the next build (or language)
    search_cache.on_pre_build(second)
    search_cache.on_pre_build(second)  # wrapping twice is harmless
    index = second.plugins["material/search"].search_index
    index.add_entry_from_context(fake_page("a/", "<p>one</p>"))
    assert index.parsed == [] and index.entries == [
        {"location": "a/", "title": "t", "text": "<p>one</p>"}
    ]
    index.add_entry_from_context(fake_page("a/", "<p>two</p>"))
    assert index.parsed == ["a/"]


def test_search_key_follows_everything_the_index_reads() -> None:
    base = search_cache.build_key({"lang": ["ko"]})
    assert base != search_cache.build_key({"lang": ["ko", "en"]})
    page = fake_page("a/", "<p>x</p>")
    key = search_cache.page_key(base, page)
    for change in ({"url": "b/"}, {"title": "U"}, {"meta": {"search": {"boost": 2}}},
                   {"content": "<p>y</p>"}):
        assert search_cache.page_key(base, SimpleNamespace(**{**vars(page), **change})) != key


# --- the template cache -----------------------------------------------------------


def jinja_env(tmp_path: Path, **settings: Any) -> jinja2.Environment:
    loader = jinja2.DictLoader({"page.html": "{% for x in xs %}<b>{{ x }}</b>{% endfor %}"})
    return jinja2.Environment(loader=loader, **settings)


def test_compiled_templates_are_stored_and_reused(tmp_path: Path) -> None:
    config = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"))
    first = template_cache.on_env(jinja_env(tmp_path), config=config, files=Files([]))
    assert first.get_template("page.html").render(xs=[1, 2]) == "<b>1</b><b>2</b>"
    stored = list((tmp_path / ".cache" / "jinja").rglob("*.cache"))
    assert len(stored) == 1
    second = template_cache.on_env(jinja_env(tmp_path), config=config, files=Files([]))
    assert second.bytecode_cache.directory == first.bytecode_cache.directory
    assert second.get_template("page.html").render(xs=[3]) == "<b>3</b>"


def test_template_cache_key_follows_the_environment_settings(tmp_path: Path) -> None:
    key = template_cache.compiled_key(jinja_env(tmp_path))
    assert key == template_cache.compiled_key(jinja_env(tmp_path))
    assert key != template_cache.compiled_key(jinja_env(tmp_path, trim_blocks=True))
    assert key != template_cache.compiled_key(jinja_env(tmp_path, autoescape=lambda n: True))
    env = jinja_env(tmp_path)
    env.filters["extra"] = str
    assert template_cache.compiled_key(env) != key


# --- whole builds -----------------------------------------------------------------


@pytest.fixture(scope="module")
def unexecuted_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with tutorials converted but not executed (fast to build)."""
    root = tmp_path_factory.mktemp("render-cache")
    for name in ("docs", "hooks", "src", "overrides"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "      execute: true\n" in config
    (root / "mkdocs.yml").write_text(config.replace("      execute: true\n", "      execute: false\n"))
    return root


def differences(left: Path, right: Path) -> list[str]:
    cmp = filecmp.dircmp(left, right)
    out = [str(left / n) for n in cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files]
    for name in cmp.common_dirs:
        out += differences(left / name, right / name)
    return out


@pytest.mark.site
def test_a_warm_build_publishes_what_an_uncached_build_publishes(
    unexecuted_copy: Path, tmp_path: Path
) -> None:
    cache = str(tmp_path / "cache")
    mkdocs_build(tmp_path / "cold", root=unexecuted_copy, TORCHBASICS_CACHE_DIR=cache)
    assert list((tmp_path / "cache" / "pages").glob("*api__models*"))
    mkdocs_build(tmp_path / "warm", root=unexecuted_copy, TORCHBASICS_CACHE_DIR=cache)
    assert differences(tmp_path / "cold", tmp_path / "warm") == []


@pytest.mark.site
def test_an_edited_lecture_and_a_changed_docstring_are_published(
    unexecuted_copy: Path, tmp_path: Path
) -> None:
    cache = str(tmp_path / "cache")
    mkdocs_build(tmp_path / "first", root=unexecuted_copy, TORCHBASICS_CACHE_DIR=cache)
    lecture = unexecuted_copy / "docs" / "lectures" / "w1-1-tensors.md"
    lecture.write_text(lecture.read_text("utf-8") + "\n새로 쓴 문단입니다.\n", "utf-8")
    module = unexecuted_copy / "src" / "torchbasics" / "metrics" / "__init__.py"
    module.write_text(module.read_text("utf-8").replace(
        '"""Score', '"""Edited module docstring. Score', 1), "utf-8")
    mkdocs_build(tmp_path / "second", root=unexecuted_copy, TORCHBASICS_CACHE_DIR=cache)
    html = (tmp_path / "second" / "lectures" / "w1-1-tensors" / "index.html").read_text("utf-8")
    assert "새로 쓴 문단입니다." in html
    index = json.loads((tmp_path / "second" / "search" / "search_index.json").read_text("utf-8"))
    assert any("새로 쓴 문단입니다." in doc["text"] for doc in index["docs"])
    for prefix in ("", "en/"):
        api = (tmp_path / "second" / prefix / "api" / "metrics" / "index.html").read_text("utf-8")
        assert "Edited module docstring." in api
