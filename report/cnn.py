# %% [markdown]
# # Exercise 3 · CNN arithmetic, executed
#
# VGG16 (configuration D, 224 × 224 × 3 input, 1000 classes) is a tuple of frozen layer specs
# in `backprop.architectures`. The same spec feeds the receptive-field recurrence and closed
# form, the parameter counter, and `to_torch`, which builds the equivalent PyTorch model that
# the checks measure.

# %%
import numpy as np
import torch

from backprop.architectures import vgg16
from backprop.layers import Conv2d, Linear, MaxPool2d
from backprop.parameters import parameter_table, parameter_totals, weights_and_biases
from backprop.receptive_field import (
    receptive_field,
    receptive_field_closed_form,
    receptive_field_table,
    spatial_part,
)
from backprop.torch_bridge import gradient_footprint, measure_receptive_field, to_torch
from report.figures import bar_chart, footprint_image
from report.results import Check, Claim, Registry

results = Registry("cnn", page="receptive-field.md")
VGG16 = vgg16()
FEATURES = spatial_part(VGG16)  # conv1_1 … pool5: the layers with a receptive field
[layer.title for layer in FEATURES][-3:]

# %% [markdown]
# ## (a) Receptive field
#
# The recurrence runs from the input; the closed form sums over the layers; the measurement
# backpropagates the gradient of one output unit in PyTorch and reads off its footprint on the
# input. The three must agree exactly: these are integers.

# %%
rf = receptive_field(FEATURES)
closed = receptive_field_closed_form(FEATURES)
measured = measure_receptive_field(FEATURES)
rf, closed, measured

# %%
EXACT = "integers: any difference is an error"
for key, field, title in [
    ("rf_size", "size", "Receptive field of a pool5 unit (pixels)"),
    ("rf_stride", "stride", "Effective stride S at pool5 (pixels)"),
    ("rf_padding", "padding", "Effective padding P at pool5 (pixels)"),
]:
    value = getattr(rf, field)[0]
    results.record(
        key,
        value,
        title=title,
        fmt="d",
        checks=[
            Check("closed form", getattr(closed, field)[0], why=EXACT),
            Check("gradient footprint in PyTorch", getattr(measured, field)[0], why=EXACT),
            Check("the same along the other axis", getattr(rf, field)[1], why=EXACT),
        ],
        sheet=Claim("212", where="3 a), r₀") if key == "rf_size" else None,
    )

# %% [markdown]
# One layer earlier, at conv5_3:

# %%
conv5_3 = FEATURES[: [layer.title for layer in FEATURES].index("conv5_3") + 1]
results.record(
    "rf_conv5_3",
    receptive_field(conv5_3).size[0],
    title="Receptive field at conv5_3 (pixels)",
    fmt="d",
    checks=[
        Check("closed form", receptive_field_closed_form(conv5_3).size[0], why=EXACT),
        Check("gradient footprint in PyTorch", measure_receptive_field(conv5_3).size[0], why=EXACT),
    ],
)

# %% [markdown]
# The whole table, layer by layer (square kernels, so one number per quantity):

# %%
table = ["| Layer | k | s | p | r | S | P |", "|---|---:|---:|---:|---:|---:|---:|"]
for row in receptive_field_table(FEATURES):
    table.append(
        f"| {row.name} | {row.k[0]} | {row.s[0]} | {row.p[0]} | {row.r[0]} | {row.S[0]} | {row.P[0]} |"
    )
results.write_text("receptive_field_table.md", "\n".join(table))
print("\n".join(table))

# %% [markdown]
# The footprint of one pool5 unit on a 224 × 224 input, as PyTorch's gradient draws it:

# %%
footprint = gradient_footprint(FEATURES, size=224, unit=(3, 3))
rows, cols = np.nonzero(footprint)
extent = (rows.max() - rows.min() + 1, cols.max() - cols.min() + 1)
footprint_image(
    footprint,
    results.out / "receptive_field_footprint.svg",
    title=f"pool5 unit (3, 3) sees {extent[0]} × {extent[1]} pixels",
)
extent, (rows.min(), cols.min())

# %% [markdown]
# ## (b) Parameters
#
# Per layer, from the spec; the check is PyTorch's own count, `sum(p.numel())`, of the
# equivalent `torch.nn` model built on the meta device (shapes without memory).

# %%
with torch.device("meta"):
    model = to_torch(VGG16)


def torch_count(kind: type[torch.nn.Module] | None = None) -> int:
    """PyTorch's count of the model's parameters, optionally only in modules of one kind."""
    modules = [m for m in model if kind is None or isinstance(m, kind)]
    return sum(p.numel() for m in modules for p in m.parameters())


totals = parameter_totals(VGG16)
totals, torch_count()

