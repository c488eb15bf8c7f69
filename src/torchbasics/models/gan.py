"""A small fully connected GAN for 28x28 or 8x8 images.

The ``Generator`` turns noise ``z ~ N(0, I)`` into images in ``[-1, 1]`` (a
final ``tanh``, the usual choice for GANs), so scale the real images to
``[-1, 1]`` as well: ``x * 2 - 1`` for pixels in ``[0, 1]``. The
``Discriminator`` returns one **logit** per image (high means "real"). The losses
use ``BCEWithLogits``; the generator's is the non-saturating one of Goodfellow
et al. (2014): make the discriminator call fakes real.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from torchbasics._validation import check_images
from torchbasics.models._mlp_parts import (
    _check_hidden,
    _check_latent,
    _check_sizes,
    _mlp,
)

__all__ = ["GAN", "Discriminator", "Generator"]


def _leaky_relu() -> nn.Module:
    return nn.LeakyReLU(0.2)  # keeps a gradient for negative inputs (DCGAN advice)


class Generator(nn.Module):
    """MLP from noise ``z`` to an image in ``[-1, 1]`` (tanh output, not logits).

    Args:
        latent_dim: Dimensions of the noise ``z``.
        image_size: Height and width of the square images.
        in_channels: Colour channels.
        hidden: Widths of the hidden layers, from ``z`` towards the image.

    Shape:
        z: ``(N, latent_dim)`` -> images ``(N, C, H, W)`` in ``[-1, 1]``.

    Examples:
        >>> import torch
        >>> from torchbasics.models import Generator
        >>> g = Generator(latent_dim=4, image_size=8, hidden=(16,))
        >>> images = g(torch.randn(3, 4))
        >>> images.shape, bool(images.abs().max() <= 1)
        (torch.Size([3, 1, 8, 8]), True)
    """

    def __init__(
        self,
        latent_dim: int,
        image_size: int = 28,
        in_channels: int = 1,
        hidden: Sequence[int] = (128, 256),
    ) -> None:
        super().__init__()
        _check_sizes(latent_dim=latent_dim, image_size=image_size, in_channels=in_channels)
        hidden = _check_hidden(hidden)
        self.latent_dim, self.image_size = latent_dim, image_size
        self.in_channels = in_channels
        pixels = in_channels * image_size * image_size
        self.net = _mlp([latent_dim, *hidden, pixels], _leaky_relu)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Map noise ``(N, latent_dim)`` to images ``(N, C, H, W)`` in ``[-1, 1]``."""
        _check_latent(z, self.latent_dim)
        x = torch.tanh(self.net(z))  # (N, C*H*W), squashed into [-1, 1]
        return x.view(-1, self.in_channels, self.image_size, self.image_size)


