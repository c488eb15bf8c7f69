"""The MkDocs hooks: notebook headings, doctest fences, tutorial execution and caches.

The pure helpers of ``hooks/coursebuild`` are tested directly. The pipeline is
tested in real builds of a small site of its own (two tiny tutorials in two
languages, a few seconds per build), counting the executions the build logs:
a cold build executes each tutorial once whatever the number of languages,
in parallel; a warm one executes nothing; a prose edit re-renders without
executing; code changed in one language only fails the build, naming the file
and the cell.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import jupytext
import nbformat
import pytest
import torch

from torchbasics.devices import describe_device

from conftest import ROOT, load_hook, mkdocs_build, offline_env
from coursebuild import execution, figures, provenance, render, write_atomically
from coursebuild import html as nbhtml
from coursebuild.i18n_files import localized_uri, page_uri


doctest_fences = load_hook("doctest_fences")


# --- heading ids ---------------------------------------------------------------


def test_korean_headings_get_unicode_ids_and_a_nested_toc() -> None:
    html = (
        '<h1 id="">텐서 실습<a class="anchor-link" href="#">¶</a></h1>'
        '<p>x</p><h2 id="">텐서 만들기<a class="anchor-link" href="#">¶</a></h2>'
        '<h2 id="">CPU &amp; GPU<a class="anchor-link" href="#">¶</a></h2>'
    )
    fixed, toc = nbhtml.fix_headings(html)
    assert 'id="텐서-실습"' in fixed and 'href="#텐서-만들기"' in fixed
    assert 'id=""' not in fixed and 'href="#"' not in fixed
    assert [t["id"] for t in toc] == ["텐서-실습"]
    assert [c["id"] for c in toc[0]["children"]] == ["텐서-만들기", "cpu--gpu"]
    assert toc[0]["children"][1]["name"] == "CPU &amp; GPU"


def test_repeated_headings_get_distinct_ids() -> None:
    html = '<h2 id="">요약</h2><h2 id="">요약</h2>'
    fixed, toc = nbhtml.fix_headings(html)
    assert [t["id"] for t in toc] == ["요약", "요약_1"]
    assert fixed.count('id="요약"') == 1


def test_heading_without_text_still_gets_an_id() -> None:
    fixed, toc = nbhtml.fix_headings('<h3 id="">¶</h3>')
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


# --- tutorials x i18n ------------------------------------------------------------


def test_page_and_source_uris_per_language() -> None:
    assert localized_uri("tutorials/x.py", "en", "ko") == "tutorials/x.en.py"
    assert localized_uri("tutorials/x.py", "ko", "ko") == "tutorials/x.py"
    assert page_uri("tutorials/x.py", "ko", "ko", True) == "tutorials/x/index.html"
    assert page_uri("tutorials/x.py", "en", "ko", True) == "en/tutorials/x/index.html"
    assert page_uri("tutorials/x.py", "en", "ko", False) == "en/tutorials/x.html"


# --- parity, keys, merging ---------------------------------------------------------

KO = "# %% [markdown]\n# # 제목\n\n# %%\nx = 1\n\n# %% [markdown]\n# 설명\n\n# %%\nprint(x + 1)\n"
EN = "# %% [markdown]\n# # Title\n\n# %%\nx = 1\n\n# %% [markdown]\n# Prose\n\n# %%\nprint(x + 1)\n"


def notebook(text: str):
    return jupytext.reads(text, fmt="py:percent")


def cells(text: str) -> list[str]:
    return execution.code_cells(notebook(text))


def test_source_code_is_cached_by_the_file_bytes(tmp_path: Path) -> None:
    source = tmp_path / "t.py"
    source.write_text(KO, "utf-8")
    assert execution.source_code(source, tmp_path / "cache") == ["x = 1", "print(x + 1)"]
    entries = list((tmp_path / "cache" / "tutorials" / "sources").glob("*.json"))
    assert len(entries) == 1
    source.write_text(KO.replace("x = 1", "x = 5"), "utf-8")
    assert execution.source_code(source, tmp_path / "cache") == ["x = 5", "print(x + 1)"]
    entries[0].write_text("[", "utf-8")  # a corrupt entry is parsed again
    source.write_text(KO, "utf-8")
    assert execution.source_code(source, tmp_path / "cache") == ["x = 1", "print(x + 1)"]


def test_parity_returns_the_shared_code_cells(tmp_path: Path) -> None:
    code = execution.check_parity(
        {tmp_path / "t.py": cells(KO), tmp_path / "t.en.py": cells(EN)}, tmp_path
    )
    assert code == ["x = 1", "print(x + 1)"]


def test_code_changed_in_one_language_names_the_file_and_the_cell(tmp_path: Path) -> None:
    changed = EN.replace("print(x + 1)", "print(x + 2)")
    with pytest.raises(execution.CodeMismatchError) as err:
        execution.check_parity(
            {tmp_path / "t.py": cells(KO), tmp_path / "t.en.py": cells(changed)},
            tmp_path,
        )
    message = str(err.value)
    assert message.startswith("t.en.py: code cell 2 differs from t.py")
    assert "-print(x + 1)" in message and "+print(x + 2)" in message


def test_a_missing_code_cell_is_a_parity_error(tmp_path: Path) -> None:
    shorter = EN.split("# %% [markdown]\n# Prose")[0]
    with pytest.raises(execution.CodeMismatchError, match="has 1 code cells but t.py has 2"):
        execution.check_parity(
            {tmp_path / "t.py": cells(KO), tmp_path / "t.en.py": cells(shorter)},
            tmp_path,
        )


OPTIONS = execution.ExecutionOptions()


def test_execution_key_is_the_code_the_environment_and_the_options() -> None:
    key = execution.execution_key(["x = 1"], "env", OPTIONS)
    assert execution.execution_key(["x = 1"], "env", OPTIONS) == key
    assert execution.execution_key(["x = 2"], "env", OPTIONS) != key
    assert execution.execution_key(["x = 1", ""], "env", OPTIONS) != key
    assert execution.execution_key(["x = 1"], "other env", OPTIONS) != key
    other = execution.ExecutionOptions(allow_errors=True)
    assert execution.execution_key(["x = 1"], "env", other) != key


def test_prose_does_not_enter_the_execution_key(tmp_path: Path) -> None:
    ko, en = notebook(KO), notebook(EN)
    assert execution.code_cells(ko) == execution.code_cells(en)


def test_environment_follows_every_installed_distribution(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dists = execution.installed_distributions()
    assert "scikit-learn" in dists and "torch" in dists and "nbclient" in dists
    base = execution.environment_fingerprint(dists)
    assert execution.environment_fingerprint(dict(dists)) == base
    upgraded = dict(dists, **{"scikit-learn": "99.0"})
    assert execution.environment_fingerprint(upgraded) != base
    monkeypatch.setattr(execution, "package_digest", lambda name: "changed")
    assert execution.environment_fingerprint(dists) != base


def test_package_digest_follows_file_contents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "probe_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("A = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    first = execution.package_digest("probe_pkg")
    (pkg / "__init__.py").write_text("A = 2\n")
    assert execution.package_digest("probe_pkg") != first


def test_outputs_are_merged_cell_by_cell_into_each_language() -> None:
    executed = notebook(KO)
    code = [c for c in executed.cells if c.cell_type == "code"]
    code[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    code[1].execution_count = 2
    merged = render.merge_outputs(notebook(EN), executed)
    assert [c.source for c in merged.cells if c.cell_type == "markdown"] == ["# Title", "Prose"]
    merged_code = [c for c in merged.cells if c.cell_type == "code"]
    assert merged_code[0].outputs == [] and merged_code[1].outputs[0].text == "2\n"
    assert merged_code[1].execution_count == 2
    with pytest.raises(ValueError):
        render.merge_outputs(notebook(EN.replace("x = 1", "x = 3")), executed)


def test_render_key_follows_source_execution_options_and_environment() -> None:
    key = render.render_key("text", "exec", {"theme": ""}, "env")
    assert render.render_key("text", "exec", {"theme": ""}, "env") == key
    assert render.render_key("text 2", "exec", {"theme": ""}, "env") != key
    assert render.render_key("text", "exec 2", {"theme": ""}, "env") != key
    assert render.render_key("text", "exec", {"theme": "dark"}, "env") != key
    assert render.render_key("text", "exec", {"theme": ""}, "env 2") != key
    # options that do not change the HTML do not change the key
    assert render.render_key("text", "exec", {"theme": "", "execute": False}, "env") == key


def test_worker_count_is_one_per_core_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(execution.WORKERS_ENV_VAR, raising=False)
    assert execution.worker_count(jobs=15, cpus=2) == 2
    assert execution.worker_count(jobs=1, cpus=2) == 1
    monkeypatch.setenv(execution.WORKERS_ENV_VAR, "3")
    assert execution.worker_count(jobs=15, cpus=2) == 3
    monkeypatch.setenv(execution.WORKERS_ENV_VAR, "two")
    with pytest.raises(Exception, match="must be a positive integer, got 'two'"):
        execution.worker_count(jobs=15, cpus=2)


def test_parallel_kernels_share_the_cores() -> None:
    assert execution.kernel_environment(workers=2, cpus=2)["OMP_NUM_THREADS"] == "1"
    assert execution.kernel_environment(workers=2, cpus=16)["OMP_NUM_THREADS"] == "8"
    assert execution.kernel_environment(workers=4, cpus=2)["OMP_NUM_THREADS"] == "1"


def test_cache_prunes_only_old_unused_entries(tmp_path: Path) -> None:
    cache = execution.ExecutionCache(tmp_path)
    for key in ("used", "recent", "old"):
        cache.store(key, notebook(KO))
    now = time.time()
    long_ago = now - execution.PRUNE_AFTER_SECONDS - 60
    for key in ("used", "old"):
        os.utime(cache.path(key), (long_ago, long_ago))
    removed = cache.prune(["used"], now=now)
    assert removed == [cache.path("old")]
    assert cache.has("used") and cache.has("recent") and not cache.has("old")


def test_unreadable_cache_entries_count_as_missing(tmp_path: Path) -> None:
    cache = execution.ExecutionCache(tmp_path)
    cache.directory.mkdir(parents=True)
    cache.path("torn").write_text('{"cells": [')
    assert cache.load("torn") is None
    store = render.RenderCache(tmp_path)
    write_atomically(store.path("ko", "tutorials/x.py"), "not json")
    assert store.load("ko", "tutorials/x.py", "key") is None


# --- figures as files --------------------------------------------------------------


def png(width: int, height: int, mode: str = "RGBA") -> bytes:
    """A PNG with lines and a gradient: more than 256 colours, like a plot."""
    from PIL import Image, ImageDraw

    image = Image.linear_gradient("L").resize((width, height)).convert(mode)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 37):
        draw.line([(x, 0), (width - x, height)], fill=(200, 30, 30), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pixels(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_a_retina_figure_keeps_its_pixels_and_is_shown_at_half() -> None:
    data, width, height = figures.prepare("image/png", png(900, 500), 450, 250)
    assert (width, height) == (450, 250)
    assert pixels(data) == (900, 500)


def test_a_figure_wider_than_the_page_is_resampled_to_twice_the_widest_display() -> None:
    widest = figures.MAX_CSS_WIDTH
    data, width, height = figures.prepare("image/png", png(2600, 700), 1300, 350)
    assert (width, height) == (widest, round(350 * widest / 1300))
    assert pixels(data) == (2 * widest, round(700 * 2 * widest / 2600))


def test_a_figure_without_size_metadata_is_shown_at_its_pixel_size() -> None:
    data, width, height = figures.prepare("image/png", png(600, 400, "RGB"))
    assert (width, height) == (600, 400) and pixels(data) == (600, 400)
    never_enlarged, width, _ = figures.prepare("image/png", png(1000, 300))
    assert width == figures.MAX_CSS_WIDTH and pixels(never_enlarged) == (1000, 300)


def test_pngs_are_stored_with_a_palette_and_look_the_same() -> None:
    import numpy as np
    from PIL import Image

    source = png(800, 400)
    data, _, _ = figures.prepare("image/png", source, 400, 200)
    with Image.open(io.BytesIO(data)) as stored, Image.open(io.BytesIO(source)) as original:
        assert stored.mode == "P"
        error = np.abs(
            np.asarray(stored.convert("RGBA"), float) - np.asarray(original.convert("RGBA"), float)
        )
    assert error.mean() < 3, error.mean()
    assert len(data) < len(source)


def test_svg_and_small_jpeg_are_published_as_they_are() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"/>'
    assert figures.prepare("image/svg+xml", svg) == (svg, None, None)
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 20, 30)).save(out, "JPEG")
    assert figures.prepare("image/jpeg", out.getvalue()) == (out.getvalue(), 300, 200)


def test_store_names_files_by_their_content_and_prepares_each_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = figures.FigureStore(tmp_path)
    source = png(900, 500)
    figure = store.publish("image/png", source, 450, 250)
    data = store.path(figure.name).read_bytes()
    assert figure.name == hashlib.sha256(data).hexdigest()[:16] + ".png"
    assert (figure.width, figure.height) == (450, 250)

    def fail(*args: object) -> None:
        raise AssertionError("prepared again")

    monkeypatch.setattr(figures, "prepare", fail)
    assert figures.FigureStore(tmp_path).publish("image/png", source, 450, 250) == figure
    monkeypatch.undo()
    store.path(figure.name).unlink()  # pruned: prepared and stored again
    assert store.publish("image/png", source, 450, 250) == figure
    assert store.has(figure.name)


def figure_notebook(lang: str):
    """A notebook with a heading, a PNG output (retina), an SVG and text."""
    source = KO if lang == "ko" else EN
    nb = notebook(source)
    code = [c for c in nb.cells if c.cell_type == "code"]
    image = base64.b64encode(png(1000, 600)).decode()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'
    code[0].outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/png": image, "text/plain": "<Figure size 500x300 with 1 Axes>"},
            metadata={"image/png": {"width": 500, "height": 300}},
        ),
        nbformat.v4.new_output("stream", name="stdout", text="2\n"),
    ]
    code[1].outputs = [nbformat.v4.new_output("display_data", data={"image/svg+xml": svg})]
    return nb


def test_figures_become_lazy_img_tags_linked_from_the_page(tmp_path: Path) -> None:
    store = figures.FigureStore(tmp_path)
    nb = figure_notebook("ko")
    before = nbformat.writes(nb)
    extracted, shown = figures.extract_figures(nb, store, "ko")
    assert nbformat.writes(nb) == before, "the notebook itself keeps its images"
    rendered = render.render_notebook(extracted, {})
    content = figures.place_figures(rendered.content, shown)
    assert 'src="data:' not in content and "base64," not in content
    assert "<rect" not in content  # the SVG is a file, not inlined
    names = figures.figure_names(content)
    assert [n.rsplit(".", 1)[1] for n in names] == ["png", "svg"]
    assert all(store.has(n) for n in names)
    page = figures.link_figures(content, "tutorials/t/")
    tags = re.findall(r"<img [^>]*>", page)
    assert tags[0] == (
        f'<img src="../../assets/figures/{names[0]}" alt="그림 1 (제목)" width="500" '
        'height="300" loading="lazy" decoding="async">'
    )
    assert tags[1] == (
        f'<img src="../../assets/figures/{names[1]}" alt="그림 2 (제목)" '
        'loading="lazy" decoding="async">'
    )
    assert "2\n" in page  # the other outputs are untouched
    extracted, shown = figures.extract_figures(figure_notebook("en"), store, "en")
    english = figures.place_figures(render.render_notebook(extracted, {}).content, shown)
    assert figures.figure_names(english) == names, "both languages show the same files"
    english = figures.link_figures(english, "en/tutorials/t/")
    assert f'src="../../../assets/figures/{names[0]}" alt="Figure 1 (Title)"' in english


def test_alt_text_names_the_section_without_markup() -> None:
    assert figures._heading_text("# 텐서 `x`의 *모양* {#shape}\n\n본문") == "텐서 x의 모양"
    assert figures._heading_text("## 첫째\n\n### 둘째 ###\n") == "둘째"
    assert figures._heading_text("heading 없음") is None


def test_only_outputs_shown_as_images_are_extracted(tmp_path: Path) -> None:
    nb = notebook(KO)
    code = [c for c in nb.cells if c.cell_type == "code"]
    html_first = {"text/html": "<b>table</b>", "image/png": base64.b64encode(png(10, 10)).decode()}
    code[0].outputs = [nbformat.v4.new_output("execute_result", data=html_first, execution_count=1)]
    extracted, shown = figures.extract_figures(nb, figures.FigureStore(tmp_path), "ko")
    assert shown == []
    assert extracted.cells[1].outputs[0].data == html_first


def test_figure_files_join_the_sites_files_once(tmp_path: Path) -> None:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

    config = MkDocsConfig()
    (tmp_path / "docs").mkdir()
    config.load_dict(
        {"site_name": "t", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")}
    )
    errors, _ = config.validate()
    assert not errors, errors
    config = config.plugins.on_config(config)  # MkDocs' events have run, as in a build
    store = figures.FigureStore(tmp_path)
    name = store.publish("image/png", png(40, 20)).name
    files = Files([])
    figures.add_figure_files(files, config, store, [name])
    figures.add_figure_files(files, config, store, [name])
    assert [f.dest_uri for f in files] == [f"assets/figures/{name}"]
    files.copy_static_files()
    assert (tmp_path / "site" / "assets" / "figures" / name).read_bytes() == store.path(name).read_bytes()


# --- the pipeline in real builds of a small site ---------------------------------

EXECUTED = re.compile(r"Executed tutorial (\S+) in ([\d.]+) s")
RENDERED = re.compile(r"Rendered tutorial (\S+) \((\w+)\)")

MINI_CONFIG = """\
site_name: mini
docs_dir: docs
repo_url: https://github.com/example/mini
theme:
  name: material
  language: ko
