"""Checks of the text arguments of torchbasics.data: special tokens and
vocabularies (the checks of ints, numbers, flags and tensors live in
torchbasics._validation)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "check_chars",
    "check_specials",
]


def check_specials(specials: object, required: Sequence[str]) -> tuple[str, ...]:
    """Return the special tokens as a tuple if they are valid; raise if not.

    Valid: strings, each longer than one character (so that no text character
    can be mistaken for one), without repeats, including every ``required``.

    Examples:
        >>> check_specials(("<pad>", "#"), required=("<pad>",))
        Traceback (most recent call last):
        ...
        ValueError: special tokens must be longer than one character, got ['#']
    """
    if isinstance(specials, str) or not isinstance(specials, Iterable):
        raise TypeError(f"specials must be a sequence of strings, got {specials!r}")
    specials = tuple(specials)
    if not all(isinstance(s, str) for s in specials):
        raise TypeError(f"specials must be a sequence of strings, got {specials!r}")
    if not all(r in specials for r in required):
        needed = " and ".join(repr(r) for r in required)
        raise ValueError(f"specials must include {needed}, got {specials}")
    short = [s for s in specials if len(s) < 2]
    if short:
        raise ValueError(f"special tokens must be longer than one character, got {short}")
    if len(set(specials)) != len(specials):
        raise ValueError(f"specials must not repeat, got {specials}")
    return specials


def check_chars(chars: object) -> tuple[str, ...]:
    """Return ``chars`` as a tuple if they are distinct single characters.

    Examples:
        >>> check_chars(["a", "bc"])
        Traceback (most recent call last):
        ...
        ValueError: chars must be single characters, got ['bc']
    """
    if not isinstance(chars, Iterable):
        raise TypeError(f"chars must be an iterable of characters, got {chars!r}")
    chars = tuple(chars)
    bad = [c for c in chars if not isinstance(c, str) or len(c) != 1]
    if bad:
        raise ValueError(f"chars must be single characters, got {bad[:5]!r}")
    if len(set(chars)) != len(chars):
        raise ValueError("chars must not repeat a character")
    return chars
