"""A 2-D toy data set for the course's first classifier; needs no extra."""

from __future__ import annotations

import math

import torch
from torch.utils.data import TensorDataset

from torchbasics._validation import check_int, check_number, check_positive_int

__all__ = ["make_two_classes"]


def make_two_classes(n_samples: int = 200, *, noise: float = 0.2, seed: int = 0) -> TensorDataset:
    """Two interleaving half-moons in 2-D: a classifier needs a curved boundary.

    Class 0 lies on the upper half of the unit circle centred at `(0, 0)`,
    class 1 on the lower half of the unit circle centred at `(1, 0.5)`, so
    that each moon reaches into the other: no straight line separates them,
    a small MLP does. The points are spread evenly along each moon, then
    moved by Gaussian noise of standard deviation ``noise``, then shuffled.
    It is the same shape as scikit-learn's ``make_moons``, made with
    PyTorch alone, so it needs no extra.

    The randomness comes from a ``torch.Generator`` of its own, seeded with
    ``seed``: the same arguments always give the same data, and PyTorch's
    global random state is neither used nor changed.

    Args:
        n_samples: Number of points, at least 2; class 0 gets
            ``n_samples // 2`` of them, class 1 the rest.
        noise: Standard deviation of the Gaussian noise added to each
            coordinate; 0 puts every point exactly on its moon.
        seed: Seed of the generator.

    Returns:
        ``TensorDataset(points, labels)``.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: ``n_samples < 2``, or ``noise`` or ``seed`` is negative.

    Shape:
        - points: `(n_samples, 2)`, float32.
        - labels: `(n_samples, 1)`, float32 0.0 or 1.0, the shape and dtype
          of a one-logit model's output, ready for ``nn.BCEWithLogitsLoss``.

    Examples:
        >>> from torchbasics.data import make_two_classes
        >>> points, labels = make_two_classes(200, noise=0.1, seed=0).tensors
        >>> points.shape, labels.shape, int(labels.sum())
        (torch.Size([200, 2]), torch.Size([200, 1]), 100)
        >>> bool((points == make_two_classes(200, noise=0.1).tensors[0]).all())
        True
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2 (one per class), got {n_samples}")
    noise = check_number(noise, "noise", minimum=0)
    generator = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0))

    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    t_outer = torch.linspace(0.0, math.pi, n_outer)
    t_inner = torch.linspace(0.0, math.pi, n_inner)
    outer = torch.stack([torch.cos(t_outer), torch.sin(t_outer)], dim=1)
    inner = torch.stack([1.0 - torch.cos(t_inner), 0.5 - torch.sin(t_inner)], dim=1)
    points = torch.cat([outer, inner])
    labels = torch.cat([torch.zeros(n_outer, 1), torch.ones(n_inner, 1)])

    points = points + noise * torch.randn(n_samples, 2, generator=generator)
    order = torch.randperm(n_samples, generator=generator)
    return TensorDataset(points[order], labels[order])
