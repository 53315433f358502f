"""The held-out digits experiment (report/digits.py): the split keeps the test images out of
training, and the grid trained at once by our engine matches torch training each cell alone."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from backprop.optim import Adam, AdamW
from report import digits

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def data() -> digits.Split:
    return digits.split(test_size=0.5, seed=0, dtype=np.float64)


def test_the_split_is_disjoint_and_complete(data):
    images, labels = load_digits(return_X_y=True)
    assert np.intersect1d(data.train_rows, data.test_rows).size == 0
    assert np.array_equal(
        np.sort(np.concatenate([data.train_rows, data.test_rows])), np.arange(1797)
    )
    assert len(data.test_rows) == len(data.y_test) == len(data.x_test) == 899
    np.testing.assert_array_equal(data.y_train, labels[data.train_rows])
    np.testing.assert_array_equal(data.y_test, labels[data.test_rows])
    # no held-out image is also a training image (the data set has no duplicates to hide behind)
    train = {row.tobytes() for row in images[data.train_rows]}
    assert not any(row.tobytes() in train for row in images[data.test_rows])


def test_the_split_is_fixed_and_stratified(data):
    again = digits.split(test_size=0.5, seed=0, dtype=np.float64)
    np.testing.assert_array_equal(again.test_rows, data.test_rows)
    counts = np.bincount(data.y_train, minlength=10) - np.bincount(data.y_test, minlength=10)
    assert np.all(np.abs(counts) <= 1)  # each digit halved


def test_only_the_training_images_set_the_centring(data):
    images, _ = load_digits(return_X_y=True)
    centre = images[data.train_rows].mean(axis=0) / 16
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(data.x_test, images[data.test_rows] / 16 - centre, atol=1e-12)


def test_training_never_reads_the_held_out_images(data):
    init = digits.initial_weights(64, 8, seed=1, dtype=np.float64)
    poisoned = digits.Split(
        data.x_train,
        data.y_train,
        np.full_like(data.x_test, np.nan),
        -data.y_test,
        data.train_rows,
        data.test_rows,
    )
    cells = [(1e-2, 0.0), (1e-2, 0.1)]
    for a, b in zip(
        digits.train_grid(data, init, cells, 5, Adam),
        digits.train_grid(poisoned, init, cells, 5, Adam),
    ):
        np.testing.assert_array_equal(a, b)


CELLS = [(1e-2, 0.0), (10**-1.5, 1.0), (10**-2.5, 0.1), (0.1, 1e-3)]


@pytest.mark.parametrize(
    "ours, theirs", [(Adam, torch.optim.Adam), (AdamW, torch.optim.AdamW)], ids=["L2", "AdamW"]
)
def test_the_grid_matches_torch_training_each_cell_alone(data, ours, theirs):
    init = digits.initial_weights(64, 16, seed=0, dtype=np.float64)
    grid = digits.train_grid(data, init, CELLS, 40, ours)
    for c, (lr, decay) in enumerate(CELLS):
        alone = digits.torch_train(data, init, lr, decay, 40, theirs)
        for w, w_torch in zip(grid, alone):  # 40 float64 steps, differently ordered: round-off
            np.testing.assert_allclose(w[c], w_torch[0], rtol=1e-9, atol=1e-12)
        assert digits.errors([w[c : c + 1] for w in grid], data.x_test, data.y_test) == (
            digits.errors(alone, data.x_test, data.y_test)
        )


def test_decay_changes_the_result_and_l2_is_not_adamw(data):
    init = digits.initial_weights(64, 16, seed=0, dtype=np.float64)
    cells = [(1e-2, 0.0), (1e-2, 0.1)]
    l2, adamw = (digits.train_grid(data, init, cells, 20, cls) for cls in (Adam, AdamW))
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(l2, adamw))  # λ = 0: both are Adam
    assert not np.allclose(l2[0][1], l2[0][0]) and not np.allclose(l2[0][1], adamw[0][1])


def test_errors_count_misclassified_images():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    identity = [np.eye(2, 10)[None], np.zeros((1, 1, 10)), np.eye(10)[None], np.zeros((1, 1, 10))]
    # tanh keeps the order of the two inputs: images 0 and 1 are predicted 0 and 1, image 2 ties
    assert digits.errors(identity, x, np.array([0, 1, 0]))[0] == 0
    assert digits.errors(identity, x, np.array([1, 1, 1]))[0] == pytest.approx(2 / 3)
