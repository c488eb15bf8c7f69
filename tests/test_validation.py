"""One rule for bad arguments across the public API: a wrong type is a TypeError, a
wrong value a ValueError, and both messages name the argument, say what was
expected and what was given. The checks themselves are in torchbasics._validation."""

from __future__ import annotations

import importlib.util
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

import torchbasics
from torchbasics._validation import (
    check_bool,
    check_choice,
    check_int,
    check_number,
    check_positive_int,
)
from torchbasics.data import (
    CharDataset,
    CharTokenizer,
    load_digits,
    make_two_classes,
    make_windows,
    split,
)
from torchbasics.metrics import confusion_matrix, f1_score, precision, recall
from torchbasics.models import (
    MLP,
    AutoEncoder,
    LinearRegression,
    SequenceModel,
    SmallCNN,
    SmallResNet,
    TinyTransformer,
    TransformerConfig,
)
from torchbasics.plotting import plot_decision_boundary, plot_image_grid
from torchbasics.training import EarlyStopping, ModelCheckpoint, TensorBoardLogger, Trainer

no_tensorboard = pytest.mark.skipif(
    importlib.util.find_spec("tensorboard") is None, reason="tensorboard is not installed"
)


def trainer(**kwargs: Any) -> Trainer:
    model = nn.Linear(1, 1)
    options: dict[str, Any] = {"max_epochs": 1, "device": "cpu", "progress": False, **kwargs}
    return Trainer(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.MSELoss(), **options)


def generate(**kwargs: Any) -> torch.Tensor:
    model = TinyTransformer(TransformerConfig(vocab_size=5, block_size=4, n_layer=1, n_embd=8))
    options: dict[str, Any] = {"max_new_tokens": 1, **kwargs}
    return model.generate(torch.zeros(1, 1, dtype=torch.long), **options)


def boundary(**kwargs: Any) -> object:
    points = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    return plot_decision_boundary(nn.Linear(2, 1), points, torch.tensor([0, 1]), **kwargs)


LABELS = torch.tensor([0, 1, 1]), torch.tensor([0, 1, 0])
TEXT = "hello world, " * 4
TOKENIZER = CharTokenizer.from_text(TEXT)
SERIES = torch.arange(10.0)