hooks:
  - {hooks}/notebooks.py
  - stamps.py
plugins:
  - i18n:
      docs_structure: suffix
      fallback_to_default: false
      languages:
        - {{locale: ko, name: 한국어, default: true, build: true}}
        - {{locale: en, name: English, build: true}}
  - mkdocs-jupyter:
      include: ["tutorials/*.py"]
      execute: true
      allow_errors: false
      kernel_name: python3
      cache: false
nav:
  - index.md
  - tutorials/a.py
  - tutorials/b.py
"""


def tiny_tutorial(name: str, lang: str, extra_code: str = "") -> str:
    heading = {"ko": "# # 작은 실습 {}", "en": "# # Tiny lab {}"}[lang].format(name)
    prose = {"ko": "# 잠시 쉬었다가 출력합니다.", "en": "# Sleeps a moment, then prints."}[lang]
    return (
        "# %% [markdown]\n" + heading + "\n\n"
        "# %%\nimport time\n\ntime.sleep(1.5)\n"
        f"print('tutorial {name}:', 6 * 7)\n{extra_code}\n"
        "# %% [markdown]\n" + prose + "\n"
    )


# Records when each page of the default language is rendered (stamps.json).
STAMPS_HOOK = """\
import json, time
from pathlib import Path

def on_page_content(html, page, config, files):
    path = Path(config.config_file_path).parent / "stamps.json"
    stamps = json.loads(path.read_text()) if path.exists() else {}
    stamps.setdefault(page.file.src_uri, time.time())
    path.write_text(json.dumps(stamps))
    return html
