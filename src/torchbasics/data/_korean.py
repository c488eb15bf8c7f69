"""Korean text that ships with KoNLPy (the ``data`` extra), for character models."""

from __future__ import annotations

from torchbasics.data._extras import require

__all__ = ["load_korean_corpus"]

_CORPORA = ("kobill", "kolaw")


def load_korean_corpus(name: str = "kolaw") -> str:
    """Read a Korean corpus that ships with KoNLPy, as one string.

    - ``"kolaw"``: the Constitution of the Republic of Korea
      (대한민국헌법), 18,884 characters.
    - ``"kobill"``: ten bills (의안) of the National Assembly, 46,315
      characters: the files concatenated in sorted file-name order. Each
      file ends with a form feed (``"\\x0c"``), the page break of the PDF
      it was extracted from.

    Only KoNLPy's corpus reader is used, which reads text files: no Java
    virtual machine is started and no tagger is loaded. (Importing KoNLPy
    still imports JPype1, which is part of the extra.)

    Source: the corpora of KoNLPy (GPL v3), Korean public documents. Needs
    the ``data`` extra.

    Args:
        name: ``"kolaw"`` or ``"kobill"``.

    Returns:
        The text, exactly as in the files (UTF-8, newlines kept).

    Raises:
        ValueError: ``name`` is not one of the corpora.
        MissingExtraError: KoNLPy or JPype1 is not installed.

    Examples:
        >>> from torchbasics.data import load_korean_corpus
        >>> text = load_korean_corpus("kolaw")
        >>> text[:6], len(text)
        ('대한민국헌법', 18884)
    """
    if name not in _CORPORA:
        raise ValueError(
            f"unknown Korean corpus {name!r}; expected one of "
            + ", ".join(repr(n) for n in _CORPORA)
        )
    corpus = getattr(require("konlpy.corpus", "load_korean_corpus()"), name)
    parts = []
    for file_id in sorted(corpus.fileids()):
        with corpus.open(file_id) as file:
            parts.append(file.read())
    return "".join(parts)
