"""A tiny causal character language model, in the spirit of nanoGPT's model.py.

Token embedding + learned position embedding, ``n_layer`` pre-LayerNorm blocks
(causal self-attention, then a 4x GELU MLP, each added back to the residual
stream), a final LayerNorm and a linear head to vocabulary logits.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from torchbasics._validation import (
    check_dims,
    check_int,
    check_number,
    check_positive_int,
    check_tensor,
)

__all__ = ["Block", "CausalSelfAttention", "TinyTransformer", "TransformerConfig"]


@dataclass(frozen=True)
class TransformerConfig:
    """Sizes of a ``TinyTransformer``; each default says why in its comment.

    Raises:
        TypeError: A size is not an int, or dropout is not a number.
        ValueError: A size is below 1, dropout is outside [0, 1), or
            ``n_embd`` is not divisible by ``n_head``.

    Examples:
        >>> from torchbasics.models import TransformerConfig
        >>> TransformerConfig(n_embd=48, n_head=4).n_embd // 4  # size of one head
        12
        >>> TransformerConfig(n_embd=50, n_head=4)
        Traceback (most recent call last):
        ...
        ValueError: n_embd (50) must be divisible by n_head (4) ...
    """

    vocab_size: int = 65  # distinct characters in Tiny Shakespeare
    block_size: int = 64  # longest context; one position embedding per slot
    n_layer: int = 4  # enough depth for a char model that trains in minutes on CPU
    n_head: int = 4  # heads look at different earlier positions in parallel
    n_embd: int = 128  # width of the residual stream; must divide by n_head
    dropout: float = 0.0  # off: runs reproduce; try 0.1-0.2 once val loss rises
    bias: bool = True  # biases in Linear/LayerNorm as in GPT-2; False is a bit faster

    def __post_init__(self) -> None:
        for name in ("vocab_size", "block_size", "n_layer", "n_head", "n_embd"):
            check_positive_int(getattr(self, name), name)
        check_number(self.dropout, "dropout", minimum=0, below=1)
        if self.n_embd % self.n_head != 0:
            raise ValueError(
                f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})"
                " so that every head gets n_embd // n_head dimensions"
            )


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which a token sees only itself and earlier ones.

    Written out step by step; ``F.scaled_dot_product_attention(q, k, v,
    is_causal=True)`` computes the same (faster) in one call.

    Shape:
        Input and output: ``(B, T, n_embd)`` with ``T <= block_size``.

    Examples:
        >>> import torch
        >>> from torchbasics.models.transformer import CausalSelfAttention
        >>> from torchbasics.models.transformer import TransformerConfig
        >>> attn = CausalSelfAttention(TransformerConfig(n_embd=16, n_head=2))
        >>> attn(torch.randn(3, 5, 16)).shape
        torch.Size([3, 5, 16])
    """

    mask: torch.Tensor  # (block_size, block_size) bool buffer, set in __init__

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.head_size = config.n_embd // config.n_head
        self.query = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.key = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.value = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        # mask[t, s] is True where position t may look at position s (s <= t)
        causal = torch.tril(torch.ones(config.block_size, config.block_size))
        self.register_buffer("mask", causal.bool(), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape  # batch, time (sequence length), channels (n_embd)

        def split_heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(B, T, self.n_head, self.head_size).transpose(1, 2)

        q = split_heads(self.query(x))  # (B, nh, T, hs)
        k = split_heads(self.key(x))  # (B, nh, T, hs)
        v = split_heads(self.value(x))  # (B, nh, T, hs)
        att = q @ k.transpose(-2, -1) / math.sqrt(self.head_size)  # (B, nh, T, T)
        att = att.masked_fill(~self.mask[:T, :T], float("-inf"))  # hide the future
        att = F.softmax(att, dim=-1)  # (B, nh, T, T): each row sums to 1
        att = self.attn_dropout(att)
        y = att @ v  # (B, nh, T, hs): weighted average of earlier values
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C): merge heads
        out: torch.Tensor = self.resid_dropout(self.proj(y))  # (B, T, C)
        return out


class Block(nn.Module):
    """Pre-LayerNorm block: ``x + attn(ln(x))``, then ``x + mlp(ln(x))``.

    The MLP widens to ``4 * n_embd``, applies GELU and projects back.

    Shape:
        Input and output: ``(B, T, n_embd)``.

    Examples:
        >>> import torch
        >>> from torchbasics.models.transformer import Block, TransformerConfig
        >>> Block(TransformerConfig(n_embd=16, n_head=2))(torch.randn(3, 5, 16)).shape
        torch.Size([3, 5, 16])
    """

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = nn.Sequential(
            OrderedDict(  # position-wise: each token on its own
                fc=nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias),
                gelu=nn.GELU(),
                proj=nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias),
                dropout=nn.Dropout(config.dropout),
            )
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))  # (B, T, C): tokens gather from the past
        out: torch.Tensor = x + self.mlp(self.ln_2(x))  # (B, T, C): each token computes alone
        return out


