"""Parameter counts: VGG16's exact numbers, torch's count for every architecture, shape checks."""

import pytest

from backprop.architectures import alexnet, vgg11, vgg13, vgg16, vgg19
from backprop.layers import BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d
from backprop.parameters import (
    count_parameters,
    parameter_table,
    parameter_totals,
    weights_and_biases,
)

# FACTS.md, Exercise 3: parameters of every VGG16 layer that has any.
VGG16_PARAMETERS = {
    "conv1_1": 1_792,
    "conv1_2": 36_928,
    "conv2_1": 73_856,
    "conv2_2": 147_584,
    "conv3_1": 295_168,
    "conv3_2": 590_080,
    "conv3_3": 590_080,
    "conv4_1": 1_180_160,
    "conv4_2": 2_359_808,
    "conv4_3": 2_359_808,
    "conv5_1": 2_359_808,
    "conv5_2": 2_359_808,
    "conv5_3": 2_359_808,
    "fc6": 102_764_544,
    "fc7": 16_781_312,
    "fc8": 4_097_000,
}

# num_params published on torchvision's model pages (an oracle beside torch's own count).
TORCHVISION = {
    (vgg11, False): 132_863_336,
    (vgg11, True): 132_868_840,
    (vgg13, False): 133_047_848,
    (vgg13, True): 133_053_736,
    (vgg16, False): 138_357_544,
    (vgg16, True): 138_365_992,
    (vgg19, False): 143_667_240,
    (vgg19, True): 143_678_248,
    (alexnet, None): 61_100_840,
}


def build(make, batch_norm):
    return make() if batch_norm is None else make(batch_norm=batch_norm)


def test_vgg16_every_layer():
    rows = parameter_table(vgg16())
    assert {row.name: row.total for row in rows if row.total} == VGG16_PARAMETERS
    assert all(row.total == row.weights + row.biases for row in rows)


def test_vgg16_totals():
    totals = parameter_totals(vgg16())
    assert (totals.conv, totals.fc, totals.norm) == (14_714_688, 123_642_856, 0)
    assert totals.total == count_parameters(vgg16()) == 138_357_544
    assert totals.weights == 138_344_128
    assert round(totals.conv / totals.fc, 5) == 0.11901


def test_the_sheets_fc_count_is_weights_only():
    """The sheet's (512*7*7)*4096 + 4096**2 + 4096*1000 leaves out the 9,192 FC biases."""
    fc = [weights_and_biases(layer) for layer in vgg16() if isinstance(layer, Linear)]
    assert sum(w for w, _ in fc) == (512 * 7 * 7) * 4096 + 4096**2 + 4096 * 1000 == 123_633_664
    assert sum(b for _, b in fc) == 9_192


def test_shares_sum_to_one_and_fc6_dominates():
    rows = parameter_table(vgg16())
    assert sum(row.share for row in rows) == pytest.approx(1)
    assert max(rows, key=lambda row: row.share).name == "fc6"


def test_per_layer_rules():
    assert weights_and_biases(Conv2d(3, 64, (3, 5), bias=False)) == (3 * 64 * 15, 0)
    assert weights_and_biases(Linear(10, 4)) == (40, 4)
    assert weights_and_biases(BatchNorm2d(8)) == (8, 8)  # scale and shift; statistics are buffers
    assert weights_and_biases(MaxPool2d(2)) == (0, 0)
    assert parameter_totals(vgg16(batch_norm=True)).norm == 2 * 4_224


@pytest.mark.parametrize(("make", "batch_norm"), TORCHVISION)
def test_counts_match_torch_and_torchvision(make, batch_norm):
    """torch builds the model on the meta device: shapes only, no 138M floats."""
    torch = pytest.importorskip("torch")
    from backprop.torch_bridge import to_torch

    layers = build(make, batch_norm)
    with torch.device("meta"):
        named = list(to_torch(layers).named_parameters())
    assert count_parameters(layers) == sum(p.numel() for _, p in named)
    weights = sum(p.numel() for name, p in named if name.endswith("weight"))
    assert parameter_totals(layers).weights == weights
    assert count_parameters(layers) == TORCHVISION[make, batch_norm]


@pytest.mark.parametrize(
    ("layers", "input_shape", "match"),
    [
        (vgg16(), (1, 224, 224), r"^Conv2d 'conv1_1': in_channels=3 but the incoming shape is"),
        (vgg16(), (3, 16, 16), r"^MaxPool2d 'pool5': the incoming shape \(512, 1, 1\) is smaller"),
        (
            (Flatten(), Linear(10, 5, name="fc")),
            (3, 2, 2),
            r"^Linear 'fc': in_features=10 but the incoming shape is \(12,\) \(flattened size 12\)",
        ),
        ((Linear(12, 5),), (3, 2, 2), r"in_features=12 but the incoming shape is \(3, 2, 2\)"),
        ((Flatten(), Conv2d(12, 1, 1)), (3, 2, 2), r"in_channels=12 but the incoming shape is"),
        ((Flatten(), MaxPool2d(2)), (3, 2, 2), r"a \(C, H, W\) input but the incoming shape"),
        ((BatchNorm2d(4),), (3, 2, 2), r"num_features=4 but the incoming shape is \(3, 2, 2\)"),
    ],
)
def test_mismatched_shapes_are_refused(layers, input_shape, match):
    with pytest.raises(ValueError, match=match):
        parameter_table(layers, input_shape)


def test_totals_by_kind_with_batch_norm_and_a_linear_without_bias():
    """conv 3·4·3·3 + 4 = 112, norm 4 + 4 = 8, fc 16·2 = 32 (no bias); weights: 108 + 4 + 32."""
    layers = (Conv2d(3, 4, 3), BatchNorm2d(4), Flatten(), Linear(16, 2, bias=False))
    assert weights_and_biases(layers[-1]) == (32, 0)
    totals = parameter_totals(layers)
    assert (totals.conv, totals.norm, totals.fc, totals.weights) == (112, 8, 32, 144)
    assert totals.total == count_parameters(layers) == 152
    rows = parameter_table(layers, (3, 4, 4))
    assert [row.output_shape for row in rows] == [(4, 2, 2), (4, 2, 2), (16,), (2,)]
    assert [row.share for row in rows] == [112 / 152, 8 / 152, 0.0, 32 / 152]


def test_a_network_without_parameters_has_shares_of_zero():
    rows = parameter_table((MaxPool2d(2), Flatten()), (1, 4, 4))
    assert [(row.total, row.share) for row in rows] == [(0, 0.0), (0, 0.0)]
