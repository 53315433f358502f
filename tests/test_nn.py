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
