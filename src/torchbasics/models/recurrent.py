"""A recurrent network (RNN, LSTM or GRU) for classifying or forecasting sequences.

Batches of sequences of different lengths are padded to a common length `T`
(for example by a `pad_collate` function) and passed with their true
`lengths`. The model packs them with `nn.utils.rnn.pack_padded_sequence`, so
the recurrent layer never sees the padding: a sequence gives the same output
alone or padded inside a batch.

Examples:
    >>> import torch
    >>> from torchbasics.models import SequenceModel
    >>> model = SequenceModel(1, 8, 1, cell="gru", task="regress")
    >>> model(torch.zeros(2, 5, 1)).shape  # one prediction per time step
    torch.Size([2, 5, 1])
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from torchbasics._validation import (
    check_dims,
    check_features,
    check_floating,
    check_number,
    check_positive_int,
    check_tensor,
)

__all__ = ["CELLS", "TASKS", "SequenceModel"]

CELLS: dict[str, type[nn.RNN] | type[nn.LSTM] | type[nn.GRU]] = {
    "rnn": nn.RNN,
    "lstm": nn.LSTM,
    "gru": nn.GRU,
}
"""Recurrent layers that `SequenceModel(cell=...)` accepts, by name."""

TASKS = ("classify", "regress")
"""Values of `SequenceModel(task=...)`."""


class SequenceModel(nn.Module):
    """Embed (optionally), run a recurrent layer, and map hidden states to outputs.

    With `task="classify"` the hidden state at each sequence's last valid
    step (`lengths - 1`) goes through a linear layer: one row of logits per
    sequence. With `task="regress"` every step's hidden state does: a
    prediction of the next value at every step (or, with `vocab_size`, logits
    for the next token). Outputs at padded steps (`t >= lengths[i]`) carry no
    meaning: leave them out of the loss.

    Args:
        input_size: Features per time step; with `vocab_size`, the size of the
            token embeddings.
        hidden_size: Size of the recurrent hidden state.
        output_size: Outputs per sequence (classify) or per step (regress).
        cell: Recurrent layer, one of `"rnn"`, `"lstm"`, `"gru"`.
        num_layers: Number of stacked recurrent layers.
        task: `"classify"` or `"regress"`, see above.
        vocab_size: If given, inputs are token ids in `[0, vocab_size)`,
            embedded with `nn.Embedding(vocab_size, input_size)`.
        dropout: Dropout between stacked recurrent layers and before the
            output layer, in `[0, 1)`.

    Raises:
        ValueError: For a non-positive size, an unknown `cell` or `task`, an
            input of the wrong shape, token ids out of range, or `lengths`
            that are not one value in `[1, T]` per sequence.
        TypeError: For a size that is not an int, a `dropout` that is not a
            number, or inputs or `lengths` of the wrong dtype.

    Shape:
        - Input: `(N, T, input_size)` floats, or `(N, T)` token ids when
          `vocab_size` is given
        - Lengths (optional): `(N,)` integers in `[1, T]`
        - Output: `(N, output_size)` for `"classify"`, `(N, T, output_size)`
          for `"regress"`

    Examples:
        >>> import torch
        >>> from torchbasics.models import SequenceModel
        >>> model = SequenceModel(16, 32, 2, cell="lstm", vocab_size=100)
        >>> tokens = torch.tensor([[5, 7, 9, 0], [3, 4, 0, 0]])  # 0 pads
        >>> model(tokens, lengths=torch.tensor([3, 2])).shape
        torch.Size([2, 2])
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        *,
        cell: str = "rnn",
        num_layers: int = 1,
        task: str = "classify",
        vocab_size: int | None = None,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        for name, value in [
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("output_size", output_size),
            ("num_layers", num_layers),
        ]:
            check_positive_int(value, name)
        if vocab_size is not None:
            check_positive_int(vocab_size, "vocab_size")
        if cell not in CELLS:
            raise ValueError(
                f"unknown cell {cell!r}; expected one of {', '.join(map(repr, CELLS))}"
            )
        if task not in TASKS:
            raise ValueError(
                f"unknown task {task!r}; expected one of {', '.join(map(repr, TASKS))}"
            )
        dropout = check_number(dropout, "dropout", minimum=0, below=1)
        self.input_size = int(input_size)
        self.cell = cell
        self.task = task
        self.vocab_size = None if vocab_size is None else int(vocab_size)

        self.embedding: nn.Embedding | None = None
        if self.vocab_size is not None:
            self.embedding = nn.Embedding(self.vocab_size, self.input_size)
        self.rnn = CELLS[cell](
            input_size,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,  # only acts between layers
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """Return logits (classify) or per-step predictions (regress).

        Args:
            x: Padded batch, `(N, T, input_size)` floats or `(N, T)` token ids.
            lengths: True length of each sequence; `None` means all are `T`.
        """
        self._check_input(x)
        n, t = x.shape[0], x.shape[1]
        if lengths is not None:
            _check_lengths(lengths, n, t)
        h = x if self.embedding is None else self.embedding(x)  # (N, T, input_size)
        if lengths is None:
            out, _ = self.rnn(h)  # (N, T, H)
        else:
            # Packing skips the padding; lengths must live on the CPU.
            packed = pack_padded_sequence(h, lengths.cpu(), batch_first=True, enforce_sorted=False)
            out, _ = self.rnn(packed)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=t)
            # (N, T, H), zeros at padded steps
        out = self.dropout(out)
        if self.task == "regress":
            predictions: torch.Tensor = self.head(out)  # (N, T, output_size)
            return predictions
        if lengths is None:
            last = out[:, -1]  # (N, H)
        else:
            rows = torch.arange(n, device=out.device)
            last = out[rows, lengths.to(out.device) - 1]  # (N, H)
        logits: torch.Tensor = self.head(last)  # (N, output_size)
        return logits

    def _check_input(self, x: torch.Tensor) -> None:
        """Raise unless ``x`` matches the input shape and dtype of this model."""
        check_tensor(x)
        if self.vocab_size is None:
            check_dims(x, 3, f"(N, T, {self.input_size})")
            check_features(x, self.input_size)
            check_floating(x, self.head.weight)
        else:
            check_dims(x, 2, "(N, T) token ids")
            if not _is_integer(x):
                raise TypeError(f"expected token ids (torch.long), got {x.dtype}")
            if x.numel() and (x.min() < 0 or x.max() >= self.vocab_size):
                raise ValueError(
                    f"expected token ids in [0, {self.vocab_size}) (vocab_size), "
                    f"got values from {int(x.min())} to {int(x.max())}"
                )
        if x.shape[1] == 0:
            raise ValueError(f"expected at least one time step, got {tuple(x.shape)}")


def _is_integer(x: torch.Tensor) -> bool:
    return not (x.is_floating_point() or x.is_complex() or x.dtype == torch.bool)


def _check_lengths(lengths: torch.Tensor, n: int, t: int) -> None:
    """Raise unless ``lengths`` holds ``n`` integers in ``[1, t]``."""
    check_tensor(lengths, "lengths")
    check_dims(lengths, 1, f"({n},), one length per sequence", name="lengths")
    if not _is_integer(lengths):
        raise TypeError(f"lengths must hold integers (torch.long), got {lengths.dtype}")
    if len(lengths) != n:
        raise ValueError(f"expected {n} lengths, one per sequence in the batch, got {len(lengths)}")
    for i, length in enumerate(lengths.tolist()):
        if not 1 <= length <= t:
            raise ValueError(
                f"expected every length in [1, T={t}] (no empty sequence, none "
                f"longer than the padded batch), got {length} at index {i}"
            )
