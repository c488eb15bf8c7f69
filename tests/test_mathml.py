"""LaTeX math is published as MathML (hooks/mathml.py, coursebuild.mathml).

The conversion is checked on the markup the two renderers really produce:
Python-Markdown with pymdownx.arithmatex as mkdocs.yml configures it (lecture
pages) and mkdocs-jupyter's notebook HTML (tutorials). The browser tests check
that Chromium lays the result out as math.
"""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from coursebuild.mathml import convert_arithmatex, convert_notebook_math, to_mathml
from mkdocs_jupyter import convert

from conftest import ROOT, load_hook

mathml_hook = load_hook("mathml")


def arithmatex_config() -> dict[str, object]:
    """pymdownx.arithmatex's settings as mkdocs.yml gives them."""
    import yaml  # the tags in mkdocs.yml are read as None, as coursebuild.nav does

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=Loader)
    for extension in config["markdown_extensions"]:
        if isinstance(extension, dict) and "pymdownx.arithmatex" in extension:
            return dict(extension["pymdownx.arithmatex"])
    raise AssertionError("mkdocs.yml does not enable pymdownx.arithmatex")


def render_lecture_markdown(text: str) -> str:
    md = markdown.Markdown(
        extensions=["pymdownx.arithmatex", "admonition", "pymdownx.details"],
        extension_configs={"pymdownx.arithmatex": arithmatex_config()},
    )
    return md.convert(textwrap.dedent(text))


def test_mkdocs_yml_asks_arithmatex_for_the_generic_markup() -> None:
    assert arithmatex_config().get("generic") is True


def test_lecture_math_becomes_mathml_and_code_is_left_alone() -> None:
    html = render_lecture_markdown(
        r"""
        Inline $p_k < 1$를 and `$not math$`, a price of $5.

        $$
        \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}
        $$

        ??? success "풀이"
            Inside a collapsed block: $\sigma(z)$.
        """
    )
    converted, errors = convert_arithmatex(html)
    assert errors == []
    assert converted.count("<math") == 3
    assert converted.count('<math display="block">') == 1
    assert "<mfrac>" in converted and "<mo>&lt;</mo>" in converted
    assert "<code>$not math$</code>" in converted and "a price of $5." in converted
    assert "\\(" not in converted and "\\[" not in converted


def test_notebook_math_is_converted_in_markdown_cells_only(tmp_path: Path) -> None:
    source = tmp_path / "nb.py"
    source.write_text(
        textwrap.dedent(
            """\
            # %% [markdown]
            # Inline $\\eta \\nabla L$, code `$x$`, and a price of $5.
            #
            # $$\\frac{1}{n}\\sum_i x_i$$

            # %%
            print("$1 and $2")
            """
        ),
        encoding="utf-8",
    )
    html = convert.nb2html(str(source), execute=False, custom_mathjax_url="", theme="light")
    html = html.replace("<pre>", '<pre class="output">$1 and $2 ', 1)  # output-like text
    converted, errors = convert_notebook_math(html)
    assert errors == []
    assert converted.count("<math") == 2
    assert converted.count('<math display="block">') == 1
    assert "<code>$x$</code>" in converted and "a price of $5." in converted
    assert '<span class="s2">"$1 and $2"</span>' in converted  # the code cell
    assert '<pre class="output">$1 and $2 ' in converted


def test_latex_that_cannot_be_read_is_reported_and_kept() -> None:
    html = '<p><span class="arithmatex">\\(\\notacommand{x}\\)</span></p>'
    converted, errors = convert_arithmatex(html)
    assert converted == html
    assert [e.latex for e in errors] == ["\\notacommand{x}"]
    assert "notacommand" in str(errors[0])


def test_the_hook_names_the_page_of_a_bad_formula(caplog: pytest.LogCaptureFixture) -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="lectures/x.md"))
    html = '<span class="arithmatex">\\(\\frac{1}\\)</span> <span class="arithmatex">\\(x\\)</span>'
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.mathml"):
        out = mathml_hook.on_page_content(html, page=page, config=None, files=None)
    assert out.count("<math>") == 1  # the readable formula is converted
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "lectures/x.md" in caplog.records[0].getMessage()


def test_the_hook_reads_tutorials_as_notebooks() -> None:
    page = SimpleNamespace(file=SimpleNamespace(src_uri="tutorials/x.en.py"))
    html = '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown"><p>$x$</p></div>'
    out = mathml_hook.on_page_content(html, page=page, config=None, files=None)
    mathml = to_mathml("x", display=False)
    assert out == f'<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown"><p>{mathml}</p></div>'
