"""Building blocks shared by the fully connected image models (autoencoders, GAN):
an MLP factory and the size and latent checks they have in common."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from torchbasics._validation import (
    check_dims,
    check_features,
    check_positive_int,
    check_tensor,
)


def _check_sizes(**sizes: object) -> None:
    for name, value in sizes.items():
        check_positive_int(value, name)


def _check_hidden(hidden: Sequence[int]) -> tuple[int, ...]:
    if not isinstance(hidden, Sequence) or isinstance(hidden, str):
        raise TypeError(
            f"hidden must be a sequence of layer widths such as (256, 64), got {hidden!r}"
        )
    hidden = tuple(hidden)
    for width in hidden:
        _check_sizes(hidden_width=width)
    return hidden


def _mlp(
    sizes: Sequence[int],
    activation: Callable[[], nn.Module] = nn.ReLU,
    *,
    last_activation: bool = False,
) -> nn.Sequential:
    """Linear layers between consecutive ``sizes``, an activation after each but
    (unless ``last_activation``) the last."""
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if last_activation or i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def _check_latent(z: object, latent_dim: int, name: str = "z") -> torch.Tensor:
    z = check_tensor(z, name)
    check_dims(z, 2, f"(N, {latent_dim})", name)
    check_features(z, latent_dim, name="latent")
    if not z.is_floating_point():
        raise TypeError(f"expected a floating-point {name}, got dtype {z.dtype}")
    return z