"""


def write_mini_site(root: Path) -> Path:
    tutorials = root / "docs" / "tutorials"
    tutorials.mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MINI_CONFIG.format(hooks=ROOT / "hooks"), "utf-8")
    (root / "stamps.py").write_text(STAMPS_HOOK, "utf-8")
    (root / "docs" / "index.md").write_text("# 홈\n", "utf-8")
    (root / "docs" / "index.en.md").write_text("# Home\n", "utf-8")
    for name in ("a", "b"):
        extra = FIGURE_CODE if name == "a" else ""
        (tutorials / f"{name}.py").write_text(tiny_tutorial(name, "ko", extra), "utf-8")
        (tutorials / f"{name}.en.py").write_text(tiny_tutorial(name, "en", extra), "utf-8")
    return root


# Tutorial a also draws a figure, which the pages show as a file.
FIGURE_CODE = (
    "import matplotlib.pyplot as plt\n\n"
    "fig, ax = plt.subplots(figsize=(3, 2))\n"
    "ax.plot([0, 1, 2], [0, 1, 0])\n"
    "plt.show()\n"
)


# 2 workers even on a 1-core machine; the site's own cache (.cache beside its
# mkdocs.yml), whatever TORCHBASICS_CACHE_DIR the caller has set
MINI_ENV = {"TORCHBASICS_TUTORIAL_WORKERS": "2", "TORCHBASICS_CACHE_DIR": ".cache"}


@pytest.fixture(scope="module")
def cold_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The small site after its cold build, and that build's log."""
    root = write_mini_site(tmp_path_factory.mktemp("mini") / "mini")
    result = mkdocs_build(root / "cold", root=root, **MINI_ENV)
    return root, result.stdout + result.stderr


