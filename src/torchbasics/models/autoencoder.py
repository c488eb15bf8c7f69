"""Autoencoders for small images: a plain ``AutoEncoder`` and a ``VAE``.

Both are MLPs on flattened images (28x28 like MNIST, or 8x8 like scikit-learn's
digits) and return reconstruction **logits**: train them with
``BCEWithLogitsLoss`` against pixels scaled to ``[0, 1]``, and apply
``torch.sigmoid`` to look at a reconstruction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

from torchbasics._validation import check_dims, check_images, check_tensor
from torchbasics.models._mlp_parts import (
    _check_hidden,
    _check_latent,
    _check_sizes,
    _mlp,
)

__all__ = ["VAE", "AutoEncoder", "VAELoss", "vae_loss"]


class AutoEncoder(nn.Module):
    """Squeeze images through a ``latent_dim`` bottleneck and back (MLP).

    Args:
        image_size: Height and width of the square images (28 or 8, say).
        in_channels: Colour channels (1 for grey).
        latent_dim: Width of the code ``z`` in the middle.
        hidden: Widths of the encoder's hidden layers; the decoder mirrors them.

    Shape:
        x: ``(N, C, H, W)`` floats, pixels in ``[0, 1]``.
        encode(x): ``(N, latent_dim)``; decode(z) and forward(x): ``(N, C, H, W)``
        **logits** (targets for ``BCEWithLogitsLoss`` are the pixels themselves).

    Examples:
        >>> import torch
        >>> from torchbasics.models import AutoEncoder
        >>> model = AutoEncoder(image_size=8, latent_dim=4, hidden=(32,))
        >>> x = torch.rand(5, 1, 8, 8)
        >>> model.encode(x).shape, model(x).shape
        (torch.Size([5, 4]), torch.Size([5, 1, 8, 8]))
        >>> model(torch.rand(5, 1, 28, 28))
        Traceback (most recent call last):
        ...
        ValueError: expected images of size 8x8 (dims 2 and 3), got 28x28 in shape (5, 1, 28, 28);
        the model was built with image_size=8
    """

    def __init__(
        self,
        image_size: int = 28,
        in_channels: int = 1,
        latent_dim: int = 16,
        hidden: Sequence[int] = (256, 64),
    ) -> None:
        super().__init__()
        _check_sizes(image_size=image_size, in_channels=in_channels, latent_dim=latent_dim)
        hidden = _check_hidden(hidden)
        self.image_size, self.in_channels = image_size, in_channels
        self.latent_dim = latent_dim
        pixels = in_channels * image_size * image_size
        self.encoder = _mlp([pixels, *hidden, latent_dim])
        self.decoder = _mlp([latent_dim, *reversed(hidden), pixels])

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Map images ``(N, C, H, W)`` to codes ``(N, latent_dim)``."""
        check_images(x, self.in_channels, self.image_size, like=next(self.parameters()))
        z: torch.Tensor = self.encoder(x.flatten(1))  # (N, C*H*W) -> (N, latent_dim)
        return z

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Map codes ``(N, latent_dim)`` to image logits ``(N, C, H, W)``."""
        _check_latent(z, self.latent_dim)
        logits: torch.Tensor = self.decoder(z)  # (N, C*H*W)
        return logits.view(-1, self.in_channels, self.image_size, self.image_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruct ``x``; returns logits of the same shape as ``x``."""
        return self.decode(self.encode(x))  # (N, C, H, W)


