"""A character tokenizer: one token per character, Korean and English alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import torch

from torchbasics._validation import check_choice, check_int
from torchbasics.data._checks import check_chars, check_specials

__all__ = ["CharTokenizer"]

PAD = "<pad>"
UNK = "<unk>"
#: What ``decode`` shows for the ``<unk>`` token: U+FFFD REPLACEMENT CHARACTER.
REPLACEMENT = "\ufffd"
_ERRORS = ("strict", "replace")


class CharTokenizer:
    """Turn text into token ids and back, one token per character.

    A character is one Unicode code point: a Korean syllable such as ``한``,
    a Latin letter, a digit, a space, a newline, punctuation. The text is
    not normalized; Korean typed normally is made of syllables (NFC), so
    one syllable is one token.

    The vocabulary is the special tokens first (by default ``<pad>`` with
    id 0 and ``<unk>`` with id 1), then the characters, so that
    ``decode(encode(text)) == text`` for any text made of known
    characters. Characters outside the vocabulary are handled explicitly,
    by the ``errors`` argument of [`encode`][torchbasics.data.CharTokenizer.encode].
    Build one with [`from_text`][torchbasics.data.CharTokenizer.from_text];
    save it with ``to_dict`` (plain lists, for ``json.dump``) and restore it
    with ``from_dict``.

    Args:
        chars: The characters, in id order (ids follow the specials); each
            a single character, no repeats.
        specials: Special tokens, before the characters. They must include
            ``"<pad>"`` and ``"<unk>"``, and each must be longer than one
            character, so that no text character can be mistaken for one.

    Raises:
        TypeError: An argument is not made of strings.
        ValueError: A character is not a single character or repeats; the
            specials are missing ``<pad>`` or ``<unk>``, repeat, or one is
            a single character.

    Examples:
        >>> from torchbasics.data import CharTokenizer
        >>> tokenizer = CharTokenizer.from_text("안녕, hello")
        >>> len(tokenizer), tokenizer.pad_id, tokenizer.unk_id
        (10, 0, 1)
        >>> ids = tokenizer.encode("hello 안녕")
        >>> ids
        [5, 4, 6, 6, 7, 2, 9, 8]
        >>> tokenizer.decode(ids)
        'hello 안녕'
    """

    def __init__(self, chars: Iterable[str], *, specials: Sequence[str] = (PAD, UNK)):
        self._specials = check_specials(specials, required=(PAD, UNK))
        self._tokens = self._specials + check_chars(chars)
        self._ids = {token: i for i, token in enumerate(self._tokens)}

    @classmethod
    def from_text(cls, text: str, *, specials: Sequence[str] = (PAD, UNK)) -> CharTokenizer:
        """Build the vocabulary of ``text``: its distinct characters, sorted.

        The characters are sorted by code point (so English letters come
        before Korean syllables), so the same text always gives the same ids.

        Args:
            text: The training text.
            specials: The special tokens, placed first (see the class).

        Returns:
            The tokenizer.

        Raises:
            TypeError: ``text`` is not a string.
            ValueError: ``text`` is empty.

        Examples:
            >>> from torchbasics.data import CharTokenizer
            >>> CharTokenizer.from_text("banana").vocab
            ('<pad>', '<unk>', 'a', 'b', 'n')
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        if not text:
            raise ValueError("text must not be empty: it gives no characters")
        return cls(sorted(set(text)), specials=specials)

    @property
    def vocab(self) -> tuple[str, ...]:
        """Every token, in id order: the specials, then the characters."""
        return self._tokens

    @property
    def vocab_size(self) -> int:
        """Number of tokens, specials included: ``nn.Embedding``'s first argument."""
        return len(self._tokens)

    @property
    def pad_id(self) -> int:
        """Id of ``<pad>``, for ``pad_collate(padding_value=...)``."""
        return self._ids[PAD]

    @property
    def unk_id(self) -> int:
        """Id of ``<unk>``, which stands for characters outside the vocabulary."""
        return self._ids[UNK]

    def __len__(self) -> int:
        return len(self._tokens)

    def __repr__(self) -> str:
        return f"CharTokenizer(vocab_size={self.vocab_size})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CharTokenizer):
            return NotImplemented
        return self._tokens == other._tokens and self._specials == other._specials

    __hash__ = None  # type: ignore[assignment]

    def encode(self, text: str, errors: str = "strict") -> list[int]:
        """The id of each character of ``text``.

        Args:
            text: The text to encode.
            errors: What to do with a character outside the vocabulary:
                ``"strict"`` raises ``ValueError`` naming every such
                character; ``"replace"`` gives it the id of ``<unk>`` (and
                ``decode`` then shows ``"\\ufffd"``, the replacement
                character ``�``).

        Returns:
            One id per character, ``len(text)`` ids.

        Raises:
            TypeError: ``text`` or ``errors`` is not a string.
            ValueError: ``errors`` is not ``"strict"`` or ``"replace"``, or
                it is ``"strict"`` and ``text`` has unknown characters.

        Examples:
            >>> from torchbasics.data import CharTokenizer
            >>> tokenizer = CharTokenizer.from_text("abc")
            >>> tokenizer.encode("cab")
            [4, 2, 3]
            >>> tokenizer.encode("ax!", errors="replace")
            [2, 1, 1]
            >>> tokenizer.encode("ax!")
            Traceback (most recent call last):
            ...
            ValueError: 2 characters are not in the vocabulary: 'x', '!';
            pass errors="replace" to encode them as <unk>
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        check_choice(errors, "errors", _ERRORS)
        ids = self._ids
        if errors == "strict":
            unknown = [c for c in dict.fromkeys(text) if c not in ids]
            if unknown:
                shown = ", ".join(repr(c) for c in unknown[:10])
                more = ", ..." if len(unknown) > 10 else ""
                raise ValueError(
                    f"{len(unknown)} characters are not in the vocabulary: "
                    f'{shown}{more}; pass errors="replace" to encode them as {UNK}'
                )
            return [ids[c] for c in text]
        unk = self.unk_id
        return [ids.get(c, unk) for c in text]

    def encode_tensor(self, text: str, errors: str = "strict") -> torch.Tensor:
        """Like [`encode`][torchbasics.data.CharTokenizer.encode], as an int64 tensor.

        Shape:
            - output: `(len(text),)`, int64, ready for ``nn.Embedding``.
        """
        return torch.tensor(self.encode(text, errors), dtype=torch.int64)

    def decode(self, ids: Iterable[int] | torch.Tensor) -> str:
        """The text of ``ids``: the inverse of ``encode`` for known characters.

        ``<pad>`` decodes to nothing (it is padding, not text), ``<unk>`` to
        ``"\\ufffd"`` (``�``, the Unicode replacement character, visible where a
        character was unknown), any other special token to its own text,
        e.g. ``"<bos>"``.

        Args:
            ids: Token ids: a list of ints or a 1-D integer tensor.

        Returns:
            The text.

        Raises:
            TypeError: An id is not an integer.
            ValueError: An id is outside ``range(vocab_size)``, or a tensor
                is not 1-D.

        Examples:
            >>> from torchbasics.data import CharTokenizer
            >>> tokenizer = CharTokenizer.from_text("abc")
            >>> tokenizer.decode([2, 1, 4, 0, 0])
            'a�c'
        """
        if isinstance(ids, torch.Tensor):
            if ids.ndim != 1 or ids.is_floating_point() or ids.is_complex():
                raise ValueError(
                    f"expected a 1-D integer tensor of ids, got shape "
                    f"{tuple(ids.shape)} and dtype {ids.dtype}"
                )
            ids = ids.tolist()
        shown = {self.pad_id: "", self.unk_id: REPLACEMENT}
        pieces = []
        for position, i in enumerate(ids):
            i = check_int(i, f"ids[{position}]")
            if not 0 <= i < len(self._tokens):
                raise ValueError(
                    f"id {i} is out of range for a vocabulary of {len(self._tokens)} "
                    f"tokens (0 to {len(self._tokens) - 1})"
                )
            pieces.append(shown.get(i, self._tokens[i]))
        return "".join(pieces)

    def to_dict(self) -> dict[str, list[str]]:
        """The vocabulary as plain lists, for ``json.dump``; see ``from_dict``.

        Examples:
            >>> from torchbasics.data import CharTokenizer
            >>> CharTokenizer.from_text("ba").to_dict()
            {'specials': ['<pad>', '<unk>'], 'chars': ['a', 'b']}
        """
        n = len(self._specials)
        return {"specials": list(self._specials), "chars": list(self._tokens[n:])}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CharTokenizer:
        """Rebuild a tokenizer from ``to_dict``'s output: the same ids.

        Raises:
            TypeError: ``data`` is not a mapping.
            ValueError: ``data`` lacks ``"specials"`` or ``"chars"``, or they
                are not a valid vocabulary (see the class).

        Examples:
            >>> import json
            >>> from torchbasics.data import CharTokenizer
            >>> tokenizer = CharTokenizer.from_text("한국어 text")
            >>> saved = json.dumps(tokenizer.to_dict(), ensure_ascii=False)
            >>> CharTokenizer.from_dict(json.loads(saved)) == tokenizer
            True
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"expected a dict from to_dict(), got {type(data).__name__}")
        missing = [key for key in ("specials", "chars") if key not in data]
        if missing:
            raise ValueError(f"expected a dict with keys 'specials' and 'chars', missing {missing}")
        return cls(data["chars"], specials=data["specials"])
