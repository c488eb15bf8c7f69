"""Split a dataset into training, validation and test parts, reproducibly."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence, Sized
from itertools import pairwise
from typing import Any

import torch
from torch.utils.data import Dataset, Subset, TensorDataset

from torchbasics._validation import check_bool, check_int, check_number
from torchbasics.data._standardize import Standardizer

__all__ = ["Split", "split"]


class Split(tuple[Dataset[Any], ...]):
    """What [`split`][torchbasics.data.split] returns: a tuple of parts, plus a scaler.

    A plain tuple of the parts in the order of the fractions, so that
    ``train, val, test = split(...)`` unpacks it, with one attribute more.

    Attributes:
        standardizer: The [`Standardizer`][torchbasics.data.Standardizer]
            fitted on the training part with ``split(..., standardize=True)``
            (use it on new data, or to undo the scaling), else ``None``.

    Examples:
        >>> from torchbasics.data import make_two_classes, split
        >>> train, val, test = parts = split(make_two_classes(100), standardize=True)
        >>> len(parts), parts.standardizer.mean.shape
        (3, torch.Size([2]))
    """

    standardizer: Standardizer | None

    def __new__(
        cls, parts: Iterable[Dataset[Any]], standardizer: Standardizer | None = None
    ) -> Split:
        self = super().__new__(cls, parts)
        self.standardizer = standardizer
        return self


def _check_fractions(fractions: object) -> tuple[float, ...]:
    if not isinstance(fractions, Sequence) or isinstance(fractions, str):
        raise TypeError(
            "fractions must be a tuple of 2 or 3 numbers, such as (0.8, 0.2) or "
            f"(0.7, 0.15, 0.15), got {fractions!r}"
        )
    if len(fractions) not in (2, 3):
        raise ValueError(
            "fractions must hold 2 (train, test) or 3 (train, val, test) numbers, "
            f"got {len(fractions)}: {tuple(fractions)}"
        )
    numbers = tuple(check_number(f, f"fractions[{i}]") for i, f in enumerate(fractions))
    if not all(0 < f < 1 for f in numbers):
        raise ValueError(f"every fraction must be between 0 and 1, got {tuple(fractions)}")
    total = math.fsum(numbers)
    if abs(total - 1) > 1e-6:
        raise ValueError(f"fractions must sum to 1, got {tuple(fractions)}, which sum to {total:g}")
    return numbers


def _sizes(n: int, fractions: tuple[float, ...]) -> list[int]:
    """Part sizes that add up to ``n``: rounded cumulative fractions."""
    bounds = [0]
    cumulative = 0.0
    for f in fractions[:-1]:
        cumulative += f
        bounds.append(round(n * cumulative))
    bounds.append(n)
    return [b - a for a, b in pairwise(bounds)]


def split(
    dataset: Dataset[Any],
    fractions: Sequence[float] = (0.7, 0.15, 0.15),
    *,
    seed: int = 0,
    shuffle: bool = True,
    standardize: bool = False,
) -> Split:
    """Split ``dataset`` into training, validation and test parts.

    The samples are shuffled with a ``torch.Generator`` of its own, seeded
    with ``seed``: the same arguments always give the same parts, and
    PyTorch's global random state is neither used nor changed. Every sample
    goes to exactly one part; part sizes are the fractions of ``len(dataset)``
    rounded so that they add up to it.

    With ``standardize=True`` the features are standardized with a
    [`Standardizer`][torchbasics.data.Standardizer] fitted on the **training
    part only** and applied to every part, so that nothing of the validation
    and test data leaks into training; the fitted statistics are in the
    result's ``standardizer`` attribute. Fit one yourself if you need other
    options, e.g. for the windows of a time series.

    Args:
        dataset: Any dataset with a length. A ``TensorDataset`` gives
            ``TensorDataset`` parts (``part.tensors`` works); any other
            dataset gives ``torch.utils.data.Subset`` parts.
        fractions: Share of each part, 2 numbers (train, test) or 3 (train,
            validation, test), each between 0 and 1, summing to 1.
        seed: Seed of the shuffle.
        shuffle: ``False`` keeps the order, so the first part gets the first
            samples: for time series, where the test part must come after
            the training part in time.
        standardize: Standardize the first tensor (the features) of a
            ``TensorDataset`` with statistics of the training part.

    Returns:
        A [`Split`][torchbasics.data.Split]: a tuple of the parts, in the
        order of ``fractions``, with a ``standardizer`` attribute.

    Raises:
        TypeError: ``dataset`` has no length; an argument has the wrong
            type; ``standardize=True`` for a dataset that is not a
            ``TensorDataset`` of floating-point features.
        ValueError: The fractions are not 2 or 3 numbers in (0, 1) that sum
            to 1 (within 1e-6), or a part would be empty.

    Examples:
        >>> from torchbasics.data import make_two_classes, split
        >>> train, val, test = split(make_two_classes(200), (0.7, 0.15, 0.15))
        >>> len(train), len(val), len(test)
        (140, 30, 30)
        >>> train, test = split(make_two_classes(200), (0.8, 0.2), seed=1)
        >>> len(train), len(test)
        (160, 40)
    """
    if not isinstance(dataset, Sized):
        raise TypeError(f"dataset must have a length (len(dataset)), got {type(dataset).__name__}")
    fractions = _check_fractions(fractions)
    seed = check_int(seed, "seed", minimum=0)
    check_bool(shuffle, "shuffle")
    check_bool(standardize, "standardize")
    if standardize and not isinstance(dataset, TensorDataset):
        raise TypeError(
            "standardize=True needs a TensorDataset (features first), got "
            f"{type(dataset).__name__}; fit a Standardizer on the training part "
            "yourself instead"
        )
    n = len(dataset)
    sizes = _sizes(n, fractions)
    if min(sizes) == 0:
        raise ValueError(
            f"splitting {n} samples by {fractions} gives parts of sizes {sizes}; "
            "every part must get at least one sample: use more samples or "
            "larger fractions"
        )

    if shuffle:
        generator = torch.Generator().manual_seed(seed)
        order = torch.randperm(n, generator=generator)
    else:
        order = torch.arange(n)
    indices = torch.split(order, sizes)
    if isinstance(dataset, TensorDataset):
        parts = [TensorDataset(*(t[i] for t in dataset.tensors)) for i in indices]
    else:
        parts = [Subset(dataset, i.tolist()) for i in indices]

    if not standardize:
        return Split(parts)
    standardizer = Standardizer.fit(parts[0])
    return Split([standardizer.transform(p) for p in parts], standardizer)