class VAE(nn.Module):
    """Variational autoencoder: the encoder gives a Gaussian ``q(z|x)`` per image.

    The encoder predicts ``mu`` and ``logvar`` (log of the variance, so any real
    number is valid). Sampling ``z ~ N(mu, sigma^2)`` directly would block
    gradients; the *reparameterization trick* writes ``z = mu + sigma * eps`` with
    ``eps ~ N(0, I)`` drawn outside the graph, so gradients flow to mu and logvar.

    Args:
        image_size: Height and width of the square images.
        in_channels: Colour channels.
        latent_dim: Dimensions of ``z``.
        hidden: Widths of the encoder's hidden layers; the decoder mirrors them.

    Shape:
        x: ``(N, C, H, W)``, pixels in ``[0, 1]``. forward(x) returns
        ``(recon_logits (N, C, H, W), mu (N, latent_dim), logvar (N, latent_dim))``.

    Examples:
        >>> import torch
        >>> from torchbasics.models import VAE, vae_loss
        >>> _ = torch.manual_seed(0)
        >>> vae = VAE(image_size=8, latent_dim=2, hidden=(32,))
        >>> x = torch.rand(5, 1, 8, 8)
        >>> recon, mu, logvar = vae(x)
        >>> recon.shape, mu.shape, logvar.shape
        (torch.Size([5, 1, 8, 8]), torch.Size([5, 2]), torch.Size([5, 2]))
        >>> vae_loss(recon, x, mu, logvar).total.shape
        torch.Size([])
        >>> vae.sample(3).shape  # new images, pixel probabilities
        torch.Size([3, 1, 8, 8])
    """

    def __init__(
        self,
        image_size: int = 28,
        in_channels: int = 1,
        latent_dim: int = 8,
        hidden: Sequence[int] = (256, 128),
    ) -> None:
        super().__init__()
        _check_sizes(image_size=image_size, in_channels=in_channels, latent_dim=latent_dim)
        hidden = _check_hidden(hidden)
        self.image_size, self.in_channels = image_size, in_channels
        self.latent_dim = latent_dim
        pixels = in_channels * image_size * image_size
        self.encoder = _mlp([pixels, *hidden], last_activation=True)
        width = hidden[-1] if hidden else pixels
        self.to_mu = nn.Linear(width, latent_dim)
        self.to_logvar = nn.Linear(width, latent_dim)
        self.decoder = _mlp([latent_dim, *reversed(hidden), pixels])

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(mu, logvar)`` of ``q(z|x)``, each ``(N, latent_dim)``."""
        check_images(x, self.in_channels, self.image_size, like=next(self.parameters()))
        h = self.encoder(x.flatten(1))  # (N, hidden[-1])
        return self.to_mu(h), self.to_logvar(h)  # (N, latent_dim) twice

    @staticmethod
    def reparameterize(
        mu: torch.Tensor, logvar: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """Sample ``z = mu + exp(logvar / 2) * eps``, ``eps ~ N(0, I)``, differentiably.

        Args:
            mu: ``(N, latent_dim)`` means.
            logvar: ``(N, latent_dim)`` log-variances.
            generator: Optional ``torch.Generator`` for reproducible ``eps``.

        Returns:
            ``z`` of shape ``(N, latent_dim)``.
        """
        std = torch.exp(0.5 * logvar)  # (N, latent_dim)
        # The noise, outside the graph:
        eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
        return mu + std * eps

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Map ``z`` ``(N, latent_dim)`` to image logits ``(N, C, H, W)``."""
        _check_latent(z, self.latent_dim)
        logits: torch.Tensor = self.decoder(z)  # (N, C*H*W)
        return logits.view(-1, self.in_channels, self.image_size, self.image_size)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Encode, sample ``z`` with the reparameterization trick, decode."""
        mu, logvar = self.encode(x)  # (N, latent_dim) each
        z = self.reparameterize(mu, logvar)  # (N, latent_dim)
        return self.decode(z), mu, logvar  # logits (N, C, H, W)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Decode ``n`` draws from the prior ``N(0, I)``; returns pixel
        probabilities ``(n, C, H, W)`` in ``[0, 1]`` (sigmoid of the logits)."""
        _check_sizes(n=n)
        weight = next(self.parameters())  # sample on the model's device and dtype
        z = torch.randn(
            n, self.latent_dim, generator=generator, device=weight.device, dtype=weight.dtype
        )
        return torch.sigmoid(self.decode(z))