# (call, argument named in the message, bad value): each call passes one bad
# argument; the value is also what the message must show as given.
WRONG_TYPE: list[Any] = [
    pytest.param(lambda: trainer(max_epochs=2.0), "max_epochs", 2.0, id="Trainer-max_epochs"),
    pytest.param(lambda: trainer(max_epochs=True), "max_epochs", True, id="Trainer-max_epochs-bool"),
    pytest.param(lambda: trainer(grad_clip="1"), "grad_clip", "1", id="Trainer-grad_clip"),
    pytest.param(
        lambda: trainer(scheduler_interval=1), "scheduler_interval", 1, id="Trainer-interval"
    ),
    pytest.param(lambda: EarlyStopping(patience=1.5), "patience", 1.5, id="EarlyStopping-patience"),
    pytest.param(lambda: EarlyStopping(min_delta="0"), "min_delta", "0", id="EarlyStopping-delta"),
    pytest.param(lambda: EarlyStopping(mode=None), "mode", None, id="EarlyStopping-mode"),
    pytest.param(lambda: ModelCheckpoint("ckpt", mode=1), "mode", 1, id="ModelCheckpoint-mode"),
    pytest.param(
        lambda: TensorBoardLogger("runs", log_every_n_steps=2.0),
        "log_every_n_steps",
        2.0,
        id="TensorBoardLogger-log_every_n_steps",
        marks=no_tensorboard,
    ),
    pytest.param(lambda: LinearRegression(2.0), "in_features", 2.0, id="LinearRegression"),
    pytest.param(lambda: MLP(2.0, [4], 1), "in_features", 2.0, id="MLP-in_features"),
    pytest.param(lambda: MLP(2, [4.5], 1), "hidden[0]", 4.5, id="MLP-hidden"),
    pytest.param(lambda: MLP(2, [4], 1, dropout="0.1"), "dropout", "0.1", id="MLP-dropout"),
    pytest.param(lambda: SmallCNN(num_classes=10.0), "num_classes", 10.0, id="SmallCNN-classes"),
    pytest.param(lambda: SmallCNN(image_size=True), "image_size", True, id="SmallCNN-image_size"),
    pytest.param(lambda: SmallResNet(widths=(8, "16")), "widths[1]", "16", id="SmallResNet"),
    pytest.param(lambda: AutoEncoder(latent_dim=2.0), "latent_dim", 2.0, id="AutoEncoder"),
    pytest.param(lambda: SequenceModel(3, 8.0, 2), "hidden_size", 8.0, id="SequenceModel-hidden"),
    pytest.param(
        lambda: SequenceModel(3, 8, 2, vocab_size="9"), "vocab_size", "9", id="SequenceModel-vocab"
    ),
    pytest.param(
        lambda: SequenceModel(3, 8, 2, dropout=None), "dropout", None, id="SequenceModel-dropout"
    ),
    pytest.param(lambda: TransformerConfig(n_layer=2.0), "n_layer", 2.0, id="Config-n_layer"),
    pytest.param(lambda: TransformerConfig(dropout="0"), "dropout", "0", id="Config-dropout"),
    pytest.param(lambda: generate(max_new_tokens=1.5), "max_new_tokens", 1.5, id="generate-max"),
    pytest.param(lambda: generate(temperature="1"), "temperature", "1", id="generate-temperature"),
    pytest.param(lambda: generate(top_k=2.0), "top_k", 2.0, id="generate-top_k"),
    pytest.param(lambda: make_two_classes(100.0), "n_samples", 100.0, id="make_two_classes-n"),
    pytest.param(lambda: make_two_classes(noise="0.1"), "noise", "0.1", id="make_two_classes-noise"),
    pytest.param(lambda: make_two_classes(seed=1.5), "seed", 1.5, id="make_two_classes-seed"),
    pytest.param(lambda: split(make_two_classes(20), seed="0"), "seed", "0", id="split-seed"),
    pytest.param(lambda: split(make_two_classes(20), shuffle=1), "shuffle", 1, id="split-shuffle"),
    pytest.param(
        lambda: split(make_two_classes(20), (0.5, "0.5")), "fractions[1]", "0.5", id="split-fractions"
    ),
    pytest.param(lambda: CharDataset(TEXT, TOKENIZER, 4.0), "block_size", 4.0, id="CharDataset"),
    pytest.param(lambda: TOKENIZER.encode("h", errors=0), "errors", 0, id="encode-errors"),
    pytest.param(lambda: TOKENIZER.decode([1, 2.0]), "ids[1]", 2.0, id="decode"),
    pytest.param(lambda: make_windows(SERIES, 3.0), "window", 3.0, id="make_windows"),
    pytest.param(lambda: load_digits(flatten="yes"), "flatten", "yes", id="load_digits"),
    pytest.param(lambda: boundary(resolution=10.0), "resolution", 10.0, id="boundary-resolution"),
    pytest.param(
        lambda: plot_image_grid(torch.rand(4, 8, 8), nrows=2.0), "nrows", 2.0, id="image_grid"
    ),
    pytest.param(
        lambda: confusion_matrix(*LABELS, num_classes=2.0), "num_classes", 2.0, id="confusion"
    ),
    pytest.param(lambda: precision(*LABELS, num_classes=True), "num_classes", True, id="precision"),
    pytest.param(lambda: recall(*LABELS, average=1), "average", 1, id="recall-average"),
]

