"""Unit tests of torchbasics.plotting.

Every figure is built with matplotlib's object-oriented API, so the tests also
check that nothing reaches pyplot's list of open figures and that no global
setting changes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import nn

from torchbasics.plotting import (
    plot_activations,
    plot_decision_boundary,
    plot_history,
    plot_image_grid,
)

HISTORY = {
    "epoch": [1, 2, 3, 4],
    "train_accuracy": [0.5, 0.7, 0.8, 0.9],
    "val_accuracy": [0.45, 0.6, 0.75, 0.7],
    "train_loss": [1.0, 0.6, 0.4, 0.3],
    "val_loss": [1.1, 0.7, 0.5, 0.55],
}


@pytest.fixture(autouse=True)
def _nothing_global_changes() -> Iterator[None]:
    figures = plt.get_fignums()
    rc = dict(matplotlib.rcParams)
    yield
    assert plt.get_fignums() == figures, "a figure leaked into pyplot"
    assert dict(matplotlib.rcParams) == rc, "a global matplotlib setting changed"


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def labelled_lines(ax: Axes) -> dict[str, object]:
    return {line.get_label(): line for line in ax.get_lines()}


def best_marker(ax: Axes) -> tuple[float, float]:
    [line] = [ln for ln in ax.get_lines() if ln.get_label().startswith("best")]
    return float(line.get_xdata()[0]), float(line.get_ydata()[0])


def vertical_lines_x(ax: Axes) -> list[float]:
    xs = []
    for line in ax.get_lines():
        x = np.asarray(line.get_xdata(), dtype=float)
        if len(x) == 2 and x[0] == x[1] and line.get_label().startswith("_"):
            xs.append(float(x[0]))
    return xs


# --------------------------------------------------------------------- history


def test_history_returns_a_figure_with_one_subplot_per_metric_loss_first() -> None:
    fig = plot_history(HISTORY)
    assert isinstance(fig, Figure)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    for ax in fig.axes:
        assert ax.get_xlabel() == "epoch"
        assert ax.get_ylabel() == ax.get_title()


def test_history_groups_train_and_validation_in_one_subplot_with_a_legend() -> None:
    fig = plot_history(HISTORY)
    loss = fig.axes[0]
    lines = labelled_lines(loss)
    assert list(lines["train"].get_ydata()) == HISTORY["train_loss"]
    assert list(lines["validation"].get_ydata()) == HISTORY["val_loss"]
    assert legend_texts(loss) == ["train", "validation", "best (epoch 3)"]


def test_history_list_of_dicts_draws_the_same_as_dict_of_lists() -> None:
    keys = list(HISTORY)
    rows = [
        dict(zip(keys, values, strict=True))
        for values in zip(*HISTORY.values(), strict=True)
    ]
    a, b = plot_history(HISTORY), plot_history(rows)
    assert [ax.get_title() for ax in a.axes] == [ax.get_title() for ax in b.axes]
    for ax_a, ax_b in zip(a.axes, b.axes, strict=True):
        for la, lb in zip(ax_a.get_lines(), ax_b.get_lines(), strict=True):
            assert la.get_label() == lb.get_label()
            np.testing.assert_array_equal(la.get_xydata(), lb.get_xydata())


def test_history_marks_the_best_validation_epoch_min_for_loss_max_for_accuracy() -> (
    None
):
    fig = plot_history(HISTORY)
    loss, accuracy = fig.axes
    assert best_marker(loss) == (3.0, 0.5)
    assert vertical_lines_x(loss) == [3.0]
    assert best_marker(accuracy) == (3.0, 0.75)
    history = {"val_loss": [0.9, 0.2, 0.4], "val_f1_score": [0.1, 0.3, 0.8]}
    loss, f1 = plot_history(history).axes
    assert best_marker(loss)[0] == 2.0
    assert best_marker(f1)[0] == 3.0


def test_history_skips_missing_validation_values() -> None:
    rows = [
        {"epoch": 1, "train_loss": 1.0, "val_loss": 0.9},
        {"epoch": 2, "train_loss": 0.8},
        {"epoch": 3, "train_loss": 0.6, "val_loss": None},
        {"epoch": 4, "train_loss": 0.5, "val_loss": 0.4},
    ]
    fig = plot_history(rows)
    val = labelled_lines(fig.axes[0])["validation"]
    assert list(val.get_xdata()) == [1.0, 4.0]
    assert list(val.get_ydata()) == [0.9, 0.4]
    assert best_marker(fig.axes[0]) == (4.0, 0.4)


def test_history_without_an_epoch_key_counts_epochs_from_one() -> None:
    fig = plot_history({"train_loss": [3.0, 2.0, 1.0]})
    line = labelled_lines(fig.axes[0])["train"]
    assert list(line.get_xdata()) == [1.0, 2.0, 3.0]
    assert not any(ln.get_label().startswith("best") for ln in fig.axes[0].lines)


def test_history_uses_the_epoch_key_for_x() -> None:
    fig = plot_history({"epoch": [5, 10, 15], "val_loss": [3.0, 1.0, 2.0]})
    assert best_marker(fig.axes[0]) == (10.0, 1.0)


def test_history_accepts_tensor_and_numpy_scalars() -> None:
    history = {
        "train_loss": [torch.tensor(1.0), np.float32(0.5), torch.tensor([0.25])],
        "val_loss": list(torch.tensor([0.9, 0.7, 0.8])),
    }
    fig = plot_history(history)
    assert labelled_lines(fig.axes[0])["train"].get_ydata() == pytest.approx(
        [1, 0.5, 0.25]
    )
    assert best_marker(fig.axes[0])[0] == 2.0


def test_history_pairs_an_unprefixed_key_with_its_val_key_keras_style() -> None:
    fig = plot_history({"loss": [1.0, 0.5], "val_loss": [1.2, 0.8], "lr": [0.1, 0.1]})
    assert [ax.get_title() for ax in fig.axes] == ["loss", "lr"]
    assert legend_texts(fig.axes[0])[:2] == ["train", "validation"]
    assert legend_texts(fig.axes[1]) == ["lr"]


def test_history_ignores_non_numeric_columns() -> None:
    fig = plot_history({"train_loss": [1.0, 0.5], "time": ["10:00", "10:05"]})
    assert [ax.get_title() for ax in fig.axes] == ["loss"]


def test_history_metrics_selects_and_orders_the_subplots() -> None:
    fig = plot_history(HISTORY, ["accuracy", "loss"])
    assert [ax.get_title() for ax in fig.axes] == ["accuracy", "loss"]
    assert [ax.get_title() for ax in plot_history(HISTORY, "accuracy").axes] == [
        "accuracy"
    ]


def test_history_unknown_metric_raises_and_lists_the_available_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown metrics \['f1'\].*'loss'"):
        plot_history(HISTORY, ["f1"])


def test_history_draws_into_given_axes_and_returns_their_figure() -> None:
    host = Figure()
    ax = host.subplots()
    assert plot_history(HISTORY, "loss", ax=ax) is host
    assert ax.get_title() == "loss"
    other = Figure()
    assert plot_history(HISTORY, ax=other.subplots(1, 2)) is other


def test_history_draws_into_a_pyplot_axes() -> None:
    fig, ax = plt.subplots()
    try:
        assert plot_history(HISTORY, "loss", ax=ax) is fig
    finally:
        plt.close(fig)


def test_history_with_too_few_axes_raises() -> None:
    with pytest.raises(ValueError, match=r"got 1 Axes for 2 metrics"):
        plot_history(HISTORY, ax=Figure().subplots())


@pytest.mark.parametrize(
    ("history", "error", "message"),
    [
        ({}, ValueError, "history is empty"),
        ([], ValueError, "history is empty"),
        ({"train_loss": [1.0, 2.0], "val_loss": [1.0]}, ValueError, "lengths"),
        ({"train_loss": 1.0}, TypeError, r"history\['train_loss'\] must be a list"),
        ([{"train_loss": 1.0}, 2.0], TypeError, r"history\[1\] must be a dict"),
        ("loss", TypeError, "dict of per-epoch lists or a list of per-epoch dicts"),
    ],
)
def test_history_rejects_malformed_input_with_a_clear_message(
    history: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        plot_history(history)  # type: ignore[arg-type]


# ---------------------------------------------------------- decision boundary


def two_blobs(n: int = 40) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(n, 2, generator=generator)
    X[: n // 2] += 2.0
    y = torch.zeros(n, dtype=torch.long)
    y[: n // 2] = 1
    return X, y


class Halves(nn.Module):
    """Binary logits: class 1 right of x = 1, with a dropout child to track."""

    def __init__(self, keepdim: bool = False) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(1.0))
        self.drop = nn.Dropout(0.5)
        self.keepdim = keepdim
        self.seen_training: list[bool] = []
        self.seen_grad: list[bool] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen_training.append(self.training)
        self.seen_grad.append(torch.is_grad_enabled())
        logit = self.scale * (x[:, 0] - 1.0)
        return logit[:, None] if self.keepdim else logit


def collections(fig: Figure) -> list[object]:
    return list(fig.axes[0].collections)


@pytest.mark.parametrize("keepdim", [False, True], ids=["(N,)", "(N, 1)"])
def test_boundary_for_a_binary_module_fills_both_classes_and_draws_p_half(
    keepdim: bool,
) -> None:
    X, y = two_blobs()
    fig = plot_decision_boundary(Halves(keepdim), X, y, resolution=40)
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    # two filled regions, the p = 0.5 line and the scattered points
    assert len(ax.collections) == 4
    assert legend_texts(ax) == ["p = 0.5", "class 0", "class 1"]
    assert ax.get_title() == "Decision boundary"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")
    scatter = ax.collections[-1]
    np.testing.assert_allclose(scatter.get_offsets(), X.numpy())


def test_boundary_for_a_multiclass_module_fills_one_region_per_class() -> None:
    torch.manual_seed(0)
    X = torch.randn(60, 2)
    y = torch.randint(0, 3, (60,))
    model = nn.Linear(2, 3)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]]))
        model.bias.zero_()
    fig = plot_decision_boundary(model, X, y, resolution=50)
    ax = fig.axes[0]
    assert legend_texts(ax) == ["class 0", "class 1", "class 2"]
    # 3 filled regions + 3 border lines + the points
    assert len(ax.collections) == 7


def test_boundary_accepts_a_plain_callable_returning_numpy() -> None:
    X, y = two_blobs()
    calls: list[torch.Tensor] = []

    def classify(points: torch.Tensor) -> np.ndarray:
        calls.append(points)
        return np.stack([points[:, 0].numpy(), -points[:, 0].numpy()], axis=1)

    fig = plot_decision_boundary(classify, X.numpy(), y.numpy(), resolution=30)
    assert isinstance(fig, Figure)
    assert all(c.device.type == "cpu" and c.shape[1] == 2 for c in calls)
    assert sum(len(c) for c in calls) == 30 * 30


def test_boundary_evaluates_in_eval_mode_without_grad_and_restores_the_flags() -> None:
    X, y = two_blobs()
    model = Halves()
    model.drop.eval()  # mixed flags: the parent trains, one child does not
    plot_decision_boundary(model, X, y, resolution=20)
    assert model.seen_training and not any(model.seen_training)
    assert not any(model.seen_grad)
    assert model.training is True
    assert model.drop.training is False

    model.eval()
    plot_decision_boundary(model, X, y, resolution=20)
    assert model.training is False


def test_boundary_restores_the_training_flag_when_the_model_fails() -> None:
    class Broken(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            raise RuntimeError("boom")

    model = Broken()
    with pytest.raises(RuntimeError, match="boom"):
        plot_decision_boundary(model, *two_blobs(), resolution=10)
    assert model.training is True


def test_boundary_evaluates_the_grid_in_batches() -> None:
    X, y = two_blobs()
    model = Halves()
    plot_decision_boundary(model, X, y, resolution=200)
    assert len(model.seen_training) > 1


def test_boundary_grid_spans_the_data_with_a_margin() -> None:
    X = torch.tensor([[0.0, 0.0], [10.0, 2.0]])
    fig = plot_decision_boundary(lambda p: p[:, 0] - 5, X, [0, 1], resolution=10)
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx((-1.0, 11.0))
    assert ax.get_ylim() == pytest.approx((-0.2, 2.2))


def test_boundary_uses_the_model_dtype_and_the_given_device() -> None:
    seen: list[torch.Tensor] = []

    class Recorder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(2, 1).double()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            seen.append(x)
            return self.linear(x)

    X, y = two_blobs()
    plot_decision_boundary(Recorder(), X, y, resolution=10, device="cpu")
    assert {t.dtype for t in seen} == {torch.float64}
    assert {t.device.type for t in seen} == {"cpu"}


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")
def test_boundary_runs_the_grid_on_the_device_of_the_model() -> None:
    model = Halves().to("cuda")
    seen: list[torch.device] = []
    model.register_forward_pre_hook(lambda _, args: seen.append(args[0].device))
    X, y = two_blobs()
    fig = plot_decision_boundary(model, X.cuda(), y.cuda(), resolution=20)
    assert isinstance(fig, Figure)
    assert {d.type for d in seen} == {"cuda"}


def test_boundary_accepts_labels_as_a_column_and_as_floats() -> None:
    X, y = two_blobs()
    fig = plot_decision_boundary(Halves(), X, y[:, None].float(), resolution=10)
    assert legend_texts(fig.axes[0])[-2:] == ["class 0", "class 1"]


def test_boundary_draws_into_a_given_axes() -> None:
    host = Figure()
    ax = host.subplots(1, 2)[1]
    assert plot_decision_boundary(Halves(), *two_blobs(), ax=ax, resolution=10) is host
    assert ax.get_title() == "Decision boundary"


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (torch.zeros(5, 3), r"expected X of shape \(N, 2\), got \(5, 3\)"),
        (torch.zeros(5), r"expected X of shape \(N, 2\), got \(5,\)"),
        (np.zeros((2, 2, 2)), r"expected X of shape \(N, 2\), got \(2, 2, 2\)"),
        (torch.zeros(0, 2), r"expected X of shape \(N, 2\), got \(0, 2\)"),
    ],
)
def test_boundary_rejects_x_that_is_not_n_by_2(X: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(Halves(), X, np.zeros(len(X)))


@pytest.mark.parametrize(
    ("y", "error", "message"),
    [
        (torch.zeros(3), ValueError, "X and y must have the same number of samples"),
        (torch.zeros(4, 2), ValueError, r"expected y of shape \(N,\)"),
        (torch.tensor([0.0, 0.5, 1.0, 1.0]), ValueError, "class indices"),
        (torch.tensor([0, -1, 1, 1]), ValueError, "class indices"),
    ],
)
def test_boundary_rejects_labels_that_are_not_one_class_index_per_point(
    y: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        plot_decision_boundary(Halves(), torch.zeros(4, 2), y)


@pytest.mark.parametrize(
    "model",
    [lambda p: p, lambda p: p[:1, 0], lambda p: p[:, :, None], lambda p: p[:, :0]],
    ids=["(M, 2) is fine", "wrong length", "3-D", "zero classes"],
)
def test_boundary_checks_the_shape_of_the_model_output(
    model: Callable[[torch.Tensor], torch.Tensor],
) -> None:
    X, y = two_blobs()
    if model(torch.zeros(3, 2)).shape == (3, 2):
        plot_decision_boundary(model, X, y, resolution=10)
        return
    with pytest.raises(ValueError, match=r"model must return logits of shape \(M,\)"):
        plot_decision_boundary(model, X, y, resolution=10)


def test_boundary_rejects_a_bad_resolution_or_model() -> None:
    X, y = two_blobs()
    with pytest.raises(ValueError, match="resolution must be an int >= 2, got 1"):
        plot_decision_boundary(Halves(), X, y, resolution=1)
    with pytest.raises(TypeError, match="model must be callable"):
        plot_decision_boundary("model", X, y)  # type: ignore[arg-type]


# ---------------------------------------------------------------- image grid


def shown(fig: Figure, i: int = 0) -> np.ndarray:
    return np.asarray(fig.axes[i].images[0].get_array())


@pytest.mark.parametrize(
    "images",
    [
        torch.rand(5, 1, 8, 8),
        torch.rand(5, 3, 8, 8),
        torch.rand(5, 8, 8),
        np.random.default_rng(0).random((5, 8, 8, 3)),
        [torch.rand(1, 8, 8) for _ in range(5)],
    ],
    ids=["N1HW", "N3HW", "NHW", "NHW3 numpy", "list of CHW"],
)
def test_image_grid_shows_one_axes_per_image_with_axes_off(images: object) -> None:
    fig = plot_image_grid(images)
    assert len(fig.axes) == 5
    for ax in fig.axes:
        assert len(ax.images) == 1
        assert not ax.axison
    assert shown(fig).shape[:2] == (8, 8)


def test_image_grid_shows_colour_images_as_rgb_and_grey_ones_with_cmap() -> None:
    rgb = plot_image_grid(torch.rand(2, 3, 4, 6))
    assert shown(rgb).shape == (4, 6, 3)
    grey = plot_image_grid(torch.rand(2, 1, 4, 6), cmap="viridis")
    assert shown(grey).shape == (4, 6)
    assert grey.axes[0].images[0].get_cmap().name == "viridis"


def test_image_grid_titles_each_image_with_its_label_and_title() -> None:
    fig = plot_image_grid(torch.rand(3, 8, 8), labels=torch.tensor([7, 2, 1]))
    assert [ax.get_title() for ax in fig.axes] == ["7", "2", "1"]
    fig = plot_image_grid(
        np.zeros((2, 8, 8)), labels=["cat", "dog"], titles=["pred cat", "pred cat"]
    )
    assert [ax.get_title() for ax in fig.axes] == ["cat\npred cat", "dog\npred cat"]
    fig = plot_image_grid(np.zeros((2, 8, 8)), titles=["a", "b"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]


def test_image_grid_layout_defaults_to_eight_columns_and_follows_nrows_ncols() -> None:
    def grid(fig: Figure) -> tuple[int, int]:
        spec = fig.axes[0].get_subplotspec().get_gridspec()
        return spec.nrows, spec.ncols

    assert grid(plot_image_grid(torch.rand(9, 4, 4))) == (2, 8)
    assert grid(plot_image_grid(torch.rand(3, 4, 4))) == (1, 3)
    assert grid(plot_image_grid(torch.rand(5, 4, 4), nrows=3)) == (3, 2)
    assert grid(plot_image_grid(torch.rand(5, 4, 4), ncols=2)) == (3, 2)
    fig = plot_image_grid(torch.rand(5, 4, 4), nrows=2, ncols=3)
    assert grid(fig) == (2, 3)
    assert len(fig.axes) == 5  # the empty cell is removed


def test_image_grid_scales_each_image_for_display() -> None:
    unit = torch.full((1, 2, 2), 0.25)
    pixels = torch.tensor([[[0, 51], [102, 255]]], dtype=torch.uint8)
    normalised = torch.tensor([[[-2.0, 0.0], [1.0, 2.0]]])
    floats_0_255 = pixels.float()
    images = [unit, pixels.float(), normalised, floats_0_255]
    fig = plot_image_grid(images)
    np.testing.assert_allclose(shown(fig, 0), np.full((2, 2), 0.25))
    np.testing.assert_allclose(shown(fig, 1), [[0, 0.2], [0.4, 1.0]])
    np.testing.assert_allclose(shown(fig, 2), [[0, 0.5], [0.75, 1.0]])
    np.testing.assert_allclose(shown(fig, 3), [[0, 0.2], [0.4, 1.0]])
    fig = plot_image_grid(pixels.numpy()[None].repeat(2, axis=0))
    np.testing.assert_allclose(shown(fig), [[0, 0.2], [0.4, 1.0]])


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (torch.rand(2, 2, 8, 8), r"got \(2, 2, 8, 8\)"),
        (torch.rand(8, 8), r"got \(8, 8\)"),
        (torch.rand(1, 1, 1, 8, 8), r"got \(1, 1, 1, 8, 8\)"),
        (torch.rand(0, 8, 8), "images is empty"),
    ],
)
def test_image_grid_rejects_bad_shapes_naming_the_expected_ones(
    images: torch.Tensor, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        plot_image_grid(images)
    if "empty" not in message:
        with pytest.raises(ValueError, match=r"\(N, H, W\) or \(N, C, H, W\)"):
            plot_image_grid(images)


def test_image_grid_rejects_mismatched_labels_and_small_grids() -> None:
    images = torch.rand(4, 8, 8)
    with pytest.raises(ValueError, match="expected 4 labels, one per image, got 3"):
        plot_image_grid(images, labels=[1, 2, 3])
    with pytest.raises(ValueError, match="expected 4 titles"):
        plot_image_grid(images, titles=["a"])
    with pytest.raises(ValueError, match="room for 2 images, got 4"):
        plot_image_grid(images, nrows=1, ncols=2)
    with pytest.raises(ValueError, match="ncols must be an int >= 1, got 0"):
        plot_image_grid(images, ncols=0)


# ---------------------------------------------------------------- activations

DEFAULT = [
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu (slope 0.1)",
    "gelu",
    "silu (swish)",
    "softplus",
    "elu",
]


def curves(ax: Axes) -> dict[str, object]:
    return {k: v for k, v in labelled_lines(ax).items() if not k.startswith("_")}


def test_activations_default_set_has_one_titled_panel_per_function() -> None:
    fig = plot_activations()
    assert [ax.get_title() for ax in fig.axes] == DEFAULT
    for ax in fig.axes:
        assert set(curves(ax)) == {"f(x)", "f'(x)"}
        assert legend_texts(ax) == ["f(x)", "f'(x)"]
        assert curves(ax)["f'(x)"].get_linestyle() == "--"
        assert ax.get_xlabel() == "x"


def test_activations_derivatives_come_from_autograd_and_are_correct() -> None:
    x = torch.linspace(-3, 3, 61)
    sigmoid, relu = plot_activations(["sigmoid", "relu"], x=x).axes
    s = torch.sigmoid(x).numpy()
    np.testing.assert_allclose(curves(sigmoid)["f(x)"].get_ydata(), s, rtol=1e-6)
    np.testing.assert_allclose(
        curves(sigmoid)["f'(x)"].get_ydata(), s * (1 - s), rtol=1e-5, atol=1e-7
    )
    np.testing.assert_array_equal(
        curves(relu)["f'(x)"].get_ydata(), (x > 0).float().numpy()
    )


def test_activations_accept_one_name_aliases_and_any_case() -> None:
    assert [ax.get_title() for ax in plot_activations("ReLU").axes] == ["relu"]
    assert [ax.get_title() for ax in plot_activations(["swish"]).axes] == [
        "silu (swish)"
    ]


def test_activations_work_inside_no_grad_and_with_numpy_or_integer_x() -> None:
    with torch.no_grad():
        fig = plot_activations(["tanh"], x=np.linspace(-1, 1, 5))
    assert len(curves(fig.axes[0])["f'(x)"].get_ydata()) == 5
    fig = plot_activations(["relu"], x=[-2, -1, 0, 1, 2])
    assert list(curves(fig.axes[0])["f(x)"].get_ydata()) == [0, 0, 0, 1, 2]


def test_activations_unknown_name_raises_listing_the_valid_names() -> None:
    with pytest.raises(ValueError) as info:
        plot_activations(["relu", "softmax"])
    message = str(info.value)
    assert message.startswith("unknown activation 'softmax'; valid names: ")
    for name in ["sigmoid", "tanh", "relu", "leaky_relu", "gelu", "silu", "swish"]:
        assert name in message


def test_activations_reject_empty_names_and_bad_x() -> None:
    with pytest.raises(ValueError, match="names is empty"):
        plot_activations([])
    with pytest.raises(ValueError, match=r"expected x of shape \(M,\), got \(2, 3\)"):
        plot_activations(x=torch.zeros(2, 3))
    with pytest.raises(ValueError, match="at least 2 values"):
        plot_activations(x=[0.0])


def test_activations_wrap_into_rows_of_four() -> None:
    fig = plot_activations(["relu"] * 5)
    spec = fig.axes[0].get_subplotspec().get_gridspec()
    assert (spec.nrows, spec.ncols, len(fig.axes)) == (2, 4, 5)


# ---------------------------------------------------------------- all of them


@pytest.mark.parametrize(
    "make",
    [
        lambda: plot_history(HISTORY),
        lambda: plot_decision_boundary(Halves(), *two_blobs(), resolution=30),
        lambda: plot_decision_boundary(nn.Linear(2, 4), *two_blobs(), resolution=30),
        lambda: plot_image_grid(torch.randn(4, 3, 8, 8), labels=[0, 1, 2, 3]),
        lambda: plot_activations(["sigmoid", "relu", "gelu"]),
    ],
    ids=["history", "binary boundary", "multiclass boundary", "images", "activations"],
)
def test_every_figure_renders_to_png(make: Callable[[], Figure]) -> None:
    fig = make()
    assert isinstance(fig, Figure)
    assert png_bytes(fig).startswith(b"\x89PNG\r\n\x1a\n")
    assert math.prod(fig.get_size_inches()) > 0


def test_figures_display_themselves_as_png_in_a_notebook() -> None:
    """A fresh Jupyter kernel has no matplotlib display hook without pyplot:
    the figure must carry IPython's ``_repr_png_`` protocol itself."""
    from torchbasics.plotting import plot_activations

    fig = plot_activations(["relu"])
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


