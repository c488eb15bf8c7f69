"""A LeNet-style convolutional network for small grey-scale images.

Two `conv -> ReLU -> max-pool` stages turn an image into feature maps a
quarter of its height and width; two linear layers turn those into class
scores. The same class fits 28x28 MNIST digits and 8x8 scikit-learn digits:
the size of the flattened features is computed from `image_size`.

Examples:
    >>> import torch
    >>> from torchbasics.models import SmallCNN
    >>> SmallCNN(image_size=8).feature_size  # 32 channels x 2 x 2
    128
"""

from __future__ import annotations

import torch
from torch import nn

from torchbasics._validation import (
    check_images,
    check_positive_int,
)

__all__ = ["SmallCNN"]


class SmallCNN(nn.Module):
    """Classify images with two convolution stages and two linear layers.

    Each stage is a 3x3 convolution (padding 1, so the size is kept), a ReLU
    and a 2x2 max-pool that halves height and width: 28 -> 14 -> 7 and
    8 -> 4 -> 2. The classifier is `Linear(feature_size, 128) -> ReLU ->
    Linear(128, num_classes)`.

    Args:
        in_channels: Channels per image (1 for grey-scale, 3 for RGB).
        num_classes: Number of classes, i.e. logits per image.
        image_size: Height and width of the (square) input images; at least 4.

    Attributes:
        feature_size: Number of features after the convolutions and flattening.

    Raises:
        ValueError: If an argument is not positive, `image_size < 4`, or the
            input does not have shape `(N, in_channels, image_size, image_size)`.
        TypeError: If an argument is not an int, or the input is not a
            floating-point tensor of the model's dtype.

    Shape:
        - Input: `(N, in_channels, image_size, image_size)`
        - Output: `(N, num_classes)` logits

    Examples:
        >>> import torch
        >>> from torchbasics.models import SmallCNN
        >>> mnist = SmallCNN()
        >>> mnist(torch.zeros(4, 1, 28, 28)).shape
        torch.Size([4, 10])
        >>> digits = SmallCNN(image_size=8)
        >>> digits(torch.zeros(4, 1, 8, 8)).shape
        torch.Size([4, 10])
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, image_size: int = 28) -> None:
        super().__init__()
        for name, value in [
            ("in_channels", in_channels),
            ("num_classes", num_classes),
            ("image_size", image_size),
        ]:
            check_positive_int(value, name)
        if image_size < 4:
            raise ValueError(f"image_size must be at least 4 (two 2x2 poolings), got {image_size}")
        self.in_channels = int(in_channels)
        self.num_classes = int(num_classes)
        self.image_size = int(image_size)
        side = self.image_size // 2 // 2  # each max-pool halves, rounding down
        self.feature_size = 32 * side * side

        self.features = nn.Sequential(
            nn.Conv2d(self.in_channels, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(self.feature_size, 128),
            nn.ReLU(),
            nn.Linear(128, self.num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return class logits for a batch of images."""
        check_images(x, self.in_channels, self.image_size, like=next(self.parameters()))
        x = self.features(x)  # (N, 32, image_size // 4, image_size // 4)
        logits: torch.Tensor = self.classifier(x)  # (N, feature_size) -> (N, num_classes)
        return logits
