"""Unit tests of the generative models: TinyTransformer, AutoEncoder, VAE, GAN.

Small configurations throughout, so the whole file runs in seconds on a CPU.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator

import pytest
import torch
from torch.nn import functional as F

from torchbasics.models import (
    GAN,
    VAE,
    AutoEncoder,
    Discriminator,
    Generator,
    TinyTransformer,
    TransformerConfig,
    vae_loss,
)
from torchbasics.models.autoencoder import VAELoss
from torchbasics.models.transformer import CausalSelfAttention

SMALL = TransformerConfig(vocab_size=11, block_size=8, n_layer=2, n_head=2, n_embd=16)


@pytest.fixture(autouse=True)
def _seed_and_one_thread() -> Iterator[None]:
    """Seed, and use one CPU thread: these tensors are tiny, and extra threads
    only fight each other on a busy CI machine (several times slower)."""
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def rng(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- TransformerConfig ------------------------------------------------------


def test_config_is_frozen_and_has_documented_defaults() -> None:
    config = TransformerConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.n_layer = 3  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(config)] == [
        "vocab_size", "block_size", "n_layer", "n_head", "n_embd", "dropout", "bias"
    ]


def test_config_rejects_n_embd_not_divisible_by_n_head_naming_both() -> None:
    with pytest.raises(ValueError, match=r"n_embd \(30\).*n_head \(4\)"):
        TransformerConfig(n_embd=30, n_head=4)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [({"vocab_size": 0}, ValueError), ({"n_layer": 2.0}, TypeError),
     ({"block_size": True}, TypeError), ({"dropout": 1.0}, ValueError),
     ({"dropout": -0.1}, ValueError), ({"dropout": "0.1"}, TypeError)],
)
def test_config_rejects_bad_sizes_and_dropout(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error, match=next(iter(kwargs))):
        TransformerConfig(**kwargs)


# --- TinyTransformer: forward -----------------------------------------------


def test_transformer_returns_logits_of_shape_b_t_vocab_and_no_loss() -> None:
    model = TinyTransformer(SMALL)
    logits, loss = model(torch.randint(0, 11, (3, 5)))
    assert logits.shape == (3, 5, 11)
    assert loss is None


def test_transformer_loss_at_init_is_about_ln_vocab() -> None:
    config = dataclasses.replace(SMALL, vocab_size=50)
    idx = torch.randint(0, 50, (8, 8))
    _, loss = TinyTransformer(config)(idx, targets=torch.randint(0, 50, (8, 8)))
    assert loss is not None and loss.ndim == 0
    assert loss.item() == pytest.approx(math.log(50), abs=0.1)


def test_transformer_targets_of_minus_one_are_ignored() -> None:
    model = TinyTransformer(SMALL)
    idx = torch.randint(0, 11, (2, 6))
    targets = idx.clone()
    targets[:, 3:] = -1
    _, loss = model(idx, targets)
    _, loss_first = model(idx[:, :3], idx[:, :3])  # causal: same logits there
    assert loss.item() == pytest.approx(loss_first.item(), abs=1e-6)


def test_transformer_is_causal_future_tokens_do_not_change_earlier_logits() -> None:
    model = TinyTransformer(SMALL).eval()
    idx = torch.randint(0, 11, (2, 8))
    changed = idx.clone()
    changed[:, 5] = (idx[:, 5] + 1) % 11
    before, _ = model(idx)
    after, _ = model(changed)
    torch.testing.assert_close(before[:, :5], after[:, :5])
    assert not torch.allclose(before[:, 5:], after[:, 5:])


def test_attention_written_out_matches_scaled_dot_product_attention() -> None:
    attn = CausalSelfAttention(SMALL).eval()
    x = torch.randn(2, 7, 16)
    B, T, C = x.shape

    def heads(t: torch.Tensor) -> torch.Tensor:
        return t.view(B, T, 2, C // 2).transpose(1, 2)

    q, k, v = heads(attn.query(x)), heads(attn.key(x)), heads(attn.value(x))
    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    expected = attn.proj(y.transpose(1, 2).reshape(B, T, C))
    torch.testing.assert_close(attn(x), expected)


def test_transformer_overfits_a_tiny_repeated_string() -> None:
    text = "hello torch! " * 8
    chars = sorted(set(text))
    data = torch.tensor([chars.index(c) for c in text])
    config = TransformerConfig(vocab_size=len(chars), block_size=16, n_layer=1,
                               n_head=2, n_embd=32)
    model = TinyTransformer(config)
    starts = torch.arange(0, len(data) - 17, 3)
    x = torch.stack([data[s:s + 16] for s in starts])  # (B, 16)
    y = torch.stack([data[s + 1:s + 17] for s in starts])  # next characters
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    _, first = model(x, y)
    for _ in range(100):
        _, loss = model(x, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert first.item() == pytest.approx(math.log(len(chars)), abs=0.2)
    assert loss.item() < 0.2 * first.item()


@pytest.mark.parametrize("dtype", [torch.float32, torch.bool])
def test_transformer_rejects_non_integer_ids_naming_dtype(dtype: torch.dtype) -> None:
    with pytest.raises(TypeError, match=str(dtype)):
        TinyTransformer(SMALL)(torch.zeros(2, 4, dtype=dtype))


def test_transformer_rejects_sequences_longer_than_block_size() -> None:
    with pytest.raises(ValueError, match=r"T=9.*block_size is 8"):
        TinyTransformer(SMALL)(torch.zeros(1, 9, dtype=torch.long))


@pytest.mark.parametrize("bad", [-1, 11])
def test_transformer_rejects_token_ids_out_of_range(bad: int) -> None:
    idx = torch.zeros(1, 4, dtype=torch.long)
    idx[0, 2] = bad
    with pytest.raises(ValueError, match=r"\[0, 11\).*vocab_size=11"):
        TinyTransformer(SMALL)(idx)


def test_transformer_rejects_bad_shapes_of_idx_and_targets() -> None:
    model = TinyTransformer(SMALL)
    with pytest.raises(ValueError, match=r"expected idx of shape \(B, T\), got \(4,\)"):
        model(torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match=r"targets must have the shape"):
        model(torch.zeros(2, 4, dtype=torch.long), torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(TypeError, match=r"idx must be a torch\.Tensor, got list"):
        model([[1, 2]])


# --- TinyTransformer: generate ----------------------------------------------


def test_generate_appends_max_new_tokens_as_long() -> None:
    model = TinyTransformer(SMALL)
    out = model.generate(torch.zeros(2, 3, dtype=torch.long), 5, generator=rng())
    assert out.shape == (2, 8) and out.dtype == torch.long
    assert out[:, :3].eq(0).all() and out.min() >= 0 and out.max() < 11


def test_generate_is_deterministic_with_a_seeded_generator_even_with_dropout() -> None:
    model = TinyTransformer(dataclasses.replace(SMALL, dropout=0.5)).train()
    prompt = torch.ones(3, 2, dtype=torch.long)
    first = model.generate(prompt, 12, generator=rng(1))
    torch.manual_seed(123)  # global RNG must not matter (no dropout while sampling)
    assert torch.equal(first, model.generate(prompt, 12, generator=rng(1)))
    assert not torch.equal(first, model.generate(prompt, 12, generator=rng(2)))


@pytest.mark.parametrize("training", [True, False])
def test_generate_restores_the_training_flag(training: bool) -> None:
    model = TinyTransformer(SMALL).train(training)
    model.generate(torch.zeros(1, 1, dtype=torch.long), 2, generator=rng())
    assert model.training is training
    assert all(m.training is training for m in model.modules())


def test_generate_crops_the_context_to_block_size() -> None:
    model = TinyTransformer(SMALL)
    prompt = torch.randint(0, 11, (2, 20))  # longer than block_size = 8
    out = model.generate(prompt, 4, generator=rng(3))
    cropped = model.generate(prompt[:, -8:], 4, generator=rng(3))
    assert out.shape == (2, 24)
    assert torch.equal(out[:, 20:], cropped[:, 8:])


def test_generate_with_top_k_1_is_greedy() -> None:
    model = TinyTransformer(SMALL)
    prompt = torch.randint(0, 11, (2, 3))
    out = model.generate(prompt, 1, top_k=1, generator=rng(4))
    logits, _ = model(prompt)
    assert torch.equal(out[:, -1], logits[:, -1].argmax(-1))


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan")])
def test_generate_rejects_non_positive_temperature(temperature: float) -> None:
    with pytest.raises(ValueError, match="temperature must be a finite number > 0, got"):
        TinyTransformer(SMALL).generate(torch.zeros(1, 1, dtype=torch.long), 1,
                                        temperature=temperature)


# --- AutoEncoder ------------------------------------------------------------


@pytest.mark.parametrize("size, channels", [(28, 1), (8, 1), (8, 3)])
def test_autoencoder_shapes(size: int, channels: int) -> None:
    model = AutoEncoder(image_size=size, in_channels=channels, latent_dim=5,
                        hidden=(32,))
    x = torch.rand(4, channels, size, size)
    assert model.encode(x).shape == (4, 5)
    assert model.decode(torch.randn(4, 5)).shape == x.shape
    assert model(x).shape == x.shape


def test_autoencoder_rejects_wrong_image_size_saying_expected_and_given() -> None:
    with pytest.raises(ValueError, match=r"expected images of size 28x28 \(dims 2 and 3\), "
                                         r"got 8x8 in shape \(2, 1, 8, 8\)"):
        AutoEncoder(image_size=28)(torch.rand(2, 1, 8, 8))


def test_autoencoder_rejects_integer_pixels_and_wrong_latent_width() -> None:
    model = AutoEncoder(image_size=8)
    with pytest.raises(TypeError, match=r"torch\.uint8"):
        model(torch.zeros(2, 1, 8, 8, dtype=torch.uint8))
    with pytest.raises(ValueError, match=r"expected 16 latent features.*got 3"):
        model.decode(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="latent_dim must be an int >= 1, got 0"):
        AutoEncoder(latent_dim=0)
    with pytest.raises(TypeError, match=r"hidden must be a sequence .* got 64"):
        AutoEncoder(hidden=64)  # type: ignore[arg-type]


def test_autoencoder_reconstruction_loss_decreases_on_a_tiny_batch() -> None:
    model = AutoEncoder(image_size=8, latent_dim=4, hidden=(64,))
    x = (torch.rand(8, 1, 8, 8) > 0.5).float()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(40):
        loss = F.binary_cross_entropy_with_logits(model(x), x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


# --- VAE --------------------------------------------------------------------


@pytest.mark.parametrize("size", [28, 8])
def test_vae_shapes(size: int) -> None:
    vae = VAE(image_size=size, latent_dim=3, hidden=(32,))
    x = torch.rand(4, 1, size, size)
    recon, mu, logvar = vae(x)
    assert recon.shape == x.shape and mu.shape == logvar.shape == (4, 3)
    samples = vae.sample(2, generator=rng())
    assert samples.shape == (2, 1, size, size)
    assert samples.min() >= 0 and samples.max() <= 1 and not samples.requires_grad


def test_vae_loss_kl_is_zero_at_standard_normal() -> None:
    x = torch.rand(3, 1, 8, 8)
    zeros = torch.zeros(3, 4)
    loss = vae_loss(torch.randn(3, 1, 8, 8), x, zeros, zeros)
    assert isinstance(loss, VAELoss)
    assert loss.kl.item() == 0.0
    assert loss.total.item() == pytest.approx(loss.reconstruction.item())


def test_vae_loss_parts_match_their_definitions() -> None:
    x, logits = torch.rand(5, 1, 8, 8), torch.randn(5, 1, 8, 8)
    mu, logvar = torch.randn(5, 4), torch.randn(5, 4)
    loss = vae_loss(logits, x, mu, logvar, beta=0.5)
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
    torch.testing.assert_close(loss.reconstruction, bce.sum((1, 2, 3)).mean())
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros(4), torch.ones(4))
    kl = torch.distributions.kl_divergence(q, p).sum(1).mean()
    torch.testing.assert_close(loss.kl, kl)
    torch.testing.assert_close(loss.total, loss.reconstruction + 0.5 * kl)


def test_vae_loss_kl_is_never_negative() -> None:
    x = torch.rand(64, 1, 8, 8)
    for scale in (1e-3, 1.0, 5.0):
        mu, logvar = scale * torch.randn(64, 2), scale * torch.randn(64, 2)
        assert vae_loss(torch.zeros_like(x), x, mu, logvar).kl.item() >= 0


def test_vae_loss_rejects_targets_outside_0_1_and_mismatched_shapes() -> None:
    zeros = torch.zeros(2, 4)
    with pytest.raises(ValueError, match=r"pixels in \[0, 1\]"):
        vae_loss(torch.zeros(2, 1, 8, 8), torch.full((2, 1, 8, 8), -1.0), zeros, zeros)
    with pytest.raises(ValueError, match=r"same \(N, \.\.\.\) shape"):
        vae_loss(torch.zeros(2, 1, 8, 8), torch.zeros(2, 1, 28, 28), zeros, zeros)
    with pytest.raises(ValueError, match="mu and logvar"):
        vae_loss(torch.zeros(2, 1, 8, 8), torch.zeros(2, 1, 8, 8), zeros,
                 torch.zeros(2, 3))


def test_reparameterization_lets_gradients_reach_mu_and_logvar() -> None:
    mu = torch.zeros(4, 3, requires_grad=True)
    logvar = torch.zeros(4, 3, requires_grad=True)
    z = VAE.reparameterize(mu, logvar, generator=rng())
    z.pow(2).sum().backward()
    assert mu.grad is not None and mu.grad.abs().sum() > 0
    assert logvar.grad is not None and logvar.grad.abs().sum() > 0
    again = VAE.reparameterize(mu, logvar, generator=rng())
    assert torch.equal(z, again)


def test_reparameterization_samples_have_mean_mu_and_std_sigma() -> None:
    mu = torch.full((20000, 1), 2.0)
    logvar = torch.full((20000, 1), math.log(0.25))  # sigma = 0.5
    z = VAE.reparameterize(mu, logvar, generator=rng())
    assert z.mean().item() == pytest.approx(2.0, abs=0.02)
    assert z.std().item() == pytest.approx(0.5, abs=0.02)


def test_vae_reconstruction_gradient_reaches_the_encoder_through_z() -> None:
    vae = VAE(image_size=8, latent_dim=2, hidden=(16,))
    x = torch.rand(4, 1, 8, 8)
    recon, mu, logvar = vae(x)
    vae_loss(recon, x, mu, logvar, beta=0.0).total.backward()  # no KL term
    for name, p in vae.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


# --- GAN --------------------------------------------------------------------


@pytest.mark.parametrize("size", [28, 8])
def test_gan_shapes_and_tanh_range(size: int) -> None:
    gan = GAN(latent_dim=6, image_size=size, hidden=(16, 32))
    images = gan.generator(gan.noise(5))
    assert images.shape == (5, 1, size, size)
    assert images.min() >= -1 and images.max() <= 1
    assert gan.discriminator(images).shape == (5, 1)
    assert torch.equal(gan.sample(3, generator=rng()), gan.sample(3, generator=rng()))
    assert not gan.sample(2).requires_grad


def test_gan_losses_are_finite_and_reach_the_right_networks() -> None:
    gan = GAN(latent_dim=6, image_size=8, hidden=(16, 32))
    real = torch.rand(4, 1, 8, 8) * 2 - 1
    fake = gan.generator(gan.noise(4))
    d_loss = gan.discriminator_loss(real, fake)
    assert torch.isfinite(d_loss)
    d_loss.backward()
    assert all(p.grad is not None for p in gan.discriminator.parameters())
    assert all(p.grad is None for p in gan.generator.parameters())  # fake detached
    g_loss = gan.generator_loss(fake)
    assert torch.isfinite(g_loss)
    g_loss.backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in gan.generator.parameters())


def test_generator_and_discriminator_reject_wrong_shapes() -> None:
    with pytest.raises(ValueError, match=r"expected 8 latent features.*got 4"):
        Generator(latent_dim=8, image_size=8)(torch.randn(2, 4))
    with pytest.raises(ValueError, match=r"expected z of shape \(N, 8\)"):
        Generator(latent_dim=8)(torch.randn(8))
    with pytest.raises(ValueError,
                       match=r"expected images of size 8x8 .* got 28x28 in shape \(2, 1, 28, 28\)"):
        Discriminator(image_size=8)(torch.rand(2, 1, 28, 28))
