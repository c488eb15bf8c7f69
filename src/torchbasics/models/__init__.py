"""The models the lectures teach with, one concept per file.

All are batch-first and return logits, never probabilities (the GAN's
generator returns images in ``[-1, 1]``).

Examples:
    >>> import torch
    >>> from torchbasics.models import MLP
    >>> MLP(2, [4], 1)(torch.zeros(3, 2)).shape
    torch.Size([3, 1])
"""

from torchbasics.models.autoencoder import VAE, AutoEncoder, VAELoss, vae_loss
from torchbasics.models.cnn import SmallCNN
from torchbasics.models.gan import GAN, Discriminator, Generator
from torchbasics.models.linear import LinearRegression
from torchbasics.models.mlp import MLP
from torchbasics.models.recurrent import SequenceModel
from torchbasics.models.resnet import ResidualBlock, SmallResNet
from torchbasics.models.transformer import TinyTransformer, TransformerConfig

__all__ = [
    "GAN",
    "MLP",
    "VAE",
    "AutoEncoder",
    "Discriminator",
    "Generator",
    "LinearRegression",
    "ResidualBlock",
    "SequenceModel",
    "SmallCNN",
    "SmallResNet",
    "TinyTransformer",
    "TransformerConfig",
    "VAELoss",
    "vae_loss",
]
