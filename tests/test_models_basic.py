"""Tests of the basic models: linear regression, MLP, CNN, ResNet and RNNs."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable

import pytest
import torch
from torch import nn

from torchbasics.models import (
    MLP,
    LinearRegression,
    ResidualBlock,
    SequenceModel,
    SmallCNN,
    SmallResNet,
)

CELL_NAMES = ["rnn", "lstm", "gru"]


def fit(
    model: nn.Module,
    loss_of: Callable[[], torch.Tensor],
    steps: int,
    lr: float = 0.05,
) -> tuple[float, float]:
    """Train ``model`` with Adam for ``steps`` steps; return first and last loss."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_of()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses[0], losses[-1]


def assert_every_parameter_has_a_gradient(model: nn.Module) -> None:
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None, name
        assert torch.isfinite(parameter.grad).all(), name


# --- LinearRegression -------------------------------------------------------


def test_linear_regression_output_has_one_row_per_example() -> None:
    assert LinearRegression(3)(torch.zeros(4, 3)).shape == (4, 1)
    assert LinearRegression(3, out_features=2)(torch.zeros(5, 3)).shape == (5, 2)


def test_linear_regression_parameters_are_exactly_weight_and_bias() -> None:
    model = LinearRegression(3, out_features=2)
    names = [name for name, _ in model.named_parameters()]
    assert names == ["weight", "bias"]
    assert all(isinstance(p, nn.Parameter) for p in model.parameters())
    assert list(model.state_dict()) == ["weight", "bias"]
    assert model.weight.shape == (2, 3) and model.bias.shape == (2,)


