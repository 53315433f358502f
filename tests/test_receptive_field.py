"""Receptive field: VGG16's published values, recurrence == closed form, global layers refused."""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import backprop.receptive_field as rf
from backprop.architectures import alexnet, vgg16
from backprop.layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Flatten,
    Layer,
    Linear,
    MaxPool2d,
    ReLU,
)
from backprop.receptive_field import (
    ReceptiveField,
    receptive_field,
    receptive_field_closed_form,
    receptive_field_table,
    spatial_part,
    windows,
)

# FACTS.md, Exercise 3: layer, k, s, p, r, S, P (square, so one number per axis).
VGG16_TABLE = [
    ("conv1_1", 3, 1, 1, 3, 1, 1),
    ("conv1_2", 3, 1, 1, 5, 1, 2),
    ("pool1", 2, 2, 0, 6, 2, 2),
    ("conv2_1", 3, 1, 1, 10, 2, 4),
    ("conv2_2", 3, 1, 1, 14, 2, 6),
    ("pool2", 2, 2, 0, 16, 4, 6),
    ("conv3_1", 3, 1, 1, 24, 4, 10),
    ("conv3_2", 3, 1, 1, 32, 4, 14),
    ("conv3_3", 3, 1, 1, 40, 4, 18),
    ("pool3", 2, 2, 0, 44, 8, 18),
    ("conv4_1", 3, 1, 1, 60, 8, 26),
    ("conv4_2", 3, 1, 1, 76, 8, 34),
    ("conv4_3", 3, 1, 1, 92, 8, 42),
    ("pool4", 2, 2, 0, 100, 16, 42),
    ("conv5_1", 3, 1, 1, 132, 16, 58),
    ("conv5_2", 3, 1, 1, 164, 16, 74),
    ("conv5_3", 3, 1, 1, 196, 16, 90),
    ("pool5", 2, 2, 0, 212, 32, 90),
]


def square(r: int, S: int, P: int) -> ReceptiveField:
    return ReceptiveField((r, r), (S, S), (P, P))


def pair(lo: int, hi: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(lo, hi), st.integers(lo, hi))


