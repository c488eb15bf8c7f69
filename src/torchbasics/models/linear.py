"""Linear regression with its weight and bias declared by hand (lecture 1.2).

`LinearRegression` does what `nn.Linear` does, but spells out its two
`nn.Parameter`s so the lecture can show why a tensor only becomes a
*parameter* (seen by `model.parameters()`, the optimizer and the `state_dict`)
when it is wrapped in `nn.Parameter`.

Examples:
    >>> import torch
    >>> from torchbasics.models import LinearRegression
    >>> model = LinearRegression(in_features=2)
    >>> [name for name, _ in model.named_parameters()]
    ['weight', 'bias']
"""

from __future__ import annotations

import math

import torch
from torch import nn

from torchbasics._validation import (
    check_dims,
    check_features,
    check_floating,
    check_positive_int,
    check_tensor,
)

__all__ = ["LinearRegression"]


class LinearRegression(nn.Module):
    """Predict real values as a weighted sum of the inputs, `y = x @ w.T + b`.

    Both parameters start uniform in `[-1/sqrt(in_features), 1/sqrt(in_features)]`,
    as in `nn.Linear`.

    Args:
        in_features: Number of input features per example.
        out_features: Number of values predicted per example.

    Attributes:
        weight: `nn.Parameter` of shape `(out_features, in_features)`.
        bias: `nn.Parameter` of shape `(out_features,)`.

    Raises:
        ValueError: If a size is not a positive integer, or the input does not
            have shape `(N, in_features)`.
        TypeError: If a size is not an int, or the input is not a
            floating-point tensor of the model's dtype.

    Shape:
        - Input: `(N, in_features)`
        - Output: `(N, out_features)`

    Examples:
        >>> import torch
        >>> from torchbasics.models import LinearRegression
        >>> model = LinearRegression(in_features=3)
        >>> model(torch.zeros(4, 3)).shape
        torch.Size([4, 1])
        >>> model.weight.shape, model.bias.shape
        (torch.Size([1, 3]), torch.Size([1]))
    """

    def __init__(self, in_features: int, out_features: int = 1) -> None:
        super().__init__()
        check_positive_int(in_features, "in_features")
        check_positive_int(out_features, "out_features")
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        # nn.Parameter registers the tensor: a plain `torch.randn(...)` attribute
        # would be invisible to parameters(), the optimizer and state_dict().
        self.weight = nn.Parameter(torch.empty(self.out_features, self.in_features))
        self.bias = nn.Parameter(torch.empty(self.out_features))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw weight and bias uniformly from `±1/sqrt(in_features)`."""
        bound = 1.0 / math.sqrt(self.in_features)
        nn.init.uniform_(self.weight, -bound, bound)
        nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return `x @ weight.T + bias` for a batch `x` of shape `(N, in_features)`."""
        check_tensor(x)
        check_dims(x, 2, f"(N, {self.in_features})")
        check_features(x, self.in_features)
        check_floating(x, self.weight)
        return x @ self.weight.T + self.bias  # (N, in) @ (in, out) + (out,) -> (N, out)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}"