def test_plain_tensor_attribute_is_not_a_parameter() -> None:
    class PlainTensors(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.weight = torch.randn(1, 3, requires_grad=True)
            self.bias = torch.zeros(1, requires_grad=True)

    plain = PlainTensors()
    assert list(plain.parameters()) == []  # the optimizer would see nothing
    assert plain.state_dict() == {}  # and torch.save would store nothing
    assert len(list(LinearRegression(3).parameters())) == 2


def test_linear_regression_forward_is_x_times_weight_transposed_plus_bias() -> None:
    torch.manual_seed(0)
    model = LinearRegression(3, out_features=2)
    x = torch.randn(4, 3)
    expected = x @ model.weight.T + model.bias
    torch.testing.assert_close(model(x), expected)


def test_linear_regression_starts_within_nn_linear_bounds() -> None:
    torch.manual_seed(0)
    model = LinearRegression(16, out_features=8)
    bound = 1 / math.sqrt(16)
    assert model.weight.abs().max() <= bound and model.bias.abs().max() <= bound
    assert model.weight.std() > bound / 4  # spread out, not all zero


def test_linear_regression_fits_a_noisy_line() -> None:
    torch.manual_seed(0)
    x = torch.randn(64, 1)
    y = 3 * x - 1 + 0.1 * torch.randn(64, 1)
    model = LinearRegression(1)
    first, last = fit(
        model, lambda: nn.functional.mse_loss(model(x), y), steps=150, lr=0.1
    )
    assert last < 0.05 * first
    assert model.weight.item() == pytest.approx(3, abs=0.1)
    assert model.bias.item() == pytest.approx(-1, abs=0.1)


def test_linear_regression_rejects_a_vector_and_names_the_expected_shape() -> None:
    with pytest.raises(ValueError, match=re.escape("expected input of shape (N, 1)")):
        LinearRegression(1)(torch.zeros(10))


def test_linear_regression_rejects_wrong_feature_count() -> None:
    with pytest.raises(ValueError, match=r"expected 3 input features .* got 2"):
        LinearRegression(3)(torch.zeros(4, 2))


def test_linear_regression_rejects_integer_and_mismatched_dtypes() -> None:
    model = LinearRegression(2)
    with pytest.raises(TypeError, match=r"floating-point input, got torch.int64"):
        model(torch.zeros(4, 2, dtype=torch.long))
    with pytest.raises(TypeError, match=r"dtype torch.float32 .* got torch.float64"):
        model(torch.zeros(4, 2, dtype=torch.float64))
    assert model.double()(torch.zeros(4, 2, dtype=torch.float64)).dtype == torch.float64


def test_models_accept_other_dtypes_under_autocast() -> None:
    model = LinearRegression(2)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert model(torch.zeros(4, 2, dtype=torch.bfloat16)).shape == (4, 1)


@pytest.mark.parametrize(
    ("bad", "error"),
    [(0, ValueError), (-1, ValueError), (True, TypeError), (2.0, TypeError)],
)
def test_linear_regression_rejects_sizes_that_are_not_positive_ints(bad, error) -> None:
    with pytest.raises(error, match=rf"in_features must be an int >= 1, got {bad}"):
        LinearRegression(bad)


# --- MLP --------------------------------------------------------------------


def test_mlp_2_4_1_is_the_course_binary_classifier() -> None:
    layers = list(MLP(2, [4], 1).layers)
    assert [type(m) for m in layers] == [nn.Linear, nn.ReLU, nn.Linear]
    assert (layers[0].in_features, layers[0].out_features) == (2, 4)
    assert (layers[2].in_features, layers[2].out_features) == (4, 1)


def test_mlp_without_hidden_layers_is_a_single_linear_layer() -> None:
    model = MLP(3, [], 2)
    assert [type(m) for m in model.layers] == [nn.Linear]
    assert model(torch.zeros(5, 3)).shape == (5, 2)


def test_mlp_ends_with_a_linear_layer_so_it_returns_logits() -> None:
    model = MLP(4, [8, 8], 3, activation="sigmoid")
    assert isinstance(model.layers[-1], nn.Linear)
    assert model(torch.randn(6, 4) * 100).shape == (6, 3)


@pytest.mark.parametrize(
    ("activation", "expected"),
    [
        (nn.Tanh, nn.Tanh),
        (nn.GELU, nn.GELU),
        (lambda: nn.LeakyReLU(0.2), nn.LeakyReLU),
        ("relu", nn.ReLU),
        ("tanh", nn.Tanh),
        ("sigmoid", nn.Sigmoid),
        ("gelu", nn.GELU),
        ("leaky_relu", nn.LeakyReLU),
    ],
)
def test_mlp_builds_one_fresh_activation_per_hidden_layer(activation, expected) -> None:
    model = MLP(2, [4, 4], 1, activation=activation)
    acts = [m for m in model.layers if not isinstance(m, nn.Linear)]
    assert len(acts) == 2 and all(type(m) is expected for m in acts)
    assert acts[0] is not acts[1]


def test_mlp_adds_dropout_only_when_asked_and_only_while_training() -> None:
    assert not any(isinstance(m, nn.Dropout) for m in MLP(2, [4], 1).layers)
    model = MLP(2, [64], 1, dropout=0.5)
    assert sum(isinstance(m, nn.Dropout) for m in model.layers) == 1
    x = torch.randn(8, 2)
    model.eval()
    torch.testing.assert_close(model(x), model(x))


def test_mlp_2_4_1_learns_xor_like_points() -> None:
    torch.manual_seed(0)
    corners = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    x = corners.repeat(16, 1) + 0.05 * torch.randn(64, 2)
    y = torch.tensor([0.0, 1.0, 1.0, 0.0]).repeat(16).unsqueeze(1)
    model = MLP(2, [4], 1)  # with only 4 ReLU units a few seeds get stuck
    loss_fn = nn.BCEWithLogitsLoss()
    first, last = fit(model, lambda: loss_fn(model(x), y), steps=60)
    assert last < 0.5 * first


def test_mlp_rejects_wrong_feature_count_naming_expected_and_given() -> None:
    message = "expected 2 input features (size of dim -1), got 3 in shape (8, 3)"
    with pytest.raises(ValueError, match=re.escape(message)):
        MLP(2, [4], 1)(torch.zeros(8, 3))


def test_mlp_rejects_non_tensors_and_integer_inputs() -> None:
    model = MLP(2, [4], 1)
    with pytest.raises(TypeError, match=r"must be a torch.Tensor, got list"):
        model([[0.0, 1.0]])
    with pytest.raises(TypeError, match=r"floating-point input"):
        model(torch.zeros(3, 2, dtype=torch.int64))


def test_mlp_unknown_activation_name_lists_the_valid_names() -> None:
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*'relu'.*'gelu'"):
        MLP(2, [4], 1, activation="swish")


def test_mlp_activation_instance_is_rejected_with_a_hint_to_pass_the_class() -> None:
    with pytest.raises(TypeError, match=r"such as nn.ReLU \(the class\)"):
        MLP(2, [4], 1, activation=nn.ReLU())


def test_mlp_activation_factory_must_return_a_module() -> None:
    with pytest.raises(TypeError, match=r"must return an nn.Module, got builtin"):
        MLP(2, [4], 1, activation=lambda: torch.relu)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, [4], 1), "in_features must be an int >= 1, got 0"),
        ((2, [4, -3], 1), r"hidden\[1\] must be an int >= 1, got -3"),
        ((2, [4], 0), "out_features must be an int >= 1, got 0"),
    ],
)
def test_mlp_rejects_non_positive_sizes(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        MLP(*args)


def test_mlp_rejects_hidden_given_as_a_single_int_and_bad_dropout() -> None:
    with pytest.raises(TypeError, match=r"hidden must be a sequence .* got int"):
        MLP(2, 4, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"dropout must be a finite number in \[0, 1\), got 1.5"):
        MLP(2, [4], 1, dropout=1.5)


# --- SmallCNN and SmallResNet -----------------------------------------------


@pytest.mark.parametrize("model_class", [SmallCNN, SmallResNet])
@pytest.mark.parametrize("image_size", [8, 28])
def test_image_models_give_logits_and_gradients(model_class, image_size) -> None:
    torch.manual_seed(0)
    if model_class is SmallCNN:
        model = SmallCNN(num_classes=10, image_size=image_size)
    else:
        model = SmallResNet(num_classes=10)
    logits = model(torch.randn(3, 1, image_size, image_size))
    assert logits.shape == (3, 10)
    nn.functional.cross_entropy(logits, torch.tensor([0, 1, 2])).backward()
    assert_every_parameter_has_a_gradient(model)


def test_small_cnn_computes_the_flattened_size_from_the_image_size() -> None:
    assert SmallCNN(image_size=28).feature_size == 32 * 7 * 7
    assert SmallCNN(image_size=8).feature_size == 32 * 2 * 2
    odd = SmallCNN(in_channels=3, num_classes=4, image_size=10)  # 10 -> 5 -> 2
    assert odd(torch.zeros(2, 3, 10, 10)).shape == (2, 4)


@pytest.mark.parametrize("model_class", [SmallCNN, SmallResNet])
def test_image_models_fit_a_tiny_batch_of_digits(model_class) -> None:
    torch.manual_seed(0)
    x = torch.randn(32, 1, 8, 8)
    y = torch.arange(32) % 4
    model = (
        SmallCNN(num_classes=4, image_size=8)
        if model_class is SmallCNN
        else SmallResNet(num_classes=4, widths=(8, 16))
    )
    first, last = fit(
        model, lambda: nn.functional.cross_entropy(model(x), y), steps=30, lr=0.01
    )
    assert last < 0.3 * first


def test_small_cnn_names_the_channels_it_expected() -> None:
    message = "expected 1 input channels (size of dim 1), got 3 in shape (2, 3, 28, 28)"
    with pytest.raises(ValueError, match=re.escape(message)):
        SmallCNN()(torch.zeros(2, 3, 28, 28))


def test_small_cnn_names_the_image_size_it_expected() -> None:
    with pytest.raises(ValueError, match=r"expected images of size 28x28 .* got 8x8"):
        SmallCNN()(torch.zeros(2, 1, 8, 8))


def test_small_cnn_rejects_images_without_a_channel_dimension() -> None:
    message = "expected input of shape (N, 1, 28, 28), got (2, 28, 28)"
    with pytest.raises(ValueError, match=re.escape(message)):
        SmallCNN()(torch.zeros(2, 28, 28))


def test_small_cnn_rejects_too_small_images_and_non_positive_sizes() -> None:
    with pytest.raises(ValueError, match=r"image_size must be at least 4 .*, got 3"):
        SmallCNN(image_size=3)
    with pytest.raises(ValueError, match=r"num_classes must be an int >= 1, got 0"):
        SmallCNN(num_classes=0)


def test_small_cnn_rejects_integer_pixels() -> None:
    with pytest.raises(TypeError, match=r"floating-point input, got torch.uint8"):
        SmallCNN(image_size=8)(torch.zeros(2, 1, 8, 8, dtype=torch.uint8))


def test_residual_block_uses_identity_skip_when_shape_is_kept() -> None:
    block = ResidualBlock(16)
    assert isinstance(block.shortcut, nn.Identity)
    assert block(torch.randn(2, 16, 7, 7)).shape == (2, 16, 7, 7)


@pytest.mark.parametrize(
    ("args", "out_shape"),
    [
        ((16, 32), (2, 32, 7, 7)),
        ((16, 16, 2), (2, 16, 4, 4)),
        ((16, 32, 2), (2, 32, 4, 4)),
    ],
)
def test_residual_block_projects_the_skip_when_shape_changes(args, out_shape) -> None:
    block = ResidualBlock(*args)
    assert isinstance(block.shortcut, nn.Sequential)
    assert block(torch.randn(2, 16, 7, 7)).shape == out_shape


def test_residual_block_passes_input_through_when_its_branch_is_zero() -> None:
    torch.manual_seed(0)
    block = ResidualBlock(4).eval()
    nn.init.zeros_(block.conv2.weight)  # F(x) = bn2(0) = 0 in eval mode
    x = torch.randn(2, 4, 5, 5)
    torch.testing.assert_close(block(x), torch.relu(x))


def test_small_resnet_downsamples_between_stages_and_pools_globally() -> None:
    model = SmallResNet(in_channels=3, num_classes=5, widths=(8, 16, 32))
    strides = [stage[0].conv1.stride for stage in model.stages]
    assert strides == [(1, 1), (2, 2), (2, 2)]
    assert all(len(stage) == 2 for stage in model.stages)
    assert model.eval()(torch.zeros(1, 3, 13, 17)).shape == (1, 5)


def test_image_models_reject_wrong_channel_counts() -> None:
    with pytest.raises(ValueError, match=r"expected 3 input channels .* got 1"):
        SmallResNet(in_channels=3)(torch.zeros(2, 1, 8, 8))
    with pytest.raises(ValueError, match=r"expected 16 input channels .* got 8"):
        ResidualBlock(16)(torch.zeros(2, 8, 8, 8))


def test_small_resnet_rejects_empty_or_non_positive_widths() -> None:
    with pytest.raises(ValueError, match=r"at least one stage"):
        SmallResNet(widths=())
    with pytest.raises(ValueError, match=r"widths\[1\] must be an int >= 1, got 0"):
        SmallResNet(widths=(8, 0))


# --- SequenceModel ----------------------------------------------------------


@pytest.mark.parametrize("cell", CELL_NAMES)
def test_sequence_model_output_shapes_for_each_task(cell) -> None:
    x = torch.randn(4, 6, 3)
    classify = SequenceModel(3, 8, 5, cell=cell)
    regress = SequenceModel(3, 8, 2, cell=cell, task="regress", num_layers=2)
    assert classify(x).shape == (4, 5)
    assert regress(x).shape == (4, 6, 2)
    expected_layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
    assert isinstance(classify.rnn, expected_layer)


def test_sequence_model_embeds_token_ids_when_given_a_vocabulary() -> None:
    model = SequenceModel(16, 8, 3, cell="gru", vocab_size=50)
    assert model.embedding is not None and model.embedding.weight.shape == (50, 16)
    assert model(torch.randint(0, 50, (4, 7))).shape == (4, 3)


@pytest.mark.parametrize("cell", CELL_NAMES)
@pytest.mark.parametrize("task", ["classify", "regress"])
def test_padding_does_not_change_a_sequences_output(cell, task) -> None:
    torch.manual_seed(0)
    model = SequenceModel(3, 8, 2, cell=cell, task=task, num_layers=2).eval()
    short, long = torch.randn(1, 3, 3), torch.randn(1, 5, 3)
    padded = torch.cat([torch.cat([short, 99 * torch.ones(1, 2, 3)], dim=1), long])
    batch_out = model(padded, lengths=torch.tensor([3, 5]))
    alone_short, alone_long = model(short), model(long)
    if task == "classify":
        torch.testing.assert_close(batch_out[:1], alone_short)
        torch.testing.assert_close(batch_out[1:], alone_long)
    else:
        torch.testing.assert_close(batch_out[:1, :3], alone_short)
        torch.testing.assert_close(batch_out[1:], alone_long)


@pytest.mark.parametrize("cell", CELL_NAMES)
def test_padding_does_not_change_token_sequence_logits(cell) -> None:
    torch.manual_seed(0)
    model = SequenceModel(4, 8, 2, cell=cell, vocab_size=10).eval()
    tokens = torch.tensor([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8]])
    out = model(tokens, lengths=torch.tensor([3, 5]))
    torch.testing.assert_close(out[:1], model(tokens[:1, :3]))
    torch.testing.assert_close(out[1:], model(tokens[1:]))