@st.composite
def window_layer(draw) -> Layer:
    """A small random window layer (1 channel: geometry does not depend on channels)."""
    kind = draw(st.sampled_from([Conv2d, MaxPool2d, AvgPool2d]))
    k, s = draw(pair(1, 4)), draw(pair(1, 3))
    if kind is Conv2d:
        return Conv2d(1, 1, k, s, draw(pair(0, 2)), draw(pair(1, 3)))
    p = draw(st.tuples(*(st.integers(0, k_i // 2) for k_i in k)))  # torch: 2p <= k
    return MaxPool2d(k, s, p, draw(pair(1, 3))) if kind is MaxPool2d else AvgPool2d(k, s, p)


# Random local stacks: window layers with the occasional ReLU.
stacks = st.lists(st.one_of(window_layer(), st.just(ReLU())), min_size=1, max_size=4).map(tuple)


def test_vgg16_every_row():
    rows = receptive_field_table(spatial_part(vgg16()))
    got = [(row.name, row.k, row.s, row.p, row.r, row.S, row.P) for row in rows]
    want = [(name, *((v, v) for v in values)) for name, *values in VGG16_TABLE]
    assert got == want
    assert all(row.d == (1, 1) for row in rows)


def test_vgg16_pool5_and_conv5_3():
    features = spatial_part(vgg16())
    conv5_3 = [layer.name for layer in features].index("conv5_3")
    assert receptive_field(features) == square(212, 32, 90)
    assert receptive_field(features[: conv5_3 + 1]) == square(196, 16, 90)
    assert receptive_field(features).centre == (15.5, 15.5)  # (212 - 1)/2 - 90


def test_sheet_backward_column():
    """The sheet's r_l, from r_18 = 1 at pool5's output back to r_0 = 212 at the input."""
    sheet = [212, 210, 208, 104, 102, 100, 50, 48, 46, 44, 22, 20, 18, 16, 8, 6, 4, 2, 1]
    stack = windows(spatial_part(vgg16()))
    assert [receptive_field(stack[i:]).size[0] for i in range(19)] == sheet


def test_alexnet_pool5_torchvision_and_tf_slim():
    """torchvision pads conv1 by 2; TF-slim's AlexNet v2 does not (published: 195/32/64)."""
    features = spatial_part(alexnet())
    assert receptive_field(features) == square(195, 32, 66)
    slim = (replace(features[0], padding=0), *features[1:])
    assert receptive_field(slim) == square(195, 32, 64)


def test_dilation_and_rectangular_kernels():
    assert receptive_field([Conv2d(1, 1, 3, dilation=2)]) == square(5, 1, 0)
    assert receptive_field([Conv2d(1, 1, (3, 5), (1, 2), (1, 2))]) == ReceptiveField(
        (3, 5), (1, 2), (1, 2)
    )
    assert receptive_field([]) == square(1, 1, 0)


def test_pointwise_layers_keep_the_field():
    stack = (Conv2d(1, 1, 3, 2, 1), MaxPool2d(2))
    padded = (Conv2d(1, 1, 3, 2, 1), BatchNorm2d(1), ReLU(), Dropout(), MaxPool2d(2))
    assert receptive_field(padded) == receptive_field(stack)
    assert [row.name for row in receptive_field_table(padded)] == ["Conv2d", "MaxPool2d"]


@pytest.mark.parametrize(
    "layer", [Flatten(name="flatten"), Linear(8, 2), AdaptiveAvgPool2d(7, name="avgpool")]
)
def test_global_layers_are_refused(layer):
    with pytest.raises(TypeError, match=f"{layer.label} is not local.*spatial_part"):
        receptive_field((Conv2d(1, 1, 3), layer))


def test_spatial_part_of_vgg16_ends_at_pool5():
    assert spatial_part(vgg16())[-1].name == "pool5"
    assert spatial_part(spatial_part(vgg16())) == spatial_part(vgg16())


def test_table_checks_closed_form_against_recurrence(monkeypatch):
    monkeypatch.setattr(rf, "_closed_form", lambda stack: (0, 0, 0))
    with pytest.raises(AssertionError, match="recurrence .* != closed form"):
        receptive_field_table([Conv2d(1, 1, 3)])


@settings(max_examples=200, deadline=None)
@given(stacks)
def test_recurrence_equals_closed_form(layers):
    assert receptive_field(layers) == receptive_field_closed_form(layers)


@settings(max_examples=50, deadline=None)
@given(stacks)
def test_axes_are_independent(layers):
    """Transposing every window swaps h and w in the result."""
    swap = {"kernel_size", "stride", "padding", "dilation"}

    def transposed(layer: Layer) -> Layer:
        fields = (
            swap & set(vars(layer)) if isinstance(layer, Conv2d | MaxPool2d | AvgPool2d) else ()
        )
        return replace(layer, **{f: getattr(layer, f)[::-1] for f in fields})

    field = receptive_field(layers)
    flipped = receptive_field([transposed(layer) for layer in layers])
    assert flipped == ReceptiveField(field.size[::-1], field.stride[::-1], field.padding[::-1])


def test_every_row_gives_its_centre_and_a_global_layer_is_refused_with_a_hint():
    """Each row's centre is (r − 1)/2 − P of its own prefix: pool5's, (212 − 1)/2 − 90 = 15.5."""
    rows = receptive_field_table(spatial_part(vgg16()))
    assert all(row.centre == tuple((r - 1) / 2 - p for r, p in zip(row.r, row.P)) for row in rows)
    assert rows[-1].centre == (15.5, 15.5)
    hint = r"so no \(r, S, P\) describes it; take the receptive field of spatial_part\(layers\)$"
    with pytest.raises(TypeError, match=hint):
        windows([Conv2d(3, 8, 3), Flatten()])
