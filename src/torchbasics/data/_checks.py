"""Argument checks used across torchbasics.data (the tensor checks live in
torchbasics._validation)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral, Real

__all__ = [
    "check_bool",
    "check_chars",
    "check_nonnegative_float",
    "check_seed",
    "check_specials",
]


def check_seed(seed: object) -> int:
    """Return ``seed`` as an int if it is a non-negative integer; raise if not.

    Examples:
        >>> check_seed(-1)
        Traceback (most recent call last):
        ...
        ValueError: seed must be a non-negative int, got -1
    """
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise TypeError(f"seed must be an int, got {seed!r} ({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed}")
    return int(seed)


def check_bool(name: str, value: object) -> None:
    """Raise ``TypeError`` unless ``value`` is ``True`` or ``False``.

    Examples:
        >>> check_bool("flatten", "yes")
        Traceback (most recent call last):
        ...
        TypeError: flatten must be True or False, got 'yes'
    """
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")


def check_nonnegative_float(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite number ``>= 0``; raise if not.

    Examples:
        >>> check_nonnegative_float("noise", -0.1)
        Traceback (most recent call last):
        ...
        ValueError: noise must be a finite number >= 0, got -0.1
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{name} must be a number, got {value!r} ({type(value).__name__})"
        )
    if not 0 <= float(value) < float("inf"):
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return float(value)


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
        raise ValueError(
            f"special tokens must be longer than one character, got {short}"
        )
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
