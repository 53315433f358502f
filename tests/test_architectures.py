"""VGG and AlexNet specs: the paper's configurations, torchvision's layout, consistent shapes."""

from itertools import pairwise

import pytest

from backprop.architectures import (
    VGG_CONFIGURATIONS,
    alexnet,
    vgg,
    vgg11,
    vgg13,
    vgg16,
    vgg19,
)
from backprop.layers import BatchNorm2d, Conv2d, Linear, MaxPool2d
from backprop.parameters import parameter_table

VGGS = {11: vgg11, 13: vgg13, 16: vgg16, 19: vgg19}


@pytest.mark.parametrize("depth", VGGS)
def test_vgg_depth_counts_its_weight_layers(depth):
    layers = VGGS[depth]()
    assert sum(isinstance(layer, Conv2d | Linear) for layer in layers) == depth
    assert sum(isinstance(layer, MaxPool2d) for layer in layers) == 5


def test_configurations_are_the_papers():
    assert {c: sum(n) + 3 for c, n in VGG_CONFIGURATIONS.items()} == {
        "A": 11,
        "B": 13,
        "D": 16,
        "E": 19,
    }


def test_vgg16_names_run_conv1_1_to_fc8():
    names = [layer.name for layer in vgg16() if isinstance(layer, Conv2d | MaxPool2d | Linear)]
    assert names == [
        *("conv1_1", "conv1_2", "pool1", "conv2_1", "conv2_2", "pool2"),
        *("conv3_1", "conv3_2", "conv3_3", "pool3", "conv4_1", "conv4_2", "conv4_3", "pool4"),
        *("conv5_1", "conv5_2", "conv5_3", "pool5", "fc6", "fc7", "fc8"),
    ]
    assert len({layer.name for layer in vgg16()}) == len(vgg16())  # every name is unique


@pytest.mark.parametrize("depth", VGGS)
def test_batch_norm_follows_each_conv(depth):
    layers = VGGS[depth](batch_norm=True)
    pairs = [(a, b) for a, b in pairwise(layers) if isinstance(a, Conv2d)]
    assert all(isinstance(b, BatchNorm2d) and b.num_features == a.out_channels for a, b in pairs)
    assert len(layers) == len(VGGS[depth]()) + len(pairs)


@pytest.mark.parametrize("make", [*VGGS.values(), alexnet])
def test_shapes_flow_from_224_to_the_classes(make):
    layers = make(num_classes=10)
    rows = {row.name: row.output_shape for row in parameter_table(layers)}
    assert rows["avgpool"] == rows["pool5"]  # the adaptive pool is the identity at 224
    assert rows["fc8"] == (10,)


def test_alexnet_is_torchvisions():
    conv1 = alexnet()[0]
    assert (conv1.kernel_size, conv1.stride, conv1.padding) == ((11, 11), (4, 4), (2, 2))
    rows = {row.name: row.output_shape for row in parameter_table(alexnet())}
    assert (rows["conv1"], rows["pool1"], rows["pool2"], rows["pool5"]) == (
        (64, 55, 55),
        (64, 27, 27),
        (192, 13, 13),
        (256, 6, 6),
    )


def test_alexnet_layers_are_torchvisions_in_order():
    # torchvision's features, avgpool, then classifier (dropout before fc6 and fc7), with the
    # Caffe names; AlexNet's published table: conv widths 64-192-384-256-256, three 3x3/2 pools.
    assert [(type(layer).__name__, layer.name) for layer in alexnet()] == [
        *[("Conv2d", "conv1"), ("ReLU", "relu1"), ("MaxPool2d", "pool1")],
        *[("Conv2d", "conv2"), ("ReLU", "relu2"), ("MaxPool2d", "pool2")],
        *[("Conv2d", "conv3"), ("ReLU", "relu3"), ("Conv2d", "conv4"), ("ReLU", "relu4")],
        *[("Conv2d", "conv5"), ("ReLU", "relu5"), ("MaxPool2d", "pool5")],
        *[("AdaptiveAvgPool2d", "avgpool"), ("Flatten", "flatten")],
        *[("Dropout", "drop6"), ("Linear", "fc6"), ("ReLU", "relu6")],
        *[("Dropout", "drop7"), ("Linear", "fc7"), ("ReLU", "relu7"), ("Linear", "fc8")],
    ]


def test_vgg_classifier_is_torchvisions_in_order():
    # torchvision's VGG classifier: Linear, ReLU, Dropout twice, then the last Linear.
    assert [(type(layer).__name__, layer.name) for layer in vgg11()[-9:]] == [
        *[("AdaptiveAvgPool2d", "avgpool"), ("Flatten", "flatten")],
        *[("Linear", "fc6"), ("ReLU", "relu6"), ("Dropout", "drop6")],
        *[("Linear", "fc7"), ("ReLU", "relu7"), ("Dropout", "drop7"), ("Linear", "fc8")],
    ]


def test_vgg_batch_norm_names_follow_their_conv():
    names = [layer.name for layer in vgg11(batch_norm=True)[:8]]
    assert names == [
        *("conv1_1", "bn1_1", "relu1_1", "pool1"),
        *("conv2_1", "bn2_1", "relu2_1", "pool2"),
    ]


def test_vgg_defaults_are_plain_and_imagenet():
    layers = vgg("D")
    assert not any(isinstance(layer, BatchNorm2d) for layer in layers)
    assert layers[-1].out_features == 1000  # ImageNet's classes