@pytest.fixture
def mini_site(cold_site: tuple[Path, str], tmp_path: Path) -> Path:
    """A private copy of the small site with the cold build's caches: warm."""
    root = tmp_path / "mini"
    shutil.copytree(cold_site[0], root, symlinks=True)
    return root


def build_mini(root: Path, site: str):
    """Build the small site with 2 workers (even on a 1-core machine)."""
    result = mkdocs_build(root / site, root=root, **MINI_ENV)
    log = result.stdout + result.stderr
    return EXECUTED.findall(log), RENDERED.findall(log)


def page(root: Path, site: str, lang: str, name: str) -> str:
    prefix = "" if lang == "ko" else "en/"
    return (root / site / prefix / "tutorials" / name / "index.html").read_text("utf-8")


def executed_records(root: Path) -> list[execution.ExecutionRecord]:
    cache = execution.ExecutionCache(root / ".cache")
    records = [
        execution.ExecutionRecord.of(nbformat.read(p, as_version=4))
        for p in sorted(cache.directory.glob("*.ipynb"))
    ]
    return [r for r in records if r is not None]


def test_cold_build_executes_each_tutorial_once_in_parallel(
    cold_site: tuple[Path, str],
) -> None:
    root, log = cold_site
    runs, renders = EXECUTED.findall(log), RENDERED.findall(log)
    assert sorted(src for src, _ in runs) == ["tutorials/a.py", "tutorials/b.py"]
    assert len(renders) == 4  # each language renders from the one execution
    for lang in ("ko", "en"):
        for name in ("a", "b"):
            assert f"tutorial {name}: 42" in page(root, "cold", lang, name)
    assert "작은 실습" in page(root, "cold", "ko", "a")
    assert "Tiny lab" in page(root, "cold", "en", "a")
    a, b = executed_records(root)
    assert a.workers == b.workers == 2
    # both sleep 1.5 s; executed one after the other, they could not overlap
    assert max(a.started, b.started) < min(a.finished, b.finished), (a, b)