class Discriminator(nn.Module):
    """MLP from an image in ``[-1, 1]`` to one real-vs-fake logit.

    Args:
        image_size: Height and width of the square images.
        in_channels: Colour channels.
        hidden: Widths of the hidden layers, from the image towards the logit.

    Shape:
        x: ``(N, C, H, W)`` -> logits ``(N, 1)`` (``> 0`` leans "real").

    Examples:
        >>> import torch
        >>> from torchbasics.models import Discriminator
        >>> Discriminator(image_size=8, hidden=(16,))(torch.rand(3, 1, 8, 8)).shape
        torch.Size([3, 1])
    """

    def __init__(
        self, image_size: int = 28, in_channels: int = 1, hidden: Sequence[int] = (256, 128)
    ) -> None:
        super().__init__()
        _check_sizes(image_size=image_size, in_channels=in_channels)
        hidden = _check_hidden(hidden)
        self.image_size, self.in_channels = image_size, in_channels
        pixels = in_channels * image_size * image_size
        self.net = _mlp([pixels, *hidden, 1], _leaky_relu)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Score images ``(N, C, H, W)``; returns logits ``(N, 1)``."""
        check_images(x, self.in_channels, self.image_size, like=next(self.parameters()))
        logits: torch.Tensor = self.net(x.flatten(1))  # (N, C*H*W) -> (N, 1)
        return logits


class GAN(nn.Module):
    """A ``generator`` and a ``discriminator`` with the two losses that train them.

    Args:
        latent_dim: Dimensions of the noise ``z``.
        image_size: Height and width of the square images.
        in_channels: Colour channels.
        hidden: Generator widths; the discriminator uses them reversed.

    Shape:
        forward(z) is ``generator(z)``: ``(N, latent_dim)`` -> ``(N, C, H, W)``.

    Examples:
        >>> import torch
        >>> from torchbasics.models import GAN
        >>> _ = torch.manual_seed(0)
        >>> gan = GAN(latent_dim=8, image_size=8, hidden=(32, 64))
        >>> real = torch.rand(4, 1, 8, 8) * 2 - 1  # real images scaled to [-1, 1]
        >>> fake = gan.generator(gan.noise(4))
        >>> d_loss = gan.discriminator_loss(real, fake)  # step the discriminator
        >>> g_loss = gan.generator_loss(fake)  # step the generator
        >>> round(d_loss.item(), 1), round(g_loss.item(), 1)  # 2 ln 2, ln 2
        (1.4, 0.7)
        >>> gan.sample(3, generator=torch.Generator().manual_seed(0)).shape
        torch.Size([3, 1, 8, 8])
    """

    def __init__(
        self,
        latent_dim: int = 32,
        image_size: int = 28,
        in_channels: int = 1,
        hidden: Sequence[int] = (128, 256),
    ) -> None:
        super().__init__()
        hidden = _check_hidden(hidden)
        self.latent_dim = latent_dim
        self.generator = Generator(latent_dim, image_size, in_channels, hidden)
        self.discriminator = Discriminator(image_size, in_channels, hidden[::-1])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Same as ``self.generator(z)``: images in ``[-1, 1]``."""
        images: torch.Tensor = self.generator(z)
        return images

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Draw ``z ~ N(0, I)``, ``(n, latent_dim)``, on the model's device and dtype.

        ``generator`` is an optional ``torch.Generator`` (random numbers), not
        the network.
        """
        _check_sizes(n=n)
        weight = next(self.parameters())  # sample on the model's device and dtype
        return torch.randn(
            n, self.latent_dim, generator=generator, device=weight.device, dtype=weight.dtype
        )

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Generate ``n`` images ``(n, C, H, W)`` in ``[-1, 1]`` to look at.

        No gradients: train with ``self.generator(self.noise(n))``. Add 1 and
        halve to get ``[0, 1]`` pixels. ``generator`` is an optional
        ``torch.Generator`` for reproducible noise.
        """
        images: torch.Tensor = self.generator(self.noise(n, generator))
        return images

    def discriminator_loss(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """BCE of calling ``real`` images real plus calling ``fake`` ones fake.

        ``fake`` is detached, so this loss trains only the discriminator.

        Args:
            real: ``(N, C, H, W)`` real images scaled to ``[-1, 1]``.
            fake: ``(M, C, H, W)`` generated images.

        Returns:
            A scalar: the sum of the two mean BCE terms (``2 ln 2`` when the
            discriminator cannot tell them apart and outputs 0).
        """
        real_logits = self.discriminator(real)  # (N, 1)
        fake_logits = self.discriminator(fake.detach())  # (M, 1): G gets no gradient
        real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
        fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        return real_loss + fake_loss

    def generator_loss(self, fake: torch.Tensor) -> torch.Tensor:
        """Non-saturating loss: BCE of the discriminator calling ``fake`` real.

        Minimizing ``-log D(G(z))`` instead of ``log(1 - D(G(z)))`` keeps the
        gradient strong while the discriminator still wins easily. Gradients
        also land in the discriminator: zero them before its next step.

        Args:
            fake: ``(M, C, H, W)`` images from ``self.generator`` (not detached).

        Returns:
            A scalar, the mean BCE.
        """
        fake_logits = self.discriminator(fake)  # (M, 1)
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