def test_sequence_model_learns_to_remember_the_first_step() -> None:
    torch.manual_seed(0)
    x = torch.randn(64, 6, 1)
    y = (x[:, 0, 0] > 0).long()  # the label is decided by the first step
    lengths = torch.randint(2, 7, (64,))
    model = SequenceModel(1, 16, 2, cell="gru")
    first, last = fit(
        model,
        lambda: nn.functional.cross_entropy(model(x, lengths), y),
        steps=40,
        lr=0.02,
    )
    assert last < 0.3 * first


def test_sequence_model_learns_one_step_ahead_sine_prediction() -> None:
    torch.manual_seed(0)
    t = torch.linspace(0, 4 * math.pi, 41)
    phases = torch.rand(16, 1) * 2 * math.pi
    series = torch.sin(t + phases).unsqueeze(-1)  # (16, 41, 1)
    x, y = series[:, :-1], series[:, 1:]
    model = SequenceModel(1, 16, 1, cell="lstm", task="regress")
    first, last = fit(model, lambda: nn.functional.mse_loss(model(x), y), steps=40)
    assert last < 0.2 * first


def test_sequence_model_dropout_with_one_layer_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = SequenceModel(3, 8, 2, cell="lstm", dropout=0.3)
    assert model.rnn.dropout == 0.0 and model.dropout.p == 0.3