class VAELoss(NamedTuple):
    """The parts of the VAE loss; call ``.total.backward()``.

    Examples:
        >>> import torch
        >>> from torchbasics.models import VAELoss
        >>> parts = VAELoss(torch.tensor(3.0), torch.tensor(2.0), torch.tensor(1.0))
        >>> parts.total.item(), parts.kl.item()
        (3.0, 1.0)
    """

    total: torch.Tensor  # reconstruction + beta * kl
    reconstruction: torch.Tensor  # BCE summed over pixels, mean over the batch
    kl: torch.Tensor  # KL(q(z|x) || N(0, I)) summed over z, mean over the batch


def vae_loss(
    recon_logits: torch.Tensor,
    x: torch.Tensor,
    mu: torch.Tensor,
    logvar: torch.Tensor,
    beta: float = 1.0,
) -> VAELoss:
    """Negative ELBO per image: reconstruction + ``beta`` * KL.

    ``KL = 0.5 * sum(mu**2 + exp(logvar) - 1 - logvar)``: zero exactly when
    ``q(z|x)`` is ``N(0, I)`` (``mu = 0``, ``logvar = 0``) and never negative.

    Args:
        recon_logits: ``(N, C, H, W)`` decoder logits.
        x: The images, same shape, pixels in ``[0, 1]``.
        mu: ``(N, latent_dim)`` means from the encoder.
        logvar: ``(N, latent_dim)`` log-variances from the encoder.
        beta: Weight of the KL term (``beta > 1``: a beta-VAE). ``>= 0``.

    Returns:
        ``VAELoss(total, reconstruction, kl)``, three scalar tensors.

    Shape:
        - recon_logits, x: `(N, C, H, W)`
        - mu, logvar: `(N, latent_dim)`
        - Output: three scalars `()`

    Examples:
        >>> import torch
        >>> from torchbasics.models import vae_loss
        >>> zeros = torch.zeros(2, 4)  # mu = 0 and logvar = 0: q(z|x) = N(0, I)
        >>> x = torch.ones(2, 1, 8, 8)
        >>> loss = vae_loss(torch.zeros_like(x), x, zeros, zeros)
        >>> loss  # reconstruction: 64 pixels * ln 2 each
        VAELoss(total=tensor(44.3614), reconstruction=tensor(44.3614), kl=tensor(0.))
    """
    for name, t in (("recon_logits", recon_logits), ("x", x), ("mu", mu), ("logvar", logvar)):
        if not check_tensor(t, name).is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor, got {t.dtype}")
    if recon_logits.shape != x.shape or x.ndim < 2:
        raise ValueError(
            f"recon_logits and x must have the same (N, ...) shape, got "
            f"{tuple(recon_logits.shape)} and {tuple(x.shape)}"
        )
    check_dims(mu, 2, "(N, latent_dim)", "mu")
    if logvar.shape != mu.shape or mu.shape[0] != x.shape[0]:
        raise ValueError(
            f"mu and logvar must both be (N, latent_dim) with N = "
            f"{x.shape[0]}, got {tuple(mu.shape)} and "
            f"{tuple(logvar.shape)}"
        )
    if x.numel() and (x.min() < 0 or x.max() > 1):
        raise ValueError(
            f"x must hold pixels in [0, 1] (BCE targets), got values from "
            f"{x.min().item():.3g} to {x.max().item():.3g}"
        )
    if not beta >= 0:
        raise ValueError(f"beta must be >= 0, got {beta!r}")
    n = x.shape[0]
    bce = F.binary_cross_entropy_with_logits(recon_logits, x, reduction="sum") / n
    kl = 0.5 * torch.sum(mu.pow(2) + logvar.exp() - 1 - logvar) / n
    return VAELoss(bce + beta * kl, bce, kl)