WRONG_VALUE: list[Any] = [
    pytest.param(lambda: trainer(max_epochs=0), "max_epochs", 0, id="Trainer-max_epochs"),
    pytest.param(lambda: trainer(grad_clip=0), "grad_clip", 0, id="Trainer-grad_clip"),
    pytest.param(lambda: trainer(grad_clip=math.nan), "grad_clip", math.nan, id="Trainer-clip-nan"),
    pytest.param(
        lambda: trainer(scheduler_interval="batch"),
        "scheduler_interval",
        "batch",
        id="Trainer-interval",
    ),
    pytest.param(lambda: EarlyStopping(patience=-1), "patience", -1, id="EarlyStopping-patience"),
    pytest.param(lambda: EarlyStopping(min_delta=-0.1), "min_delta", -0.1, id="EarlyStopping-delta"),
    pytest.param(lambda: EarlyStopping(mode="mean"), "mode", "mean", id="EarlyStopping-mode"),
    pytest.param(
        lambda: TensorBoardLogger("runs", log_every_n_steps=-1),
        "log_every_n_steps",
        -1,
        id="TensorBoardLogger-log_every_n_steps",
        marks=no_tensorboard,
    ),
    pytest.param(lambda: LinearRegression(0), "in_features", 0, id="LinearRegression"),
    pytest.param(lambda: MLP(0, [4], 1), "in_features", 0, id="MLP-in_features"),
    pytest.param(lambda: MLP(2, [4, -3], 1), "hidden[1]", -3, id="MLP-hidden"),
    pytest.param(lambda: MLP(2, [4], 1, dropout=1.0), "dropout", 1.0, id="MLP-dropout"),
    pytest.param(lambda: SmallCNN(num_classes=0), "num_classes", 0, id="SmallCNN-classes"),
    pytest.param(lambda: SmallCNN(image_size=3), "image_size", 3, id="SmallCNN-image_size"),
    pytest.param(lambda: SmallResNet(widths=(8, 0)), "widths[1]", 0, id="SmallResNet"),
    pytest.param(lambda: AutoEncoder(latent_dim=0), "latent_dim", 0, id="AutoEncoder"),
    pytest.param(lambda: SequenceModel(3, 0, 2), "hidden_size", 0, id="SequenceModel-hidden"),
    pytest.param(
        lambda: SequenceModel(3, 8, 2, dropout=-0.1), "dropout", -0.1, id="SequenceModel-dropout"
    ),
    pytest.param(lambda: TransformerConfig(n_head=0), "n_head", 0, id="Config-n_head"),
    pytest.param(lambda: TransformerConfig(dropout=1.0), "dropout", 1.0, id="Config-dropout"),
    pytest.param(lambda: generate(max_new_tokens=-1), "max_new_tokens", -1, id="generate-max"),
    pytest.param(lambda: generate(temperature=0), "temperature", 0, id="generate-temperature"),
    pytest.param(lambda: generate(top_k=0), "top_k", 0, id="generate-top_k"),
    pytest.param(lambda: make_two_classes(1), "n_samples", 1, id="make_two_classes-n"),
    pytest.param(lambda: make_two_classes(noise=-1), "noise", -1, id="make_two_classes-noise"),
    pytest.param(
        lambda: make_two_classes(noise=math.inf), "noise", math.inf, id="make_two_classes-inf"
    ),
    pytest.param(lambda: make_two_classes(seed=-1), "seed", -1, id="make_two_classes-seed"),
    pytest.param(lambda: split(make_two_classes(20), seed=-1), "seed", -1, id="split-seed"),
    pytest.param(
        lambda: split(make_two_classes(20), (0.5, math.nan)),
        "fractions[1]",
        math.nan,
        id="split-fractions",
    ),
    pytest.param(lambda: CharDataset(TEXT, TOKENIZER, 0), "block_size", 0, id="CharDataset"),
    pytest.param(lambda: TOKENIZER.encode("h", errors="ignore"), "errors", "ignore", id="encode"),
    pytest.param(lambda: make_windows(SERIES, 0), "window", 0, id="make_windows"),
    pytest.param(lambda: boundary(resolution=1), "resolution", 1, id="boundary-resolution"),
    pytest.param(lambda: plot_image_grid(torch.rand(4, 8, 8), ncols=0), "ncols", 0, id="image_grid"),
    pytest.param(lambda: confusion_matrix(*LABELS, num_classes=0), "num_classes", 0, id="confusion"),
    pytest.param(lambda: f1_score(*LABELS, num_classes=-2), "num_classes", -2, id="f1_score"),
    pytest.param(lambda: recall(*LABELS, average="samples"), "average", "samples", id="recall"),
]


