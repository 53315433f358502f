"""conv2d, pooling and cross-entropy against torch.nn.functional and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from gradcheck import assert_gradcheck, assert_matches_torch

from backprop import nn

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 9, 8))
W = RNG.standard_normal((4, 3, 3, 2))
B = RNG.standard_normal(4)

CONV_ARGS = [
    {},
    {"stride": 2},
    {"padding": 1},
    {"dilation": 2},
    {"stride": (2, 1), "padding": (1, 2), "dilation": (2, 1)},
    {"stride": 3, "padding": 2, "dilation": (1, 3)},
]


@pytest.mark.parametrize("kwargs", CONV_ARGS, ids=str)
def test_conv2d_matches_torch(kwargs):
    assert_matches_torch(
        lambda x, w, b: nn.conv2d(x, w, b, **kwargs),
        lambda x, w, b: F.conv2d(x, w, b, **kwargs),
        X,
        W,
        B,
    )


def test_conv2d_without_bias_passes_the_gradient_check():
    assert_gradcheck(lambda x, w: nn.conv2d(x, w, stride=2, padding=1), X[:1], W)


POOL_ARGS = [
    {"kernel_size": 2},
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 0)},
]


@pytest.mark.parametrize("kwargs", [*POOL_ARGS, {"kernel_size": 2, "dilation": 2}], ids=str)
def test_max_pool2d_matches_torch(kwargs):
    assert_matches_torch(
        lambda x: nn.max_pool2d(x, **kwargs), lambda x: F.max_pool2d(x, **kwargs), X
    )


@pytest.mark.parametrize("kwargs", POOL_ARGS, ids=str)
def test_avg_pool2d_matches_torch(kwargs):
    assert_matches_torch(
        lambda x: nn.avg_pool2d(x, **kwargs), lambda x: F.avg_pool2d(x, **kwargs), X
    )


def test_pools_pass_the_gradient_check():
    assert_gradcheck(lambda x: nn.max_pool2d(x, 3, stride=2, padding=1), X)
    assert_gradcheck(lambda x: nn.avg_pool2d(x, 3, stride=2, padding=1), X)


def test_cross_entropy_log_softmax_and_relu_match_torch():
    logits, labels = 3 * RNG.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    assert_matches_torch(
        lambda z: nn.cross_entropy(z, labels),
        lambda z: F.cross_entropy(z, torch.from_numpy(labels)),
        logits,
    )
    assert_matches_torch(lambda z: nn.log_softmax(z, 0), lambda z: F.log_softmax(z, 0), logits)
    assert_matches_torch(lambda z: nn.softmax(z), lambda z: F.softmax(z, -1), logits)
    assert_matches_torch(nn.relu, F.relu, logits)


def test_a_small_cnn_matches_torch():
    """conv → relu → max-pool → linear → cross-entropy; the pool sees ties (zeros from relu)."""
    labels = np.array([1, 0])

    def ours(x, w, b, f):
        h = nn.max_pool2d(nn.relu(nn.conv2d(x, w, b, padding=1)), 2)
        return nn.cross_entropy(h.reshape(2, -1) @ f, labels)

    def theirs(x, w, b, f):
        h = F.max_pool2d(F.relu(F.conv2d(x, w, b, padding=1)), 2)
        return F.cross_entropy(h.reshape(2, -1) @ f, torch.from_numpy(labels))

    assert_matches_torch(ours, theirs, X, W, B, RNG.standard_normal((4 * 4 * 4, 3)) / 8)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="stride must be"):
        nn.conv2d(X, W, stride=0)
    with pytest.raises(ValueError, match=r"input \(2, 3, 9, 8\) and weight \(4, 2, 3, 2\)"):
        nn.conv2d(X, W[:, :2])
    with pytest.raises(ValueError, match="at most half the kernel"):
        nn.max_pool2d(X, 2, padding=2)
    with pytest.raises(ValueError, match=r"kernel spans \(9, 9\)"):
        nn.avg_pool2d(X, 9)
    with pytest.raises(ValueError, match="integer labels"):
        nn.cross_entropy(np.zeros((2, 3)), [0.5, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"padding": -1}, "padding must be"),
        ({"dilation": 0}, "dilation must be"),
    ],
)
def test_conv2d_names_the_bad_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nn.conv2d(X, W, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kernel_size": 0}, "kernel_size must be"),
        ({"kernel_size": 2, "stride": 0}, "stride must be"),
        ({"kernel_size": 2, "padding": -1}, "padding must be"),
        ({"kernel_size": 2, "dilation": 0}, "dilation must be"),
    ],
)
def test_pools_name_the_bad_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nn.max_pool2d(X, **kwargs)


def test_conv2d_needs_a_4d_input_even_when_the_channels_agree():
    with pytest.raises(ValueError, match=r"got input \(2, 3, 8\)"):
        nn.conv2d(X[:, :, 0], W)  # x.shape[1] == w.shape[1] == 3, but x is 3-D


def test_a_pool_window_is_checked_against_the_last_two_axes():
    # an unbatched (C, H, W) input, as torch allows: (H, W) = (9, 2) is narrower than 3
    with pytest.raises(ValueError, match=r"spans \(1, 3\) but the padded input is only \(9, 2\)$"):
        nn.max_pool2d(np.zeros((3, 9, 2)), (1, 3))


def test_log_softmax_shifts_each_row_by_its_own_max():
    # e^1000 overflows: only subtracting each row's max (1000, then 0) keeps it finite
    logits = np.array([[1000.0, 999.0], [0.0, -1.0]])
    expected = np.log(np.exp([0.0, -1.0]) / np.exp([0.0, -1.0]).sum())
    np.testing.assert_allclose(nn.log_softmax(logits).data, [expected, expected])
    np.testing.assert_allclose(nn.softmax(logits.T, axis=0).data, np.exp([expected, expected]).T)


def test_cross_entropy_needs_one_label_per_row():
    with pytest.raises(ValueError, match=r"labels \(3,\)"):
        nn.cross_entropy(np.zeros((2, 3)), [0, 1, 2])