def figure_files(root: Path, site: str) -> dict[str, bytes]:
    folder = root / site / "assets" / "figures"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.is_dir() else {}


def test_other_pages_render_while_the_tutorials_execute(
    cold_site: tuple[Path, str],
) -> None:
    root, _ = cold_site
    home = json.loads((root / "stamps.json").read_text())["index.md"]
    a, b = executed_records(root)
    # the home page did not wait for the executions; each tutorial page did.
    # The executions start in a background thread at the same moment as the
    # rendering, so which of the two comes first is a race of a millisecond
    # (CI once saw the home page 0.5 ms before the first kernel started):
    # what matters is that the home page was done long before the tutorials.
    assert home < min(a.finished, b.finished), (home, a, b)
    assert min(a.started, b.started) < home + 1.0, (home, a, b)


def test_warm_build_executes_and_renders_nothing(mini_site: Path) -> None:
    result = mkdocs_build(mini_site / "warm", root=mini_site, **MINI_ENV)
    log = result.stdout + result.stderr
    assert EXECUTED.findall(log) == [] and RENDERED.findall(log) == []
    assert page(mini_site, "warm", "en", "b") == page(mini_site, "cold", "en", "b")
    assert page(mini_site, "warm", "ko", "a") == page(mini_site, "cold", "ko", "a")
    # the figure files come from the caches too, byte for byte
    assert figure_files(mini_site, "warm") == figure_files(mini_site, "cold")
    # the downloads are published again, copied from their cache
    assert WROTE.findall(log) == []
    for lang in ("ko", "en"):
        for suffix in (".ipynb", ".py"):
            warm = download(mini_site, "warm", lang, "a", suffix)
            assert warm.read_bytes() == download(mini_site, "cold", lang, "a", suffix).read_bytes()


