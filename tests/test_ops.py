"""Every primitive's VJP against finite differences and PyTorch, with random cotangents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from gradcheck import assert_gradcheck, assert_matches_torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

from backprop.engine import Tensor, apply
from backprop.ops import PRIMITIVES, call, unbroadcast


@dataclass(frozen=True)
class Case:
    """A primitive applied by us and by torch to inputs of the given shapes."""

    primitive: str
    ours: Callable
    theirs: Callable
    shapes: tuple[tuple[int, ...], ...]
    positive: bool = False  # inputs in [0.5, 2] (log, pow); otherwise ±[0.5, 2], away from kinks

    def inputs(self, seed: int = 0) -> list[np.ndarray]:
        rng = np.random.default_rng(seed)
        magnitudes = [rng.uniform(0.5, 2.0, shape) for shape in self.shapes]
        if self.positive:
            return magnitudes
        return [m * rng.choice([-1.0, 1.0], m.shape) for m in magnitudes]


def windows_torch(x, kernel, stride, dilation):
    """Sliding windows with torch.unfold: an independent im2col."""
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    view = x.unfold(2, span[0], stride[0]).unfold(3, span[1], stride[1])
    return view[..., :: dilation[0], :: dilation[1]]


WINDOWS = {"kernel": (2, 3), "stride": (2, 1), "dilation": (1, 2)}


def fold_torch(x, shape, kernel, stride, dilation):
    """Windows (N, C, OH, OW, KH, KW) added back onto an image with torch's F.fold (col2im)."""
    n, c, oh, ow, kh, kw = x.shape
    columns = x.permute(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, oh * ow)
    return F.fold(columns, shape[-2:], kernel, dilation=dilation, stride=stride)


def scatter_torch(x, shape, index):
    """Zeros with x added at the rows `index`, by torch's index_put (accumulating)."""
    return torch.zeros(shape, dtype=x.dtype).index_put((torch.tensor(index),), x, accumulate=True)


CASES = [
    Case("add", lambda x, y: apply("add", x, y), torch.add, ((3, 1, 4), (2, 4))),
    Case("mul", lambda x, y: apply("mul", x, y), torch.mul, ((2, 3), (3,))),
    Case("pow", lambda x, y: apply("pow", x, y), torch.pow, ((2, 3), (2, 1)), positive=True),
    Case("pow", lambda x: x**3, lambda x: x**3, ((2, 3),)),
    Case("pow", lambda x: 2.0**x, lambda x: 2.0**x, ((4,),)),
    Case("matmul", lambda x, y: apply("matmul", x, y), torch.matmul, ((3, 4), (4, 2))),
    Case("matmul", lambda x, y: apply("matmul", x, y), torch.matmul, ((4,), (2, 4, 3))),
    Case("matmul", lambda x, y: apply("matmul", x, y), torch.matmul, ((4,), (4, 3))),
    Case("matmul", lambda x, y: apply("matmul", x, y), torch.matmul, ((2, 3, 4), (4,))),
    Case("matmul", lambda x, y: apply("matmul", x, y), torch.matmul, ((4,), (4,))),
    Case("matmul", lambda x, y: apply("matmul", x, y), torch.matmul, ((2, 1, 3, 4), (5, 4, 2))),
    Case("neg", lambda x: apply("neg", x), torch.neg, ((2, 3),)),
    Case("log", lambda x: apply("log", x), torch.log, ((2, 3),), positive=True),
    Case("exp", lambda x: apply("exp", x), torch.exp, ((2, 3),)),
    Case("tanh", lambda x: apply("tanh", x), torch.tanh, ((2, 3),)),
    Case("relu", lambda x: apply("relu", x), torch.relu, ((3, 4),)),
    Case("sum", lambda x: x.sum(), torch.sum, ((2, 3, 4),)),
    Case("sum", lambda x: x.sum(axis=1), lambda x: x.sum(dim=1), ((2, 3, 4),)),
    Case("sum", lambda x: x.sum((0, 2), True), lambda x: x.sum((0, 2), True), ((2, 3, 4),)),
    Case("max", lambda x: x.max(), torch.max, ((2, 3, 4),)),
    Case("max", lambda x: x.max(axis=-1), lambda x: x.amax(dim=-1), ((2, 3, 4),)),
    Case("max", lambda x: x.max((0, 2), True), lambda x: x.amax((0, 2), True), ((2, 3, 4),)),
    Case("reshape", lambda x: x.reshape(4, 6), lambda x: x.reshape(4, 6), ((2, 3, 4),)),
    Case("transpose", lambda x: x.transpose(2, 0, 1), lambda x: x.permute(2, 0, 1), ((2, 3, 4),)),
    Case("transpose", lambda x: x.T, lambda x: x.T, ((2, 3),)),
    Case("getitem", lambda x: x[1:, ::2], lambda x: x[1:, ::2], ((3, 5),)),
    Case("getitem", lambda x: x[1, -1], lambda x: x[1, -1], ((3, 5),)),
    Case("getitem", lambda x: x[[0, 2, 0]], lambda x: x[[0, 2, 0]], ((3, 5),)),
    Case(
        "pad",
        lambda x: apply("pad", x, widths=((1, 2), (0, 1)), value=0.5),
        lambda x: F.pad(x, (0, 1, 1, 2), value=0.5),
        ((3, 4),),
    ),
    Case(
        "windows",
        lambda x: apply("windows", x, **WINDOWS),
        lambda x: windows_torch(x, **WINDOWS),
        ((2, 3, 7, 8),),
    ),
    Case(
        "fold",
        lambda x: apply("fold", x, shape=(2, 3, 7, 8), **WINDOWS),
        lambda x: fold_torch(x, (2, 3, 7, 8), **WINDOWS),
        ((2, 3, 3, 4, 2, 3),),
    ),
    Case(
        "broadcast",
        lambda x: apply("broadcast", x, shape=(2, 3, 4)),
        lambda x: x.expand(2, 3, 4),
        ((3, 1),),
    ),
    Case(
        "scatter",
        lambda x: apply("scatter", x, shape=(3, 5), index=[0, 2, 0]),
        lambda x: scatter_torch(x, (3, 5), [0, 2, 0]),
        ((3, 5),),
    ),
]


