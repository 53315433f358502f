"""Receptive fields measured in our own engine: the footprint of one unit's gradient."""

import numpy as np
import pytest
from hypothesis import given, settings
from test_receptive_field import VGG16_TABLE, square, stacks

from backprop.architectures import alexnet, vgg16
from backprop.footprint import (
    footprint,
    gradient_footprint,
    measure,
    measure_receptive_field,
    one_channel,
    ours,
)
from backprop.layers import AvgPool2d, Conv2d, MaxPool2d, ReLU
from backprop.receptive_field import (
    geometry,
    receptive_field,
    receptive_field_closed_form,
    spatial_part,
    windows,
)

FEATURES = spatial_part(vgg16())


def test_vgg16_measured_at_every_layer():
    stack = windows(FEATURES)
    for depth, (name, _, _, _, r, S, P) in enumerate(VGG16_TABLE, start=1):
        assert measure_receptive_field(stack[:depth]) == square(r, S, P), name


def test_alexnet_measured():
    assert measure_receptive_field(spatial_part(alexnet())) == square(195, 32, 66)


@settings(max_examples=60, deadline=None)
@given(stacks)
def test_measured_equals_recurrence_and_closed_form(layers):
    measured = measure_receptive_field(layers)
    assert receptive_field(layers) == receptive_field_closed_form(layers) == measured


def test_corner_unit_is_clipped_by_the_image():
    """Unit (0, 0) of pool5 sees pixels -P ... r - P - 1 = -90 ... 121: the image keeps 0 ... 121."""
    rows, cols = gradient_footprint(FEATURES, 224, (0, 0)).nonzero()
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (0, 121, 0, 121)


def test_footprint_of_a_pool5_unit_is_positive_on_its_whole_region():
    g = gradient_footprint(FEATURES, 224, (3, 3))
    assert (g[6:218, 6:218] > 0).all() and g.sum() == pytest.approx(1.0)  # weights average: Σ = 1
    assert np.count_nonzero(g) == 212 * 212


def test_dilation_leaves_holes_inside_the_footprint():
    g = gradient_footprint([Conv2d(1, 1, 3, dilation=3)], 9, (1, 1))
    seen = np.zeros((9, 9), bool)
    seen[1::3, 1::3] = True  # unit (1, 1) sees pixels 1, 4, 7 along each axis
    assert ((g != 0) == seen).all()


def test_one_channel_copy_keeps_kinds_and_geometry():
    layers = (Conv2d(3, 8, (3, 5), 2, 1), ReLU(), MaxPool2d(2, dilation=2), AvgPool2d(3, 1, 1))
    copy = one_channel(layers, geometry(layers, 0), geometry(layers, 1))
    assert [type(layer) for layer in copy] == [Conv2d, MaxPool2d, AvgPool2d]
    assert copy[0] == Conv2d(1, 1, (3, 5), 2, 1, bias=False)
    assert copy[1:] == (MaxPool2d(2, dilation=2), AvgPool2d(3, 1, 1))


def test_unit_outside_the_output_is_refused():
    with pytest.raises(ValueError, match=r"unit \(0, 7\) is outside the \(7, 7\) output"):
        gradient_footprint(FEATURES, 224, (0, 7))


def test_clipped_footprints_are_refused():
    """An engine whose gradient always reaches the border cannot pass for a measurement."""

    def everywhere(stack, size):
        (n, _), _ = ours(stack, size)
        return (n, 1), lambda unit: np.ones(size)

    with pytest.raises(RuntimeError, match="are clipped"):
        measure([Conv2d(1, 1, 3)], everywhere)
    assert footprint([Conv2d(1, 1, 3)], 5, (0, 0), everywhere).shape == (5, 5)


def test_the_strip_is_as_long_as_the_loose_bound_says():
    """n = 2 r_max + 4 prod(s), r_max = 1 + Σ(k_eff - 1) prod(s): 2 (1 + (2 + 4) 2) + 8 = 34."""
    lengths = []

    def recording(stack, size):
        lengths.append(size[0])
        return ours(stack, size)

    measure([Conv2d(1, 1, 3, stride=2), MaxPool2d(3, 1, dilation=2)], recording)
    assert lengths == [34, 34]


def three_pixels(first_pixel, widen=0):
    """A fake engine on an n-long strip: unit i sees 3 pixels from first_pixel(n) + i - j, unit
    j = (n - 2) // 2 being the one measure reads (and j + 1 `widen` pixels more)."""

    def engine(stack, size):
        n, j = size[0], (size[0] - 2) // 2

        def gradient(unit):
            g, start = np.zeros(size), first_pixel(n) + unit[0] - j
            g[start : start + 3 + widen * (unit[0] - j), 0] = 1.0
            return g

        return (n, 1), gradient

    return engine


@pytest.mark.parametrize(
    "engine",
    [
        three_pixels(lambda n: 0),  # unit j's footprint touches the first pixel
        three_pixels(lambda n: n - 4),  # unit j + 1's footprint touches the last pixel
        three_pixels(lambda n: 1, widen=1),  # unit j + 1 sees 4 pixels: not a translate
    ],
)
def test_footprints_on_the_border_or_not_translates_are_refused(engine):
    # a 3 x 3 conv: n = 10, so measure reads units 4 and 5
    with pytest.raises(RuntimeError, match="of units 4, 5 are clipped"):
        measure([Conv2d(1, 1, 3)], engine)


@pytest.mark.parametrize("first_pixel", [lambda n: 1, lambda n: n - 5])
def test_footprints_one_pixel_off_the_border_are_accepted(first_pixel):
    field = measure([Conv2d(1, 1, 3)], three_pixels(first_pixel))
    assert (field.size, field.stride) == ((3, 3), (1, 1))