RETINA_PROBE = """
import struct, sys
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config
from torchbasics.plotting import plot_activations

config = Config()
config.InlineBackend.figure_formats = set(sys.argv[1:])
InteractiveShell.instance(config=config)
shown = plot_activations(["relu"])._repr_png_()
png, metadata = shown if isinstance(shown, tuple) else (shown, None)
print(*struct.unpack(">II", png[16:24]), metadata)
"""


@pytest.mark.parametrize("formats", [["png"], ["retina"]])
def test_figures_follow_the_kernels_inline_figure_format(formats: list[str]) -> None:
    """As pyplot's figures do: ``retina`` draws twice the pixels and tells the
    notebook to show them at half that size (crisp on high-DPI screens).
    Run in a fresh process: an IPython shell is a process-wide singleton."""
    import struct
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", RETINA_PROBE, *formats],
        capture_output=True, text=True, timeout=120, check=True,
    )
    width, height, metadata = result.stdout.split(" ", 2)
    fig = plot_activations(["relu"])
    plain = fig._repr_png_()  # no IPython here: plain PNG at the figure's dpi
    assert isinstance(plain, bytes)
    plain_size = struct.unpack(">II", plain[16:24])  # the IHDR chunk
    if formats == ["png"]:
        assert (int(width), int(height)) == tuple(plain_size) and metadata.strip() == "None"
    else:
        assert abs(int(width) - 2 * plain_size[0]) <= 2, (width, plain_size)
        assert metadata.strip() == str({"width": int(width) // 2, "height": int(height) // 2})
