"""Residual blocks and a small ResNet for 28x28 and 8x8 images.

A residual block learns a *correction* `F(x)` and outputs `relu(F(x) + x)`:
the skip connection lets the signal and its gradient pass straight through,
which is what makes deep networks trainable. The small ResNet stacks two
blocks per stage, halves the image between stages and averages each final
feature map to one number, so it accepts any image size.

Examples:
    >>> import torch
    >>> from torchbasics.models import ResidualBlock
    >>> ResidualBlock(16).shortcut  # same shape in and out: identity skip
    Identity()
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from torchbasics._validation import (
    check_images,
    check_positive_int,
)

__all__ = ["ResidualBlock", "SmallResNet"]


class ResidualBlock(nn.Module):
    """`relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))`, the basic ResNet block.

    The shortcut is the identity when the block keeps the shape. When it
    changes the number of channels or downsamples (`stride > 1`), the shortcut
    is a 1x1 convolution with the same stride followed by batch norm (a
    projection), so the two branches can be added.

    Args:
        in_channels: Channels of the input feature maps.
        out_channels: Channels of the output; `None` keeps `in_channels`.
        stride: Stride of the first 3x3 convolution and of the projection;
            2 halves height and width (rounding up).

    Raises:
        ValueError: If an argument is not positive or the input does not have
            shape `(N, in_channels, H, W)`.
        TypeError: If an argument is not an int, or the input is not a
            floating-point tensor of the model's dtype.

    Shape:
        - Input: `(N, in_channels, H, W)`
        - Output: `(N, out_channels, ceil(H / stride), ceil(W / stride))`

    Examples:
        >>> import torch
        >>> from torchbasics.models import ResidualBlock
        >>> block = ResidualBlock(16, 32, stride=2)
        >>> block(torch.zeros(2, 16, 28, 28)).shape
        torch.Size([2, 32, 14, 14])
    """

    def __init__(self, in_channels: int, out_channels: int | None = None, stride: int = 1) -> None:
        super().__init__()
        out_channels = in_channels if out_channels is None else out_channels
        for name, value in [
            ("in_channels", in_channels),
            ("out_channels", out_channels),
            ("stride", stride),
        ]:
            check_positive_int(value, name)
        self.in_channels = int(in_channels)
        self.out_channels = int(out_channels)
        # bias=False: the batch norm that follows has its own shift.
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return `relu(F(x) + shortcut(x))` for feature maps `x`."""
        check_images(x, self.in_channels, like=self.conv1.weight)
        out = torch.relu(self.bn1(self.conv1(x)))  # (N, C_out, H', W')
        out = self.bn2(self.conv2(out))  # (N, C_out, H', W')
        return torch.relu(out + self.shortcut(x))  # (N, C_out, H', W')


class SmallResNet(nn.Module):
    """Classify images with a stem, residual stages and global average pooling.

    The stem is a 3x3 convolution to `widths[0]` channels with batch norm and
    ReLU. Stage `i` holds two `ResidualBlock`s with `widths[i]` channels;
    every stage after the first starts with a stride-2 block, so 28x28 images
    shrink 28 -> 14 -> 7 and 8x8 images 8 -> 4 -> 2. Each final feature map is
    averaged to one value and a linear layer turns the `widths[-1]` values
    into logits.

    Args:
        in_channels: Channels per image (1 for grey-scale, 3 for RGB).
        num_classes: Number of classes, i.e. logits per image.
        widths: Channels of each stage; its length is the number of stages.

    Raises:
        ValueError: If an argument is not positive, `widths` is empty, or the
            input does not have shape `(N, in_channels, H, W)`.
        TypeError: If an argument is not an int (or `widths` not a sequence),
            or the input is not a floating-point tensor of the model's dtype.

    Shape:
        - Input: `(N, in_channels, H, W)`, any `H` and `W`
        - Output: `(N, num_classes)` logits

    Examples:
        >>> import torch
        >>> from torchbasics.models import SmallResNet
        >>> model = SmallResNet()
        >>> model(torch.zeros(2, 1, 28, 28)).shape
        torch.Size([2, 10])
        >>> SmallResNet(widths=(8, 16))(torch.zeros(2, 1, 8, 8)).shape
        torch.Size([2, 10])
    """

    def __init__(
        self,
        in_channels: int = 1,
        num_classes: int = 10,
        widths: Sequence[int] = (16, 32, 64),
    ) -> None:
        super().__init__()
        check_positive_int(in_channels, "in_channels")
        check_positive_int(num_classes, "num_classes")
        if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
            raise TypeError(f"widths must be a sequence of ints, got {widths!r}")
        if len(widths) == 0:
            raise ValueError("widths must name at least one stage, got ()")
        for i, width in enumerate(widths):
            check_positive_int(width, f"widths[{i}]")
        self.in_channels = int(in_channels)
        self.num_classes = int(num_classes)

        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, widths[0], 3, padding=1, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(),
        )
        stages = []
        previous = widths[0]
        for i, width in enumerate(widths):
            stride = 1 if i == 0 else 2
            stages.append(
                nn.Sequential(
                    ResidualBlock(previous, width, stride=stride),
                    ResidualBlock(width),
                )
            )
            previous = width
        self.stages = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(widths[-1], num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return class logits for a batch of images."""
        check_images(x, self.in_channels, like=self.head.weight)
        x = self.stem(x)  # (N, widths[0], H, W)
        x = self.stages(x)  # (N, widths[-1], H', W'), H' = H / 2^(stages - 1)
        x = self.pool(x).flatten(1)  # (N, widths[-1])
        logits: torch.Tensor = self.head(x)  # (N, num_classes)
        return logits
