"""Batch sequences of different lengths: pad them, and keep their lengths."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Number

import torch
from torch.nn.utils.rnn import pad_sequence

from torchbasics._validation import check_dims, check_tensor

__all__ = ["pad_collate"]


def _stack_targets(targets: list[object]) -> torch.Tensor:
    tensors = [t for t in targets if isinstance(t, torch.Tensor)]
    if len(tensors) == len(targets):
        shapes = {tuple(t.shape) for t in tensors}
        if len(shapes) > 1:
            raise ValueError(
                "targets must all have the same shape to be stacked, got "
                + ", ".join(str(s) for s in sorted(shapes))
            )
        return torch.stack(tensors)
    if all(isinstance(t, Number) and not isinstance(t, torch.Tensor) for t in targets):
        return torch.tensor(targets)
    kinds = sorted({type(t).__name__ for t in targets})
    raise TypeError(f"targets must be all tensors or all numbers, got {kinds}")


def pad_collate(
    batch: Sequence[tuple[torch.Tensor, object]], *, padding_value: float = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Make one batch of ``(sequence, target)`` pairs whose sequences differ in length.

    ``DataLoader``'s default collate function stacks the samples, which
    fails for sequences of different lengths. Pass this one as
    ``DataLoader(dataset, batch_size=..., collate_fn=pad_collate)``: it pads
    every sequence at its end with ``padding_value`` up to the longest one
    in the batch, and also returns the true lengths, which
    ``nn.utils.rnn.pack_padded_sequence`` (or a padding mask) needs so that
    the model ignores the padding. The batch is **batch-first**: dimension 0
    indexes the sequences, as for ``nn.RNN(..., batch_first=True)``.

    For another padding value (e.g. the ``pad_id`` of a
    [`CharTokenizer`][torchbasics.data.CharTokenizer]), pass
    ``functools.partial(pad_collate, padding_value=tokenizer.pad_id)``.

    Args:
        batch: The samples: pairs of a sequence (token ids, or one feature
            vector per step) and a target (a tensor or a Python number).
        padding_value: The value of the padding positions.

    Returns:
        ``(padded, lengths, targets)``.

    Raises:
        TypeError: A sample is not a pair, a sequence is not a tensor, or
            the targets mix tensors and numbers.
        ValueError: The batch is empty; a sequence is empty or not 1-D/2-D;
            the sequences differ in number of dimensions, feature size or
            dtype; the targets differ in shape.

    Shape:
        - sequence ``i``: `(T_i,)` (token ids) or `(T_i, F)` (features).
        - padded: `(N, T_max)` or `(N, T_max, F)`, the dtype of the
          sequences; ``T_max`` is the longest ``T_i`` of the batch.
        - lengths: `(N,)`, int64 on the CPU (where ``pack_padded_sequence``
          wants it).
        - targets: the targets stacked, `(N, *)`.

    Examples:
        >>> import torch
        >>> from torchbasics.data import pad_collate
        >>> batch = [(torch.tensor([5, 6, 7]), 1), (torch.tensor([8]), 0)]
        >>> padded, lengths, targets = pad_collate(batch)
        >>> padded
        tensor([[5, 6, 7],
                [8, 0, 0]])
        >>> lengths, targets
        (tensor([3, 1]), tensor([1, 0]))
    """
    if isinstance(batch, (str, bytes)) or not isinstance(batch, Sequence):
        raise TypeError(
            f"batch must be a list of (sequence, target) pairs, got {type(batch).__name__}"
        )
    if len(batch) == 0:
        raise ValueError("batch must hold at least one (sequence, target) pair, got none")
    sequences, targets = [], []
    for i, sample in enumerate(batch):
        if not isinstance(sample, (tuple, list)) or len(sample) != 2:
            what = (
                f"length {len(sample)}"
                if isinstance(sample, (tuple, list))
                else type(sample).__name__
            )
            raise TypeError(f"sample {i} must be a (sequence, target) pair, got {what}")
        sequence = check_tensor(sample[0], f"sequence {i}")
        check_dims(sequence, (1, 2), "(T,) or (T, F)", f"sequence {i}")
        if len(sequence) == 0:
            raise ValueError(f"sequence {i} is empty; every sequence needs length >= 1")
        sequences.append(sequence)
        targets.append(sample[1])

    first = sequences[0]
    for i, sequence in enumerate(sequences[1:], start=1):
        if sequence.shape[1:] != first.shape[1:]:
            raise ValueError(
                "sequences must share their number of dimensions and feature size: "
                f"sequence 0 has shape {tuple(first.shape)}, sequence {i} "
                f"{tuple(sequence.shape)}"
            )
        if sequence.dtype != first.dtype:
            raise ValueError(
                f"sequences must share a dtype: sequence 0 is {first.dtype}, "
                f"sequence {i} is {sequence.dtype}"
            )
    padded = pad_sequence(sequences, batch_first=True, padding_value=padding_value)
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.int64)
    return padded, lengths, _stack_targets(targets)