def _message(error: pytest.ExceptionInfo[Exception]) -> str:
    return str(error.value)


@pytest.mark.parametrize(("call", "name", "bad"), WRONG_TYPE)
def test_a_wrong_type_is_a_type_error_naming_the_argument_and_the_type(
    call: Callable[[], object], name: str, bad: object
) -> None:
    with pytest.raises(TypeError) as error:
        call()
    message = _message(error)
    assert re.search(rf"(^|\W){re.escape(name)} must be ", message), message
    assert f"got {bad!r} ({type(bad).__name__})" in message, message


@pytest.mark.parametrize(("call", "name", "bad"), WRONG_VALUE)
def test_a_wrong_value_is_a_value_error_naming_the_argument_and_the_value(
    call: Callable[[], object], name: str, bad: object
) -> None:
    with pytest.raises(ValueError) as error:
        call()
    message = _message(error)
    assert re.search(rf"(^|\W){re.escape(name)} must be ", message), message
    assert f"got {bad!r}" in message, message


# --------------------------------------------------------------- the checks


def test_check_int_converts_numpy_integers_and_refuses_bools_and_floats() -> None:
    assert check_int(np.int64(3), "n") == 3
    assert type(check_int(np.int64(3), "n")) is int
    with pytest.raises(TypeError, match=r"n must be an int, got False \(bool\)"):
        check_int(False, "n")
    with pytest.raises(TypeError, match=r"n must be an int >= 0, got 1.0 \(float\)"):
        check_int(1.0, "n", minimum=0)
    assert check_int(-5, "n") == -5


def test_check_positive_int_is_check_int_from_one() -> None:
    assert check_positive_int(1, "size") == 1
    with pytest.raises(ValueError, match="size must be an int >= 1, got -1"):
        check_positive_int(-1, "size")


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_check_number_refuses_values_that_are_not_finite(bad: float) -> None:
    with pytest.raises(ValueError, match=f"x must be a finite number, got {bad}"):
        check_number(bad, "x")


def test_check_number_bounds_and_conversion() -> None:
    assert check_number(np.float32(0.5), "p", minimum=0, below=1) == 0.5
    assert type(check_number(2, "x")) is float
    assert check_number(0, "x", minimum=0) == 0.0
    with pytest.raises(ValueError, match=r"x must be a finite number in \(0, 1\), got 0"):
        check_number(0, "x", minimum=0, inclusive=False, below=1)
    with pytest.raises(ValueError, match="x must be a finite number < 1, got 1"):
        check_number(1, "x", below=1)
    with pytest.raises(TypeError, match=r"x must be a finite number, got True \(bool\)"):
        check_number(True, "x")
    with pytest.raises(TypeError, match=r"got tensor\(1\.\) \(Tensor\)"):
        check_number(torch.tensor(1.0), "x")


def test_check_bool_refuses_ints() -> None:
    assert check_bool(False, "flag") is False
    with pytest.raises(TypeError, match=r"flag must be True or False, got 1 \(int\)"):
        check_bool(1, "flag")


def test_check_choice_lists_the_choices_and_returns_the_value() -> None:
    assert check_choice("b", "letter", ("a", "b", "c")) == "b"
    with pytest.raises(ValueError, match="letter must be one of 'a', 'b', 'c', got 'd'"):
        check_choice("d", "letter", ("a", "b", "c"))
    with pytest.raises(TypeError, match=r"letter must be 'a' or 'b', got \['a'\] \(list\)"):
        check_choice(["a"], "letter", ("a", "b"))


def test_a_long_value_is_cut_short_in_the_message() -> None:
    with pytest.raises(TypeError) as error:
        check_int(torch.zeros(1000), "max_epochs")
    assert len(str(error.value)) < 120
    assert str(error.value).endswith("... (Tensor)")


def test_no_module_checks_for_bools_by_hand() -> None:
    """The int-but-not-bool check is written once, in _validation."""
    package = Path(torchbasics.__file__).parent
    by_hand = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "_validation.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"isinstance\([^()]*, bool\)", line)
    ]
    assert by_hand == []
