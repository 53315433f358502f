"""Layer specs: normalisation to (h, w) pairs, torch's defaults, and refusal of bad values."""

from dataclasses import FrozenInstanceError

import pytest

from backprop.layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Linear,
    MaxPool2d,
    output_shape,
    output_size,
)


def test_square_ints_become_pairs_and_pairs_stay():
    conv = Conv2d(3, 64, 3, padding=1)
    assert (conv.kernel_size, conv.stride, conv.padding, conv.dilation) == (
        (3, 3),
        (1, 1),
        (1, 1),
        (1, 1),
    )
    assert Conv2d(3, 64, (3, 5), stride=[2, 1]).kernel_size == (3, 5)
    assert Conv2d(3, 64, (3, 5), stride=[2, 1]).stride == (2, 1)
    assert AdaptiveAvgPool2d(7).output_size == (7, 7)


def test_pool_stride_defaults_to_kernel_size_as_in_torch():
    assert MaxPool2d(2).stride == (2, 2)
    assert AvgPool2d((3, 2)).stride == (3, 2)
    assert MaxPool2d(3, 2).stride == (2, 2)
    assert AvgPool2d(3).dilation == (1, 1)


def test_names_are_keyword_only_and_labels_use_them():
    conv = Conv2d(3, 64, 3, name="conv1_1")
    assert (conv.title, conv.label) == ("conv1_1", "Conv2d 'conv1_1'")
    assert (Dropout().title, Dropout().label) == ("Dropout", "Dropout")


def test_specs_are_frozen_and_hashable():
    conv = Conv2d(3, 64, 3)
    with pytest.raises(FrozenInstanceError):
        conv.stride = (2, 2)
    assert conv == Conv2d(3, 64, (3, 3)) and len({conv, Conv2d(3, 64, (3, 3))}) == 1


def test_output_size_floors_like_torch():
    assert output_size(224, 3, 1, 1, 1) == 224  # same padding
    assert output_size(224, 11, 4, 2, 1) == 55  # AlexNet conv1: floor(217 / 4) + 1
    assert output_size(7, 2, 2, 0, 1) == 3  # odd input, the last row is dropped
    assert output_size(10, 3, 1, 0, 2) == 6  # dilated kernel spans 5


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Conv2d(0, 64, 3), r"^Conv2d: in_channels=0 must be >= 1$"),
        (lambda: Conv2d(3, 0, 3), r"out_channels=0 must be >= 1"),
        (lambda: Conv2d(3, 64, (3, 0)), r"kernel_size=\(3, 0\) must be >= 1"),
        (lambda: Conv2d(3, 64, 3, stride=0, name="c"), r"^Conv2d 'c': stride=\(0, 0\) must be"),
        (lambda: Conv2d(3, 64, 3, padding=-1), r"padding=\(-1, -1\) must be >= 0"),
        (lambda: Conv2d(3, 64, 3, dilation=0), r"dilation=\(0, 0\) must be >= 1"),
        (lambda: Conv2d(3, 64, 2.5), r"kernel_size=2.5 must be an int or an \(h, w\) pair"),
        (lambda: Conv2d(3, 64, (3, 3, 3)), r"kernel_size=\(3, 3, 3\) must be an int or an"),
        (lambda: Conv2d(3, 64, (3, 2.5)), r"kernel_size=\(3, 2.5\) must be an int or an \(h, w\)"),
        (lambda: MaxPool2d(2, dilation=(1, 0)), r"^MaxPool2d: dilation=\(1, 0\) must be >= 1$"),
        (lambda: MaxPool2d(2, padding=2), r"MaxPool2d: padding=\(2, 2\) must be at most half"),
        (lambda: MaxPool2d(3, dilation=2, padding=2), r"padding=\(2, 2\) must be at most half"),
        (lambda: MaxPool2d(2, stride=0), r"stride=\(0, 0\) must be >= 1"),
        (lambda: MaxPool2d((2, 0)), r"^MaxPool2d: kernel_size=\(2, 0\) must be >= 1$"),
        (lambda: MaxPool2d(2, padding=(-1, 0)), r"^MaxPool2d: padding=\(-1, 0\) must be >= 0$"),
        (lambda: AvgPool2d((3, 5), padding=(1, 3)), r"AvgPool2d: padding=\(1, 3\) must be at most"),
        (lambda: AvgPool2d(0), r"kernel_size=\(0, 0\) must be >= 1"),
        (lambda: AvgPool2d(2, stride=(1, 0)), r"^AvgPool2d: stride=\(1, 0\) must be >= 1$"),
        (lambda: AvgPool2d(2, padding=(0, -1)), r"^AvgPool2d: padding=\(0, -1\) must be >= 0$"),
        (lambda: AdaptiveAvgPool2d((7, 0)), r"output_size=\(7, 0\) must be >= 1"),
        (lambda: Linear(0, 10, name="fc"), r"^Linear 'fc': in_features=0 must be >= 1$"),
        (lambda: Linear(10, 0), r"out_features=0 must be >= 1"),
        (lambda: BatchNorm2d(0), r"num_features=0 must be >= 1"),
        (lambda: Dropout(1.5), r"^Dropout: p=1.5 must be in \[0, 1\]$"),
        (lambda: Dropout(-0.1), r"p=-0.1 must be in \[0, 1\]"),
    ],
)
def test_bad_values_are_refused_naming_layer_and_field(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("k", [1, 2, 3, 4])
@pytest.mark.parametrize("p", [0, 1, 2, 3])
@pytest.mark.parametrize("d", [1, 2, 3])
def test_pool_padding_rule_is_torchs(k, p, d):
    """torch 2.13 refuses pool padding above half the kernel size (not the dilated span)."""
    torch = pytest.importorskip("torch")
    x = torch.zeros(1, 1, 32, 32)
    for ours, theirs in [
        (lambda: MaxPool2d(k, 1, p, d), lambda: torch.nn.MaxPool2d(k, 1, p, d)(x)),
        (lambda: AvgPool2d(k, 1, p), lambda: torch.nn.AvgPool2d(k, 1, p)(x)),
    ]:
        assert _accepts(ours) == _accepts(theirs)


def _accepts(make) -> bool:
    try:
        make()
    except (ValueError, RuntimeError):
        return False
    return True


def test_the_smallest_allowed_values_are_accepted():
    """Each rule's edge itself: sizes of 1, padding 0, p of 0 and 1, padding of half the kernel."""
    assert Conv2d(1, 1, 1, padding=0).kernel_size == (1, 1)
    assert MaxPool2d(1, dilation=1).stride == (1, 1)
    assert MaxPool2d(4, padding=2).padding == AvgPool2d(4, padding=2).padding == (2, 2)
    assert AdaptiveAvgPool2d(1).output_size == (1, 1)
    assert (Linear(1, 1).in_features, BatchNorm2d(1).num_features) == (1, 1)
    assert (Dropout(0.0).p, Dropout(1.0).p) == (0.0, 1.0)


def test_adaptive_pooling_outputs_its_size_from_any_image():
    pool = AdaptiveAvgPool2d((7, 5), name="avgpool")
    assert output_shape(pool, (512, 14, 14)) == (512, 7, 5)
    with pytest.raises(ValueError, match=r"^AdaptiveAvgPool2d 'avgpool': a \(C, H, W\) input but"):
        output_shape(pool, (512,))