@pytest.mark.parametrize(
    ("lengths", "message"),
    [
        (torch.tensor([3, 6]), r"every length in \[1, T=5\].* got 6 at index 1"),
        (torch.tensor([3, 0]), r"every length in \[1, T=5\].* got 0 at index 1"),
        (torch.tensor([3, 2, 1]), "expected 2 lengths, one per sequence .* got 3"),
        (torch.tensor([[3], [2]]), r"expected lengths of shape \(2,\)"),
    ],
)
def test_sequence_model_rejects_bad_lengths(lengths, message) -> None:
    with pytest.raises(ValueError, match=message):
        SequenceModel(3, 8, 2)(torch.zeros(2, 5, 3), lengths=lengths)


def test_sequence_model_rejects_fractional_lengths() -> None:
    with pytest.raises(TypeError, match=r"lengths must hold integers"):
        SequenceModel(3, 8, 2)(torch.zeros(2, 5, 3), lengths=torch.tensor([3.0, 5.0]))


def test_sequence_model_rejects_inputs_of_the_wrong_shape_or_dtype() -> None:
    model = SequenceModel(3, 8, 2)
    message = "expected input of shape (N, T, 3), got (2, 5)"
    with pytest.raises(ValueError, match=re.escape(message)):
        model(torch.zeros(2, 5))
    with pytest.raises(ValueError, match=r"expected 3 input features .* got 4"):
        model(torch.zeros(2, 5, 4))
    with pytest.raises(ValueError, match=r"at least one time step"):
        model(torch.zeros(2, 0, 3))
    tokens = SequenceModel(4, 8, 2, vocab_size=10)
    with pytest.raises(TypeError, match=r"expected token ids"):
        tokens(torch.zeros(2, 5))
    with pytest.raises(ValueError, match=r"token ids in \[0, 10\).* from 0 to 10"):
        tokens(torch.tensor([[0, 10]]))


def test_sequence_model_unknown_cell_lists_the_valid_ones() -> None:
    valid = "expected one of 'rnn', 'lstm', 'gru'"
    with pytest.raises(ValueError, match=rf"unknown cell 'transformer'; {valid}"):
        SequenceModel(3, 8, 2, cell="transformer")
    with pytest.raises(ValueError, match=r"unknown task 'generate'.*'classify'"):
        SequenceModel(3, 8, 2, task="generate")


@pytest.mark.parametrize(
    "kwargs",
    [{"hidden_size": 0}, {"num_layers": 0}, {"vocab_size": -5}, {"output_size": -1}],
)
def test_sequence_model_rejects_non_positive_sizes(kwargs) -> None:
    arguments = {"input_size": 3, "hidden_size": 8, "output_size": 2, **kwargs}
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=f"{name} must be an int >= 1"):
        SequenceModel(**arguments)