def test_both_languages_show_the_figure_as_one_lazy_file(cold_site: tuple[Path, str]) -> None:
    root = cold_site[0]
    files = figure_files(root, "cold")
    assert len(files) == 1, files
    (name, data), = files.items()
    assert name == hashlib.sha256(data).hexdigest()[:16] + ".png"
    tags = {}
    for lang, up in (("ko", "../../"), ("en", "../../../")):
        html = page(root, "cold", lang, "a")
        assert "base64," not in html
        tags[lang] = re.findall(r"<img [^>]*>", html)
        assert len(tags[lang]) == 1 and f'src="{up}assets/figures/{name}"' in tags[lang][0]
        assert 'loading="lazy"' in tags[lang][0] and 'decoding="async"' in tags[lang][0]
    assert 'alt="그림 1 (작은 실습 a)"' in tags["ko"][0]
    assert 'alt="Figure 1 (Tiny lab a)"' in tags["en"][0]
    # drawn at twice its CSS size (the executor's retina figures)
    width, height = (int(v) for v in re.findall(r'(?:width|height)="(\d+)"', tags["ko"][0]))
    px_width, px_height = pixels(data)
    assert px_width - 2 * width in (0, 1) and px_height - 2 * height in (0, 1)
    # the notebook in the execution cache keeps the PNG embedded
    assert any(
        "image/png" in out.get("data", {})
        for path in execution.ExecutionCache(root / ".cache").directory.glob("*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        for out in cell.get("outputs", [])
    )


def test_a_pruned_figure_file_is_made_again(mini_site: Path) -> None:
    store = figures.FigureStore(mini_site / ".cache")
    for path in store.directory.glob("*.png"):
        path.unlink()
    runs, renders = build_mini(mini_site, "second")
    assert runs == []
    # the Korean page is rendered again and makes the file; the English page's
    # cached HTML then finds it
    assert renders == [("tutorials/a.py", "ko")]
    assert figure_files(mini_site, "second") == figure_files(mini_site, "cold")


# --- run it yourself: downloads, Colab, provenance ----------------------------------

WROTE = re.compile(r"Wrote the notebook download of (\S+) \((\w+)\)")


def download(root: Path, site: str, lang: str, name: str, suffix: str) -> Path:
    prefix = "" if lang == "ko" else "en/"
    return root / site / prefix / "tutorials" / name / f"{name}-{lang}{suffix}"


def test_each_page_offers_its_executed_notebook_and_source(cold_site: tuple[Path, str]) -> None:
    root, log = cold_site
    assert sorted(WROTE.findall(log)) == [
        ("a.en.py", "en"), ("a.py", "ko"), ("b.en.py", "en"), ("b.py", "ko"),
    ]
    # not a Git checkout: the install cell says which branch it installs instead
    assert "Not a Git checkout" in log
    for lang in ("ko", "en"):
        for name in ("a", "b"):
            path = download(root, "cold", lang, name, ".ipynb")
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
            install, *cells = nb.cells
            assert install.metadata["tags"] == ["torchbasics-install"]
            assert install.source.endswith(
                '%pip install -q "torchbasics[data,tune] @ git+https://github.com/example/mini@main"'
            )
            source = root / "docs" / "tutorials" / (f"{name}.py" if lang == "ko" else f"{name}.en.py")
            assert [c.source for c in cells] == [c.source for c in notebook(source.read_text("utf-8")).cells]
            printed = [o.get("text", "") for c in cells for o in c.get("outputs", [])]
            assert f"tutorial {name}: 42\n" in printed
            assert "jupytext" not in nb.metadata
            assert nb.metadata["torchbasics"]["environment"]["torch"]
            assert download(root, "cold", lang, name, ".py").read_text("utf-8") == source.read_text("utf-8")
            html = page(root, "cold", lang, name)
            assert f'href="{name}-{lang}.ipynb"' in html and f'href="{name}-{lang}.py"' in html
            prefix = "" if lang == "ko" else "en/"
            assert (
                "https://colab.research.google.com/github/example/mini/blob/notebooks/"
                f"{prefix}tutorials/{name}/{name}-{lang}.ipynb"
            ) in html
    assert not list((root / "cold").rglob("*.en.py")), "an English source named x.en.py"
    assert "직접 실행하기" in page(root, "cold", "ko", "a")
    assert "Run it yourself" in page(root, "cold", "en", "a")


def test_each_page_says_where_and_when_it_was_executed(cold_site: tuple[Path, str]) -> None:
    root, _ = cold_site
    cache = execution.ExecutionCache(root / ".cache")
    for path in sorted(cache.directory.glob("*.ipynb")):
        executed = nbformat.read(path, as_version=4)
        found = provenance.Provenance.of(executed)
        record = execution.ExecutionRecord.of(executed)
        assert found is not None and record is not None
        # computed in the kernel that executed the tutorial, and by the executor
        assert found.python == platform.python_version()
        assert found.torch == torch.__version__
        assert found.device == describe_device()
        assert found.report is not None and found.report.startswith(f"torch {torch.__version__}")
        assert found.error is None
        assert found.commit is None  # the small site is not a Git checkout
        assert abs(datetime.strptime(found.finished, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=timezone.utc).timestamp() - record.finished) < 1
        # the probe cell is gone from the executed notebook
        assert not [c for c in executed.cells if provenance.is_probe(c)]
        name = Path(record.src_uri).stem
        for lang in ("ko", "en"):
            html = page(root, "cold", lang, name)
            for fact in (found.date, found.python, found.torch, found.device):
                assert fact in html, (lang, name, fact)
            assert "environment_report()" in html and "default device:" in html
    assert "Git 저장소 밖의 코드를 실행" in page(root, "cold", "ko", "a")
    assert "code outside a Git checkout" in page(root, "cold", "en", "a")


def test_cold_build_reports_its_progress(cold_site: tuple[Path, str]) -> None:
    log = cold_site[1]
    assert "Executing 2 tutorials on 2 workers;" in log
    assert "Executing tutorial 1 of 2: tutorials/a.py" in log
    assert "Executing tutorial 2 of 2: tutorials/b.py" in log
    assert re.search(r"Executed tutorial tutorials/[ab]\.py in [\d.]+ s \(2 of 2 done, \d+ s elapsed\)", log)


def test_prose_edit_renders_again_without_executing(mini_site: Path) -> None:
    english = mini_site / "docs" / "tutorials" / "a.en.py"
    english.write_text(english.read_text("utf-8").replace("Sleeps a moment", "Naps"), "utf-8")
    result = mkdocs_build(mini_site / "second", root=mini_site, **MINI_ENV)
    log = result.stdout + result.stderr
    assert EXECUTED.findall(log) == []
    assert RENDERED.findall(log) == [("tutorials/a.en.py", "en")]
    assert "Naps, then prints." in page(mini_site, "second", "en", "a")
    assert "tutorial a: 42" in page(mini_site, "second", "en", "a")
    # that language's download follows the edit; the other one is reused
    assert WROTE.findall(log) == [("a.en.py", "en")]
    nb = nbformat.read(download(mini_site, "second", "en", "a", ".ipynb"), as_version=4)
    assert "Naps, then prints." in nb.cells[-1].source
    assert "Naps" in download(mini_site, "second", "en", "a", ".py").read_text("utf-8")


def test_code_edited_in_both_languages_executes_that_tutorial_only(mini_site: Path) -> None:
    for suffix in (".py", ".en.py"):
        path = mini_site / "docs" / "tutorials" / f"b{suffix}"
        path.write_text(path.read_text("utf-8").replace("6 * 7", "6 * 8"), "utf-8")
    runs, renders = build_mini(mini_site, "second")
    assert [src for src, _ in runs] == ["tutorials/b.py"]
    assert sorted(renders) == [("tutorials/b.en.py", "en"), ("tutorials/b.py", "ko")]
    for lang in ("ko", "en"):
        assert "tutorial b: 48" in page(mini_site, "second", lang, "b")


def test_tutorials_with_the_same_code_share_one_execution(mini_site: Path) -> None:
    tutorials = mini_site / "docs" / "tutorials"
    for suffix in (".py", ".en.py"):
        a = tutorials / f"a{suffix}"
        a.write_text(a.read_text("utf-8").replace("6 * 7", "6 * 5"), "utf-8")
        shutil.copyfile(a, tutorials / f"b{suffix}")
    runs, renders = build_mini(mini_site, "same")
    assert len(runs) == 1, runs
    assert len(renders) == 4
    for lang in ("ko", "en"):
        for name in ("a", "b"):
            assert "tutorial a: 30" in page(mini_site, "same", lang, name)


def test_code_edited_in_one_language_fails_the_build_naming_file_and_cell(
    mini_site: Path,
) -> None:
    english = mini_site / "docs" / "tutorials" / "b.en.py"
    english.write_text(english.read_text("utf-8").replace("6 * 7", "6 * 9"), "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(mini_site / "site")],
        cwd=mini_site, env=offline_env(**MINI_ENV), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "tutorials/b.en.py: code cell 1 differs from tutorials/b.py" in result.stderr
    assert not EXECUTED.findall(result.stderr), "nothing may execute before the check"


def test_a_failing_tutorial_fails_the_build_and_keeps_the_others(mini_site: Path) -> None:
    for suffix in (".py", ".en.py"):
        path = mini_site / "docs" / "tutorials" / f"b{suffix}"
        path.write_text(path.read_text("utf-8") + "\n# %%\n1 / 0\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(mini_site / "site")],
        cwd=mini_site, env=offline_env(**MINI_ENV), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "Tutorial tutorials/b.py failed in code cell 2" in result.stderr
    assert "ZeroDivisionError" in result.stderr
    # a's execution was not lost: the next build executes only b
    for suffix in (".py", ".en.py"):
        path = mini_site / "docs" / "tutorials" / f"b{suffix}"
        path.write_text(path.read_text("utf-8").replace("1 / 0", "1 / 1"), "utf-8")
    runs, _ = build_mini(mini_site, "fixed")
    assert [src for src, _ in runs] == ["tutorials/b.py"]
