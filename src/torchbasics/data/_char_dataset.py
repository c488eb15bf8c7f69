"""Next-character pairs from one long text, for training a language model."""

from __future__ import annotations

import operator

import torch
from torch.utils.data import Dataset

from torchbasics._validation import check_positive_int
from torchbasics.data._tokenizer import CharTokenizer

__all__ = ["CharDataset"]


class CharDataset(Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """Windows of ``block_size`` characters of a text, each with its next characters.

    The text is encoded once. Sample ``i`` is ``(x, y)`` with
    ``x = ids[i : i + block_size]`` and ``y = ids[i + 1 : i + block_size + 1]``:
    at each position the target is the character that follows, which is
    what a character-level language model such as ``TinyTransformer``
    learns to predict (``nn.CrossEntropyLoss`` on logits of shape
    `(N * block_size, vocab_size)` and targets `(N * block_size,)`). A text
    of ``T`` characters gives ``T - block_size`` samples.

    Args:
        text: The training text.
        tokenizer: Encodes the text; ``errors`` is passed to its ``encode``.
        block_size: The context length: characters per sample.
        errors: ``"strict"`` (the default) fails on characters the tokenizer
            does not know; ``"replace"`` encodes them as ``<unk>``.

    Raises:
        TypeError: ``tokenizer`` is not a ``CharTokenizer``, or
            ``block_size`` is not an int.
        ValueError: ``block_size < 1``, the text is too short for one
            sample, or it has unknown characters with ``errors="strict"``.

    Shape:
        - x, y: `(block_size,)`, int64 token ids; a ``DataLoader`` batches
          them to `(N, block_size)`.

    Examples:
        >>> from torchbasics.data import CharDataset, CharTokenizer
        >>> text = "가나다라마"
        >>> dataset = CharDataset(text, CharTokenizer.from_text(text), block_size=3)
        >>> len(dataset)
        2
        >>> x, y = dataset[0]
        >>> x, y
        (tensor([2, 3, 4]), tensor([3, 4, 5]))
    """

    def __init__(
        self,
        text: str,
        tokenizer: CharTokenizer,
        block_size: int,
        errors: str = "strict",
    ) -> None:
        if not isinstance(tokenizer, CharTokenizer):
            raise TypeError(f"tokenizer must be a CharTokenizer, got {type(tokenizer).__name__}")
        check_positive_int(block_size, "block_size")
        ids = tokenizer.encode_tensor(text, errors)
        if len(ids) <= block_size:
            raise ValueError(
                f"a text of {len(ids)} characters is too short for "
                f"block_size={block_size}: it needs at least {block_size + 1}"
            )
        self.ids = ids
        self.block_size = block_size
        self.tokenizer = tokenizer

    def __len__(self) -> int:
        return len(self.ids) - self.block_size

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        index = operator.index(index)  # an int, a NumPy int or a 0-d int tensor
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for {n} samples")
        start = index % n
        chunk = self.ids[start : start + self.block_size + 1]
        return chunk[:-1], chunk[1:]
