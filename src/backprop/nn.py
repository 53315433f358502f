"""Neural-network functions built on the primitives, with torch.nn.functional's semantics (NCHW)."""

import numpy as np

from backprop.engine import Tensor, apply, as_tensor

# NB: no groups, no ceil_mode, only constant padding; avg_pool2d counts the padded zeros
#     (torch's default count_include_pad=True).

Pair = tuple[int, int]


def _pair(value: int | tuple[int, int], name: str, least: int) -> Pair:
    """(h, w) from an int or a pair, each at least `least`."""
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or any(not isinstance(v, int) or v < least for v in pair):
        raise ValueError(f"{name} must be an int or an (h, w) pair of ints >= {least}, got {value}")
    return pair


def _windows(x: Tensor, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, value: float):
    """Sliding windows of x padded with `value`: (N, C, H, W) -> (N, C, OH, OW, KH, KW)."""
    if padding != (0, 0):
        widths = ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1]))
        x = apply("pad", x, widths=widths, value=value)
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(s > n for s, n in zip(span, x.shape[-2:])):
        raise ValueError(f"kernel spans {span} but the padded input is only {x.shape[-2:]}")
    return apply("windows", x, kernel=kernel, stride=stride, dilation=dilation)


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1) -> Tensor:
    """Cross-correlation of x (N, C, H, W) with w (O, C, KH, KW), plus bias b (O,): im2col @ wᵀ."""
    x, w = as_tensor(x), as_tensor(w)
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError(
            f"conv2d needs input (N, C, H, W) and weight (O, C, KH, KW) with the same C, "
            f"got input {x.shape} and weight {w.shape}"
        )
    (n, c), (o, _, kh, kw) = x.shape[:2], w.shape
    s, p, d = (
        _pair(stride, "stride", 1),
        _pair(padding, "padding", 0),
        _pair(dilation, "dilation", 1),
    )
    cols = _windows(x, (kh, kw), s, p, d, value=0.0)
    oh, ow = cols.shape[2:4]
    # columns ordered (kh, kw, c), c fastest: the im2col copy then moves c values per step, and
    # col2im (backward) reads g in such runs rather than every (kh·kw)-th number
    cols = cols.transpose(0, 2, 3, 4, 5, 1).reshape(n * oh * ow, kh * kw * c)
    w_cols = w.transpose(0, 2, 3, 1).reshape(o, kh * kw * c)
    out = (cols @ w_cols.T).reshape(n, oh, ow, o).transpose(0, 3, 1, 2)
    return out if b is None else out + as_tensor(b).reshape(1, o, 1, 1)


def _pool_windows(x, kernel_size, stride, padding, dilation, value: float) -> Tensor:
    """Windows for pooling: stride defaults to the kernel, padding at most half of it (as torch)."""
    k = _pair(kernel_size, "kernel_size", 1)
    s = k if stride is None else _pair(stride, "stride", 1)
    p, d = _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise ValueError(f"padding {p} must be at most half the kernel size {k}")
    return _windows(as_tensor(x), k, s, p, d, value)


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1) -> Tensor:
    """Largest value per window; padding is -inf, so it never wins."""
    # NB: tied maxima share the gradient evenly; torch routes it to one of them. The two agree on
    #     the parameter gradients of conv → relu → pool (relu zeroes the tied zeros' share).
    return _pool_windows(x, kernel_size, stride, padding, dilation, -np.inf).max(axis=(-2, -1))


def avg_pool2d(x, kernel_size, stride=None, padding=0) -> Tensor:
    """Mean per window; padded zeros count in the mean (torch's count_include_pad=True)."""
    return _pool_windows(x, kernel_size, stride, padding, 1, 0.0).mean(axis=(-2, -1))


def relu(x) -> Tensor:
    return as_tensor(x).relu()


def log_softmax(x, axis: int = -1) -> Tensor:
    """x - log Σ e^x along axis, computed after subtracting the max (a constant: no gradient)."""
    x = as_tensor(x)
    shifted = x - x.data.max(axis=axis, keepdims=True)  # log_softmax(x - m) = log_softmax(x)
    return shifted - shifted.exp().sum(axis=axis, keepdims=True).log()


def softmax(x, axis: int = -1) -> Tensor:
    return log_softmax(x, axis).exp()


def cross_entropy(logits, labels) -> Tensor:
    """Mean over the batch of -log softmax(logits)[label]; labels are integer class indices."""
    logits, labels = as_tensor(logits), np.asarray(labels)
    if logits.ndim != 2 or labels.shape != logits.shape[:1] or labels.dtype.kind not in "iu":
        raise ValueError(
            f"cross_entropy needs logits (N, C) and integer labels (N,), "
            f"got logits {logits.shape} and labels {labels.shape} of {labels.dtype}"
        )
    return -log_softmax(logits)[np.arange(len(labels)), labels].mean()