def case_id(case: Case) -> str:
    return f"{case.primitive}-{'x'.join(map(str, case.shapes[0]))}"


def test_every_primitive_has_a_case():
    assert {case.primitive for case in CASES} == set(PRIMITIVES)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_vjp_matches_finite_differences(case: Case):
    assert_gradcheck(case.ours, *case.inputs())


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_vjp_matches_torch(case: Case):
    assert_matches_torch(case.ours, case.theirs, *case.inputs(seed=1), seed=2)


@pytest.mark.parametrize("case", CASES[:3], ids=case_id)
def test_vjp_returns_one_cotangent_per_input(case: Case):
    x, y = case.inputs()
    ans = PRIMITIVES[case.primitive].forward(x, y)
    g_x, g_y = PRIMITIVES[case.primitive].vjp(np.ones_like(ans), ans, x, y)
    assert (g_x.shape, g_y.shape) == (x.shape, y.shape)


def test_unbroadcast_sums_prepended_and_stretched_axes():
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(unbroadcast(g, (3, 1)), g.sum(axis=(0, 2))[:, None])
    np.testing.assert_array_equal(unbroadcast(g, ()), g.sum())
    assert unbroadcast(g, g.shape) is g


def test_max_splits_ties_evenly_like_torch_amax():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]])
    assert_matches_torch(lambda x: x.max(axis=1), lambda x: x.amax(dim=1), x)
    assert_matches_torch(lambda x: x.max(), torch.max, x)


def test_composites_are_made_of_primitives():
    x, y = Tensor(2.0), Tensor(3.0)
    assert (x - y).op == "add" and (x - y).parents[1].op == "neg"
    assert (x / y).op == "mul" and (x / y).parents[1].op == "pow"
    assert x.sigmoid().op == "add" and Tensor([1.0, 2.0]).mean().op == "mul"


BINARY = {
    "add": (lambda x, y: x + y, False),
    "sub": (lambda x, y: x - y, False),
    "mul": (lambda x, y: x * y, False),
    "div": (lambda x, y: x / y, True),
    "pow": (lambda x, y: x**y, True),
}


@settings(max_examples=30, deadline=None)
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3),
    op=st.sampled_from(sorted(BINARY)),
    seed=st.integers(0, 2**16),
)
def test_binary_gradients_unbroadcast_like_torch(shapes, op, seed):
    f, positive = BINARY[op]
    rng = np.random.default_rng(seed)
    x, y = (rng.uniform(0.5, 2.0, shape) for shape in shapes.input_shapes)
    if not positive:
        x, y = x - 1.25, y - 1.25
    assert_matches_torch(f, f, x, y, seed=seed)


F32 = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
K1 = {"kernel": (2, 2), "stride": (1, 1), "dilation": (1, 1)}


def test_rules_and_transposes_keep_float32():
    g = np.ones((2, 4, 5), np.float32)
    assert PRIMITIVES["max"].vjp(g, F32.max(1), F32, axis=1, keepdims=False)[0].dtype == np.float32
    assert PRIMITIVES["getitem"].vjp(F32[0], F32[0], F32, index=0)[0].dtype == np.float32
    assert call("pad", F32, widths=((0, 0),) * 3 + ((1, 1),), value=0.0).dtype == np.float32
    assert call("fold", call("windows", F32, **K1), shape=F32.shape, **K1).dtype == np.float32


def test_pad_and_fold_lay_out_memory_as_their_input():
    # channels last in memory, as a convolution's output is: C is the fastest axis
    x = np.zeros((2, 4, 5, 3)).transpose(0, 3, 1, 2)
    padded = call("pad", x, widths=((0, 0), (0, 0), (1, 1), (1, 1)), value=0.0)
    assert padded.transpose(0, 2, 3, 1).flags.c_contiguous
    cols = call("windows", x, **K1).transpose(0, 2, 3, 4, 5, 1).copy().transpose(0, 5, 1, 2, 3, 4)
    assert call("fold", cols, shape=x.shape, **K1).transpose(0, 2, 3, 1).flags.c_contiguous


def test_windows_slide_over_the_last_two_axes_of_an_unbatched_image():
    image = F32[0]  # (C, H, W)
    np.testing.assert_array_equal(call("windows", image, **K1), call("windows", F32[:1], **K1)[0])