class TinyTransformer(nn.Module):
    """A GPT-style causal language model over token ids (e.g. characters).

    Args:
        config: The sizes, a ``TransformerConfig``.

    Shape:
        idx: ``(B, T)`` integer token ids in ``[0, vocab_size)``, ``T <= block_size``.
        targets: ``(B, T)``, the next token at each position (``-1`` is ignored).
        logits: ``(B, T, vocab_size)``; loss: a scalar or ``None``.

    Examples:
        >>> import torch
        >>> from torchbasics.models import TinyTransformer, TransformerConfig
        >>> _ = torch.manual_seed(0)
        >>> config = TransformerConfig(vocab_size=10, block_size=8, n_layer=1,
        ...                            n_head=2, n_embd=16)
        >>> model = TinyTransformer(config)
        >>> idx = torch.randint(0, 10, (2, 8))
        >>> logits, loss = model(idx, targets=idx)
        >>> logits.shape, round(loss.item(), 1)  # about ln(10) = 2.3 at init
        (torch.Size([2, 8, 10]), 2.3)
        >>> rng = torch.Generator().manual_seed(0)
        >>> out = model.generate(idx[:, :1], max_new_tokens=5, generator=rng)
        >>> out.shape, out.dtype
        (torch.Size([2, 6]), torch.int64)
    """

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        if not isinstance(config, TransformerConfig):
            raise TypeError(f"config must be a TransformerConfig, got {config!r}")
        self.config = config
        self.token_embedding = nn.Embedding(config.vocab_size, config.n_embd)
        self.position_embedding = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        # GPT-2 init: small normal weights, so logits start near 0 and loss near
        # ln(vocab_size); residual projections shrink with depth.
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif p.dim() >= 2:
                std = 0.02 / math.sqrt(2 * config.n_layer) if "proj" in name else 0.02
                nn.init.normal_(p, mean=0.0, std=std)

    def _check_ids(self, ids: object, name: str, low: int = 0) -> torch.Tensor:
        ids = check_tensor(ids, name)
        if ids.dtype not in (torch.long, torch.int):
            raise TypeError(
                f"{name} must hold integer token ids (torch.long), got dtype {ids.dtype}"
            )
        check_dims(ids, 2, "(B, T)", name)
        if ids.shape[1] == 0:
            raise ValueError(
                f"{name} must hold at least one token per row, got shape {tuple(ids.shape)}"
            )
        lo, hi = int(ids.min()), int(ids.max())
        if lo < low or hi >= self.config.vocab_size:
            raise ValueError(
                f"{name} must lie in [{low}, {self.config.vocab_size})"
                f" (vocab_size={self.config.vocab_size}), got values "
                f"from {lo} to {hi}"
            )
        return ids

    def forward(
        self, idx: torch.Tensor, targets: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Score every next token: logits, never probabilities.

        Args:
            idx: ``(B, T)`` token ids.
            targets: ``(B, T)`` next-token ids, or ``None`` for no loss.

        Returns:
            ``(logits, loss)``: loss is the mean cross-entropy, or ``None``.

        Raises:
            TypeError: ``idx`` or ``targets`` is not an integer tensor.
            ValueError: Wrong shape, ``T > block_size``, or ids out of range.
        """
        self._check_ids(idx, "idx")
        B, T = idx.shape
        if self.config.block_size < T:
            raise ValueError(
                f"idx has T={T} tokens per row but block_size is "
                f"{self.config.block_size}; crop it, e.g. "
                f"idx[:, -{self.config.block_size}:]"
            )
        pos = torch.arange(T, device=idx.device)  # (T,)
        x = self.token_embedding(idx) + self.position_embedding(pos)  # (B, T, C)
        x = self.drop(x)
        for block in self.blocks:
            x = block(x)  # (B, T, C)
        logits = self.lm_head(self.ln_f(x))  # (B, T, vocab_size)
        if targets is None:
            return logits, None
        self._check_ids(targets, "targets", low=-1)
        if targets.shape != idx.shape:
            raise ValueError(
                f"targets must have the shape of idx {tuple(idx.shape)}, got {tuple(targets.shape)}"
            )
        loss = F.cross_entropy(
            logits.view(B * T, -1), targets.reshape(B * T).long(), ignore_index=-1
        )
        return logits, loss

    @torch.no_grad()
    def generate(
        self,
        idx: torch.Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Append ``max_new_tokens`` sampled tokens to ``idx`` and return it all.

        Runs in eval mode (no dropout) without gradients, then restores the
        previous training flag. Only the last ``block_size`` tokens are fed back.

        Args:
            idx: ``(B, T)`` prompt token ids; ``T`` may exceed ``block_size``.
            max_new_tokens: How many tokens to add (``>= 0``).
            temperature: Divides the logits; ``< 1`` sharper, ``> 1`` flatter. ``> 0``.
            top_k: If given, sample only among the ``top_k`` most likely tokens.
            generator: A ``torch.Generator`` on the model's device, for
                reproducible samples.

        Returns:
            ``(B, T + max_new_tokens)`` token ids (``torch.long``).

        Raises:
            TypeError: ``max_new_tokens`` or ``top_k`` is not an int,
                ``temperature`` is not a number, or ``idx`` is not an integer tensor.
            ValueError: ``max_new_tokens < 0``, ``temperature <= 0`` (or not
                finite), ``top_k < 1`` or a bad ``idx``.
        """
        self._check_ids(idx, "idx")
        max_new_tokens = check_int(max_new_tokens, "max_new_tokens", minimum=0)
        temperature = check_number(temperature, "temperature", minimum=0, inclusive=False)
        if top_k is not None:
            top_k = check_positive_int(top_k, "top_k")
        was_training = self.training
        self.eval()
        try:
            idx = idx.long()
            for _ in range(max_new_tokens):
                idx_cond = idx[:, -self.config.block_size :]  # (B, <= block_size)
                logits, _ = self(idx_cond)  # (B, T, vocab_size)
                logits = logits[:, -1, :] / temperature  # (B, vocab_size)
                if top_k is not None:
                    kth = torch.topk(logits, min(top_k, logits.size(-1))).values[:, -1:]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                probs = F.softmax(logits, dim=-1)  # (B, vocab_size)
                idx_next = torch.multinomial(probs, 1, generator=generator)  # (B, 1)
                idx = torch.cat((idx, idx_next), dim=1)  # (B, T + 1)
        finally:
            self.train(was_training)
        return idx