# %%
BY_TORCH = "integers: PyTorch must count exactly the same"
on_params = {"page": "parameters.md"}
results.record(
    "params_total",
    totals.total,
    title="VGG16 parameters",
    fmt=",d",
    checks=[Check("PyTorch sum(p.numel())", torch_count(), why=BY_TORCH)],
    sheet=Claim("1.23646E+08", where="3 b), total"),
    erratum=(
        "The sheet's formula counts 3·C_out parameters per convolution, ignoring the kernel's other "
        "dimension and the input channels, and leaves out every bias."
    ),
    **on_params,
)
results.record(
    "params_conv",
    totals.conv,
    title="VGG16 parameters in convolutions",
    fmt=",d",
    checks=[Check("PyTorch, Conv2d modules", torch_count(torch.nn.Conv2d), why=BY_TORCH)],
    **on_params,
)
results.record(
    "params_fc",
    totals.fc,
    title="VGG16 parameters in fully connected layers",
    fmt=",d",
    checks=[Check("PyTorch, Linear modules", torch_count(torch.nn.Linear), why=BY_TORCH)],
    **on_params,
)
weights_by_torch = sum(p.numel() for name, p in model.named_parameters() if name.endswith("weight"))
results.record(
    "params_weights_only",
    totals.weights,
    title="VGG16 weights, biases excluded",
    fmt=",d",
    checks=[Check("PyTorch, parameters named *.weight", weights_by_torch, why=BY_TORCH)],
    **on_params,
)
results.record(
    "params_ratio",
    totals.conv / totals.fc,
    title="Convolution / fully connected parameters",
    fmt=".3f",
    checks=[
        Check(
            "PyTorch counts",
            torch_count(torch.nn.Conv2d) / torch_count(torch.nn.Linear),
            rtol=1e-15,
            why="one float division of the same integers",
        )
    ],
    sheet=Claim("1.02496E-04", where="3 b), ratio"),
    erratum="The sheet's convolution count is too small by a factor of about a thousand (3 instead "
    "of 9·C_in per output channel, and no biases), so its ratio is too.",
    **on_params,
)

# %% [markdown]
# The per-layer table (output shape for one 224 × 224 × 3 image; ReLU, dropout and flattening,
# which hold no parameters and keep the shape, are left out):

# %%
table = [
    "| Layer | Output shape | Weights | Biases | Total | Share |",
    "|---|---|---:|---:|---:|---:|",
]
shown = [
    row
    for layer, row in zip(VGG16, parameter_table(VGG16))
    if row.total or isinstance(layer, MaxPool2d)
]
for row in shown:
    shape = " × ".join(map(str, row.output_shape))
    table.append(
        f"| {row.name} | {shape} | {row.weights:,} | {row.biases:,} | {row.total:,} | "
        f"{100 * row.share:.3g}% |"
    )
table.append(f"| **total** | | | | **{totals.total:,}** | 100% |")
results.write_text("parameter_table.md", "\n".join(table))
counted = [row for row in shown if row.total]
bar_chart(
    [row.name for row in counted],
    [row.total for row in counted],
    results.out / "parameter_bars.svg",
    ylabel="parameters (log scale)",
)
print("\n".join(table))

# %% [markdown]
# ## The sheet's formula
#
# The sheet counts 3·C_out per convolution and in·out per fully connected layer. We apply that
# rule to every layer of the same spec, and check it against the sheet's own code, run as
# printed.


# %%
def sheet_rule(layer) -> int:
    """The sheet's count for one layer: 3·C_out for a convolution, no biases anywhere."""
    if isinstance(layer, Conv2d):
        return 3 * layer.out_channels
    if isinstance(layer, Linear):
        return weights_and_biases(layer)[0]
    return 0


sheet_conv = sum(sheet_rule(layer) for layer in VGG16 if isinstance(layer, Conv2d))
sheet_fc = sum(sheet_rule(layer) for layer in VGG16 if isinstance(layer, Linear))

# The sheet's code, verbatim:
n_params_conv = 3 * (64 * 2 + 128 * 2 + 256 * 3 + 512 * 3 + 512 * 3)
n_params_fc = (512 * 7 * 7) * (4096) + 4096**2 + 4096 * 1000
(sheet_conv, n_params_conv), (sheet_fc, n_params_fc)

# %%
AS_PRINTED = "the sheet's own code, run as printed: must match exactly"
results.record(
    "params_sheet_formula",
    sheet_conv + sheet_fc,
    title="VGG16 parameters by the sheet's formula",
    fmt=".3e",
    checks=[Check("the sheet's code, run as printed", n_params_conv + n_params_fc, why=AS_PRINTED)],
    sheet=Claim("1.23646E+08", where="3 b), total"),
    **on_params,
)
comparison = [
    "| Layers | The sheet's rule | Correct count | Correct / sheet |",
    "|---|---:|---:|---:|",
    f"| Convolutions | {sheet_conv:,} | {totals.conv:,} | {totals.conv / sheet_conv:,.0f}× |",
    f"| Fully connected | {sheet_fc:,} | {totals.fc:,} | {totals.fc / sheet_fc:.5f}× |",
    (
        f"| **Total** | **{sheet_conv + sheet_fc:,}** | **{totals.total:,}** | "
        f"{totals.total / (sheet_conv + sheet_fc):.3f}× |"
    ),
]
results.write_text("sheet_comparison.md", "\n".join(comparison))
print("\n".join(comparison))

# %%
results.write()
