"""hooks/search_i18n.py: splitting the search index by language, rebasing search.

The hook's pure functions, without a build; tests/test_site.py checks the
indexes of a real build and tests/test_browser.py searches them.
"""

from __future__ import annotations

import json

import pytest

from conftest import load_hook


search_i18n = load_hook("search_i18n")

ENTRIES = [
    {"location": "", "title": "홈", "text": "텐서"},
    {"location": "lectures/a/#x", "title": "가", "text": "나"},
    {"location": "en/", "title": "Home", "text": "tensor"},
    {"location": "en/lectures/a/#x", "title": "A", "text": "B", "boost": 2},
    {"location": "enable/", "title": "not English", "text": "a Korean page named enable"},
]


def test_language_root() -> None:
    assert search_i18n.language_root("ko", "ko") == ""
    assert search_i18n.language_root("en", "ko") == "en/"


def test_entries_under_a_language_root_lose_the_root() -> None:
    assert search_i18n.entries_under(ENTRIES, "en/") == [
        {"location": "", "title": "Home", "text": "tensor"},
        {"location": "lectures/a/#x", "title": "A", "text": "B", "boost": 2},
    ]


def test_default_language_entries_exclude_the_other_roots_only() -> None:
    korean = search_i18n.entries_under(ENTRIES, "", ["", "en/"])
    assert [e["location"] for e in korean] == ["", "lectures/a/#x", "enable/"]


def test_entries_are_copied_not_changed() -> None:
    before = json.dumps(ENTRIES)
    search_i18n.entries_under(ENTRIES, "en/")
    assert json.dumps(ENTRIES) == before


PLUGIN_CONFIG = {
    "lang": ["en", "ko"],
    "separator": r"[\s\-]+|(?<=[가-힣]{2})(?:을|를)(?![가-힣])",
    "pipeline": [" "],
    "fields": {"title": {"boost": 1000.0}},
    "jieba_dict": None,
}


def test_each_language_keeps_the_separator_and_gets_its_lunr_pipeline() -> None:
    ko = search_i18n.search_config(PLUGIN_CONFIG, "ko")
    en = search_i18n.search_config(PLUGIN_CONFIG, "en")
    assert set(ko) == set(en) == {"lang", "separator", "pipeline", "fields"}
    assert ko["separator"] == en["separator"] == PLUGIN_CONFIG["separator"]
    assert ko["fields"] == en["fields"] == PLUGIN_CONFIG["fields"]
    # Korean as before: lunr.multi(en, ko) for its trimmer, nothing removed
    # from the pipeline stays: no stemmer, no stop words
    assert ko["lang"] == ["en", "ko"] and ko["pipeline"] == []
    # English alone; Material's prefix queries bypass a stemmer (see LUNR)
    assert en["lang"] == ["en"] and en["pipeline"] == ["trimmer"]


def test_an_unknown_language_gets_lunr_for_itself() -> None:
    assert search_i18n.search_config(PLUGIN_CONFIG, "de")["lang"] == ["de"]


def test_index_json_is_materials_format() -> None:
    data = json.loads(search_i18n.index_json({"lang": ["en"]}, ENTRIES[:1]))
    assert data == {"config": {"lang": ["en"]}, "docs": ENTRIES[:1]}
    assert ", " not in search_i18n.index_json({"a": [1, 2]}, [])
    # Korean as UTF-8 (a third the size of \uXXXX escapes), still valid JSON
    korean = search_i18n.index_json({}, [{"location": "", "title": "텐서", "text": ""}])
    assert "텐서" in korean
    assert json.loads(korean)["docs"][0]["title"] == "텐서"


PAGE = (
    '<!doctype html><html lang="en"><head><title>A &amp; B</title></head><body>'
    "<p>x &lt; y</p>"
    '<script id="__config" type="application/json">{"annotate": null, '
    '"base": "BASE", "features": ["search.highlight"], "search": '
    '"../../assets/javascripts/workers/search.js", "translations": '
    '{"search.result.none": "No \\u003cb\\u003ematching\\u003c/b\\u003e documents"}}'
    "</script>\n<script src=\"../../assets/javascripts/bundle.js\"></script></body></html>"
)


def config_of(html: str) -> dict:
    start = html.index('type="application/json">') + len('type="application/json">')
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.parametrize(
    "base, expected",
    [
        ("../..", "../../en/"),  # en/lectures/x/ -> the site root, then en/
        ("..", "../en/"),  # en/
        ("../../..", "../../../en/"),
        ("/", "/en/"),  # error pages use the absolute site path
        ("/docs/", "/docs/en/"),  # a site_url with a path
    ],
)
def test_rebase_points_search_at_the_language_root(base: str, expected: str) -> None:
    html = PAGE.replace("BASE", base)
    rebased = search_i18n.rebase_config(html, "en/")
    assert config_of(rebased) == {**config_of(html), "base": expected}


def test_rebase_changes_nothing_else_and_escapes_nothing() -> None:
    html = PAGE.replace("BASE", "../..")
    rebased = search_i18n.rebase_config(html, "en/")
    # the rest of the page byte for byte (a Markup result once escaped it all)
    assert rebased == html.replace('"base": "../.."', '"base": "../../en/"')
    assert "\\u003cb\\u003e" in rebased and "<b>" not in rebased


def test_rebase_refuses_a_page_without_materials_config() -> None:
    with pytest.raises(ValueError, match="__config"):
        search_i18n.rebase_config("<html><body>plain</body></html>", "en/")


def test_code_blocks_leave_the_index_and_prose_stays() -> None:
    text = (
        "<p>Use <code>torch.manual_seed</code> first.</p> "
        '<pre class="x"><code>&gt;&gt;&gt; torch.manual_seed(0)\n'
        "&lt;torch._C.Generator&gt;</code></pre>"
        " <p>Then train.</p>"
    )
    entry = {"location": "a/#s", "title": "S", "text": text}
    (out,) = search_i18n.without_code_blocks([entry])
    assert out == {
        "location": "a/#s",
        "title": "S",
        "text": "<p>Use <code>torch.manual_seed</code> first.</p> <p>Then train.</p>",
    }
    assert entry["text"] == text  # the entry given is not changed
    assert search_i18n.without_code_blocks([{"location": "b/", "title": "B", "text": ""}]) == [
        {"location": "b/", "title": "B", "text": ""}
    ]
