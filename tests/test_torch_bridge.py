"""PyTorch as the independent oracle: module equivalence, shapes, measured receptive fields."""

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_receptive_field import square, stacks

from backprop import footprint
from backprop.architectures import alexnet, vgg11, vgg13, vgg16, vgg19
from backprop.parameters import parameter_table
from backprop.receptive_field import (
    receptive_field,
    receptive_field_closed_form,
    receptive_field_table,
    spatial_part,
)
from backprop.torch_bridge import gradient_footprint, measure_receptive_field, to_torch

torch = pytest.importorskip("torch")


def torch_shapes(layers, input_shape) -> list[tuple[int, ...]]:
    """Each module's output shape for one example, computed by torch on the meta device."""
    with torch.device("meta"):
        x = torch.empty(1, *input_shape)
        shapes = []
        for module in to_torch(layers).eval():
            x = module(x)
            shapes.append(tuple(x.shape[1:]))
    return shapes


def test_importing_the_package_does_not_import_torch():
    modules = "layers, architectures, receptive_field, parameters, torch_bridge"
    code = f"import sys; from backprop import {modules}; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_modules_carry_the_specs_arguments():
    with torch.device("meta"):
        model = to_torch(alexnet())
    conv1, pool1 = model[0], model[2]
    assert isinstance(conv1, torch.nn.Conv2d) and isinstance(pool1, torch.nn.MaxPool2d)
    assert (conv1.kernel_size, conv1.stride, conv1.padding) == ((11, 11), (4, 4), (2, 2))
    assert (pool1.kernel_size, pool1.stride) == ((3, 3), (2, 2))
    assert [type(m).__name__ for m in model] == [type(layer).__name__ for layer in alexnet()]


def test_vgg16_shapes_match_torch():
    rows = parameter_table(vgg16(batch_norm=True))
    assert [row.output_shape for row in rows] == torch_shapes(vgg16(batch_norm=True), (3, 224, 224))


@settings(max_examples=60, deadline=None)
@given(stacks, st.integers(1, 24), st.integers(1, 24))
def test_shape_flow_matches_torch(layers, h, w):
    """Same output shapes as torch, and a ValueError exactly where torch refuses the input."""
    try:
        ours = [row.output_shape for row in parameter_table(layers, (1, h, w))]
    except ValueError:
        with pytest.raises(RuntimeError):
            torch_shapes(layers, (1, h, w))
        return
    assert ours == torch_shapes(layers, (1, h, w))


def test_vgg16_measured_at_pool5_and_every_layer():
    """The full 1-channel geometry copy, measured after every window layer of VGG16."""
    features = spatial_part(vgg16())
    assert measure_receptive_field(features) == square(212, 32, 90)
    for depth, row in enumerate(receptive_field_table(features), start=1):
        window_layers = [layer for layer in features if not layer.name.startswith("relu")]
        measured = measure_receptive_field(window_layers[:depth])
        assert (measured.size, measured.stride, measured.padding) == (row.r, row.S, row.P)


def test_alexnet_measured():
    assert measure_receptive_field(spatial_part(alexnet())) == square(195, 32, 66)


@settings(max_examples=40, deadline=None)
@given(stacks)
def test_recurrence_closed_form_torch_and_our_engine_agree(layers):
    computed = receptive_field(layers)
    assert computed == receptive_field_closed_form(layers) == measure_receptive_field(layers)
    assert computed == footprint.measure_receptive_field(layers)


@settings(max_examples=20, deadline=None)
@given(stacks)
def test_torch_and_our_engine_draw_the_same_footprints(layers):
    """On a 24 × 24 input, the first and the last output unit reach the same pixels in both."""
    try:
        _, h, w = parameter_table(layers, (1, 24, 24))[-1].output_shape
    except ValueError:  # the input is smaller than a window
        return
    for unit in (0, 0), (h - 1, w - 1):
        ours = footprint.gradient_footprint(layers, 24, unit)
        assert ((ours != 0) == (gradient_footprint(layers, 24, unit) != 0)).all()


@pytest.mark.parametrize("network", [vgg11, vgg13, vgg16, vgg19])
def test_vgg_family_measured_equals_computed(network):
    features = spatial_part(network())
    assert measure_receptive_field(features) == receptive_field(features)


def test_vgg16_footprint_of_a_pool5_unit_is_its_receptive_field():
    features = spatial_part(vgg16())
    rows, cols = (a for a in gradient_footprint(features, 224, (3, 3)).nonzero())
    # unit j sees input pixels jS - P ... jS - P + r - 1: for j = 3, pixels 6 ... 217
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (6, 217, 6, 217)


def test_footprint_refuses_a_unit_outside_the_output():
    with pytest.raises(ValueError, match=r"unit \(7, 0\) is outside the \(7, 7\) output"):
        gradient_footprint(spatial_part(vgg16()), 224, (7, 0))
