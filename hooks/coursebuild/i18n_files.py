"""Tutorial sources as pages, in every language mkdocs-static-i18n builds.

mkdocs-static-i18n rebuilds the file list after mkdocs-jupyter has wrapped the
notebooks, so on its own a translated ``x.en.py`` is copied raw instead of
rendered, and naive fixes make the English build overwrite the Korean page
(mkdocs-static-i18n #198). :func:`localize_tutorials` runs after i18n has
chosen the files of the language being built and turns each tutorial source
back into a page at ``[lang/]tutorials/<name>/``, with the alternates the
language switcher needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files


class TutorialFile(File):
    """A jupytext ``.py`` tutorial that MkDocs must treat as a page."""

    #: Language of this page (set for the language switcher, as i18n does).
    locale: str
    #: ``tutorials/x.py`` for every language's copy of the same tutorial.
    norm_src_uri: str
    #: The same tutorial in every built language, this one included.
    alternates: dict[str, File]

    def is_documentation_page(self) -> bool:
        return True


@dataclass(frozen=True)
class Languages:
    """The languages of the build: the one being built, the default, all."""

    current: str
    default: str
    built: tuple[str, ...]


def localized_uri(norm_src_uri: str, lang: str, default: str) -> str:
    """``tutorials/x.py`` -> ``tutorials/x.en.py`` (unchanged for the default)."""
    if lang == default:
        return norm_src_uri
    stem, suffix = norm_src_uri.rsplit(".", 1)
    return f"{stem}.{lang}.{suffix}"


def page_uri(norm_src_uri: str, lang: str, default: str, use_dirs: bool) -> str:
    """``tutorials/x.py`` -> ``[lang/]tutorials/x/index.html``."""
    stem = PurePosixPath(norm_src_uri).with_suffix("")
    dest = f"{stem}/index.html" if use_dirs else f"{stem}.html"
    return dest if lang == default else f"{lang}/{dest}"


def language_sources(norm_src_uri: str, docs_dir: Path, languages: Languages) -> dict[str, Path]:
    """Each built language's source of one tutorial, where that source exists."""
    found = {}
    for lang in languages.built:
        path = docs_dir / localized_uri(norm_src_uri, lang, languages.default)
        if path.is_file():
            found[lang] = path
    return found


def localize_tutorials(
    files: Files,
    config: MkDocsConfig,
    languages: Languages,
    is_tutorial: Callable[[File], bool],
) -> list[TutorialFile]:
    """Replace each tutorial among ``files`` by a page of the current language.

    ``files`` is changed in place (it is i18n's ``Files`` subclass, whose
    lookup of localized link targets the rest of the build relies on); the
    new pages are returned.
    """
    docs_dir = Path(config.docs_dir)

    def make(src_uri: str, lang: str, norm: str) -> TutorialFile:
        dest = page_uri(norm, lang, languages.default, config.use_directory_urls)
        return TutorialFile(
            src_uri,
            config.docs_dir,
            config.site_dir,
            config.use_directory_urls,
            dest_uri=dest,
        )

    pages = []
    for file in [f for f in files if is_tutorial(f)]:
        norm = getattr(file, "norm_src_uri", file.src_uri)
        page = make(file.src_uri, languages.current, norm)
        page.locale = languages.current
        page.norm_src_uri = norm
        # what mkdocs-static-i18n sets on the pages it localizes itself
        page.localization = getattr(file, "localization", None)  # type: ignore[attr-defined]
        page.locale_alternate_of = languages.current  # type: ignore[attr-defined]
        sources = language_sources(norm, docs_dir, languages)
        page.alternates = {
            lang: make(
                sources[lang].relative_to(docs_dir).as_posix() if lang in sources else norm,
                lang,
                norm,
            )
            for lang in languages.built
        }
        page.alternates[languages.current] = page
        files.remove(file)
        files.append(page)
        pages.append(page)
    return pages
