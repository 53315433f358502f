# %% [markdown]
# # Exercise 3 · CNN arithmetic, executed
#
# VGG16 (configuration D, 224 × 224 × 3 input, 1000 classes) is a tuple of frozen layer specs
# in `backprop.architectures`. The same spec feeds the receptive-field recurrence and closed
# form, the parameter counter, and `to_torch`, which builds the equivalent PyTorch model that
# the checks measure.

# %% tags=["hide-input"]
import numpy as np
import torch

from backprop import Tensor
from backprop import footprint as ours
from backprop.architectures import alexnet, vgg11, vgg13, vgg16, vgg19
from backprop.layers import Conv2d, Linear, MaxPool2d
from backprop.nn import max_pool2d
from backprop.parameters import parameter_table, parameter_totals, weights_and_biases
from backprop.receptive_field import (
    receptive_field,
    receptive_field_closed_form,
    receptive_field_table,
    spatial_part,
    windows,
)
from backprop.torch_bridge import gradient_footprint, measure_receptive_field, to_torch
from report.exercises import Exercise, exercises
from report.figures import bar_chart, footprint_panels
from report.results import Check, Claim, Registry

results = Registry("cnn", page="receptive-field.md")

# %%
VGG16 = vgg16()
FEATURES = spatial_part(VGG16)  # conv1_1 … pool5: the layers with a receptive field
[layer.title for layer in FEATURES][-3:]

# %% [markdown]
# ## (a) Receptive field
#
# The recurrence runs from the input; the closed form sums over the layers; the measurements
# backpropagate the gradient of one output unit, once in PyTorch and once in our own engine, and
# read off its footprint on the input. All four must agree exactly: these are integers.

# %%
rf = receptive_field(FEATURES)
closed = receptive_field_closed_form(FEATURES)
measured = measure_receptive_field(FEATURES)
measured_ours = ours.measure_receptive_field(FEATURES)
rf, closed, measured, measured_ours

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
            Check("gradient footprint in our engine", getattr(measured_ours, field)[0], why=EXACT),
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
        Check(
            "gradient footprint in our engine",
            ours.measure_receptive_field(conv5_3).size[0],
            why=EXACT,
        ),
    ],
)

# %% [markdown]
# The whole table, layer by layer (square kernels, so one number per quantity). The last
# column is the centre of the first output unit's region in input pixels, (r − 1)/2 − P:
# negative or fractional centres are normal (the region starts in the padding).

# %%
table = [
    "| Layer | k | s | p | r | S | P | centre of unit 0 |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
]
for row in receptive_field_table(FEATURES):
    table.append(
        f"| {row.name} | {row.k[0]} | {row.s[0]} | {row.p[0]} | {row.r[0]} | {row.S[0]} "
        f"| {row.P[0]} | {row.centre[0]:g} |"
    )
results.write_text("receptive_field_table.md", "\n".join(table))

# %% [markdown]
# ## The sheet's table
#
# The sheet numbers the feature maps from the input ($l = 0$) to pool5's output ($l = 18$) but
# fills its table from the output down: $r_l$ is how many positions of feature map $l$ one pool5
# unit sees, $r_{18} = 1$, $r_l = (r_{l+1} - 1)\, s_{l+1} + k_{l+1}$, with $k$, $s$ of window
# layer $l + 1$. We run that recurrence over our spec and set it against the values the sheet
# prints, and against our $r_l$, which runs the other way: the input pixels one unit of feature
# map $l$ sees.

# %%
STACK = windows(FEATURES)  # conv1_1 … pool5: window layer l is STACK[l - 1]


def sheet_recurrence(stack) -> list[int]:
    """The sheet's r_l for l = 0 … L: r_L = 1, r_l = (r_{l+1} − 1) s_{l+1} + k_{l+1}."""
    r = [1]
    for layer in reversed(stack):
        r.append((r[-1] - 1) * layer.stride[0] + layer.kernel_size[0])
    return r[::-1]


# The sheet's table as printed, row l: (its label, its r_l).
SHEET_TABLE = {
    18: ("MaxPool (Output)", 1), 17: ("Conv", 2), 16: ("Conv", 4), 15: ("Conv", 6),
    14: ("MaxPool", 8), 13: ("Conv", 16), 12: ("Conv", 18), 11: ("Conv", 20),
    10: ("MaxPool", 22), 9: ("Conv", 44), 8: ("Conv", 46), 7: ("Conv", 48),
    6: ("MaxPool", 50), 5: ("Conv", 100), 4: ("Conv", 102), 3: ("MaxPool", 104),
    2: ("Conv", 208), 1: ("Conv", 210), 0: ("Input", 212),
}  # fmt: skip
backward = sheet_recurrence(STACK)
forward = [receptive_field(STACK[:l]).size[0] for l in range(len(STACK) + 1)]
assert backward == [SHEET_TABLE[l][1] for l in range(len(STACK) + 1)]  # the sheet's own numbers
assert backward == [receptive_field(STACK[l:]).size[0] for l in range(len(STACK) + 1)]
assert all(SHEET_TABLE[l][0].split()[0] in type(STACK[l - 1]).__name__ for l in range(1, 19))
table = [
    (
        "| $l$ | The sheet's label | Our feature map $l$ | The sheet's $r_l$ "
        "| Its rule on our spec | Our $r_l$ |"
    ),
    "|---:|---|---|---:|---:|---:|",
]
for l in reversed(range(len(STACK) + 1)):
    label, printed = SHEET_TABLE[l]
    layer = "input" if l == 0 else STACK[l - 1].title
    table.append(f"| {l} | {label} | {layer} | {printed} | {backward[l]} | {forward[l]} |")
results.write_text("sheet_rf_table.md", "\n".join(table))
(backward[0], forward[-1])

# %% [markdown]
# ## The footprint, drawn
#
# Two pool5 units on a 224 × 224 input: the corner unit (0, 0), whose region starts P pixels
# before the image, and unit (3, 3), whose region fits inside it. PyTorch and our engine must
# reach exactly the same pixels; the dashed square is the region r, S, P predict.

# %%
panels = []
for unit in (0, 0), (3, 3):
    seen = gradient_footprint(FEATURES, size=224, unit=unit)
    assert ((seen != 0) == (ours.gradient_footprint(FEATURES, 224, unit) != 0)).all()
    top, left = (j * S - P for j, S, P in zip(unit, rf.stride, rf.padding))  # pixel jS − P
    last = top + rf.size[0] - 1
    panels.append((f"unit {unit}: pixels {top} … {last}", seen, (top, left, rf.size[0])))
footprint_panels(panels, results.out / "receptive_field_footprint.svg")


def inside(start: int, r: int, size: int = 224) -> int:
    """How many of the pixels start … start + r - 1 lie in the image."""
    return min(start + r, size) - max(start, 0)


# pixels the gradient reached, against the area of the region r, S, P predict, clipped to the image
[
    (int(np.count_nonzero(seen)), inside(top, r) * inside(left, r))
    for _, seen, (top, left, r) in panels
]

# %% [markdown]
# ## Max pooling is not a convolution
#
# The sheet represents each max pooling "as a convolutional layer with k = 2, s = 2 with constant
# weights". For the receptive field that is exact: both measurements above reach the same
# pixels, PyTorch's with every pooling replaced by an averaging convolution, ours with max
# pooling kept. For the values it is not: a convolution with fixed weights is linear, max pooling
# is not. Two 2 × 2 inputs a and b, one non-zero pixel each, show it:
# pool(a + b) − (pool(a) + pool(b)) would be 0 for any linear map.

# %%
a, b = np.zeros((2, 2)), np.zeros((2, 2))
a[0, 0] = b[0, 1] = 1.0


def pooled(pool, to) -> list[float]:
    """pool(a + b), pool(a), pool(b) for one 2 × 2 window."""
    return [pool(to(x[None, None]), 2).item() for x in (a + b, a, b)]


def additivity_gap(pool, to) -> float:
    """pool(a + b) − pool(a) − pool(b): zero for a linear map."""
    together, alone_a, alone_b = pooled(pool, to)
    return together - alone_a - alone_b


together, *apart = pooled(max_pool2d, Tensor)
gap = additivity_gap(max_pool2d, Tensor)
results.record(
    "max_pool_additivity",
    gap,
    title="Max pooling of a + b, minus pooling a and b apart (0 if it were linear)",
    fmt="g",
    checks=[
        Check(
            "torch.nn.functional.max_pool2d",
            additivity_gap(torch.nn.functional.max_pool2d, torch.tensor),
            why=EXACT,
        ),
        Check("by hand: max(1, 1) − max(1, 0, 0, 0) − max(0, 1, 0, 0)", -1.0, why=EXACT),
    ],
    sheet=Claim(
        "max pooling as a convolution with k = 2, s = 2 and constant weights",
        where="3 a), the layers",
        kind="slip",
    ),
    erratum=(
        "True of its receptive field only: the window of a 2 × 2 convolution with stride 2 is the "
        "same, so r, S and P are too. For its values it is not: a convolution with fixed weights "
        f"is linear, but for a and b with one non-zero pixel each, max pooling gives {together:g} "
        f"for a + b and {apart[0]:g} + {apart[1]:g} for a and b apart, a difference of {gap:g} "
        "where any linear map gives 0: no weights make a convolution do that."
    ),
)

# %% [markdown]
# ## Check yourself: receptive fields
#
# Each answer computed by the same functions and measured in PyTorch, as above.

# %%
BLOCK = tuple(Conv2d(64, 64, 3, padding=1) for _ in range(3))
SEVEN = (Conv2d(64, 64, 7, padding=3),)
STEM = (Conv2d(3, 64, 7, stride=2, padding=3), MaxPool2d(3, stride=2, padding=1))
DEEPER = (*FEATURES, Conv2d(512, 512, 3, padding=1, name="conv6"))
POOL2 = STACK[: [w.title for w in STACK].index("pool2") + 1]


def record_field(key: str, layers, field: str, title: str) -> int:
    """r, S or P of a stack, checked by the closed form and measured in PyTorch."""
    value = getattr(receptive_field(layers), field)[0]
    results.record(
        key,
        value,
        title=title,
        fmt="d",
        checks=[
            Check("closed form", getattr(receptive_field_closed_form(layers), field)[0], why=EXACT),
            Check(
                "gradient footprint in PyTorch",
                getattr(measure_receptive_field(layers), field)[0],
                why=EXACT,
            ),
        ],
    )
    return value


r_block = record_field("exercise_block_r", BLOCK, "size", "Exercise: r of three 3 × 3 convolutions")
r_seven = record_field("exercise_seven_r", SEVEN, "size", "Exercise: r of one 7 × 7 convolution")
stem = [
    record_field(f"exercise_stem_{f}", STEM, f, f"Exercise: {s} of ResNet's stem")
    for f, s in (("size", "r"), ("stride", "S"), ("padding", "P"))
]
r_deeper = record_field("exercise_conv6_r", DEEPER, "size", "Exercise: r of a conv6 after pool5")
sheet_pool2 = sheet_recurrence(POOL2)[0]
results.record(
    "exercise_sheet_pool2",
    sheet_pool2,
    title="Exercise: the sheet's recurrence from pool2 down to the input",
    fmt="d",
    checks=[
        Check("our recurrence from the input, at pool2", receptive_field(POOL2).size[0], why=EXACT),
        Check("gradient footprint in PyTorch", measure_receptive_field(POOL2).size[0], why=EXACT),
    ],
)
weights = [sum(weights_and_biases(Conv2d(1, 1, k, bias=False))) for k in (3, 7)]
S_at = {row.name: row.S[0] for row in receptive_field_table(FEATURES)}
rf_exercises = [
    Exercise(
        "VGG stacks three 3 × 3 convolutions (stride 1, padding 1) where older networks used one "
        "large kernel. How many input pixels does one output of the stack see, which single "
        "kernel sees as many, and how many weights does each need per pair of channels?",
        f"Each 3 × 3 convolution with stride 1 widens the region by $k - 1 = 2$: "
        f"$r = 1 + 3 \\cdot 2 = {r_block}$. A single {r_seven} × {r_seven} kernel sees as many "
        f"($r = {r_seven}$), with {weights[1]} weights per channel pair against "
        f"$3 \\cdot {weights[0]} = {3 * weights[0]}$ for the stack, which also puts a ReLU "
        "between each convolution.",
    ),
    Exercise(
        "ResNet starts with a 7 × 7 convolution (stride 2, padding 3) and a 3 × 3 max pooling "
        "(stride 2, padding 1). Find $r$, $S$ and $P$ after the pooling.",
        f"The convolution gives $r_1 = 7$, $S_1 = 2$, $P_1 = 3$. The pooling adds "
        f"$(3 - 1) S_1$ to the size and $1 \\cdot S_1$ to the padding, and doubles the stride: "
        f"$r = 7 + 2 \\cdot 2 = {stem[0]}$, $S = 2 \\cdot 2 = {stem[1]}$, "
        f"$P = 3 + 1 \\cdot 2 = {stem[2]}$.",
    ),
    Exercise(
        "Add one more 3 × 3 convolution (stride 1, padding 1), conv6, after VGG16's pool5. How "
        "large is the receptive field of a conv6 unit?",
        f"At pool5 the effective stride is $S = {S_at['pool5']}$, so a 3 × 3 kernel widens the "
        f"region by $(3 - 1) \\cdot {S_at['pool5']}$: "
        f"$r = {rf.size[0]} + 2 \\cdot {S_at['pool5']} = {r_deeper}$ pixels, larger than the "
        "224 × 224 image.",
    ),
    Exercise(
        "Run the sheet's recurrence $r_l = (r_{l+1} - 1)\\, s_{l+1} + k_{l+1}$ from one unit of "
        "pool2's output ($r = 1$) down to the input. What do you get, and where is that number in "
        "the table of VGG16 above?",
        "pool2, conv2_2, conv2_1, pool1, conv1_2, conv1_1 in turn: "
        + " → ".join(map(str, reversed(sheet_recurrence(POOL2))))
        + f". The input value, {sheet_pool2}, is our $r$ at pool2: the recurrence from the "
        "output down and ours from the input up meet at the two ends.",
    ),
]
results.write_text("exercises_receptive_field.md", exercises(rf_exercises))

# %% [markdown]
# ## (b) Parameters
#
# Per layer, from the spec; the check is PyTorch's own count, `sum(p.numel())`, of the
# equivalent `torch.nn` model built on the meta device (shapes without memory).

# %%
with torch.device("meta"):
    model = to_torch(VGG16)


def torch_count(model: torch.nn.Module, kind: type[torch.nn.Module] | None = None) -> int:
    """PyTorch's count of a model's parameters, optionally only in modules of one kind."""
    modules = [m for m in model if kind is None or isinstance(m, kind)]
    return sum(p.numel() for m in modules for p in m.parameters())


totals = parameter_totals(VGG16)
totals, torch_count(model)

# %%
BY_TORCH = "integers: PyTorch must count exactly the same"
on_params = {"page": "parameters.md"}
results.record(
    "params_total",
    totals.total,
    title="VGG16 parameters",
    fmt=",d",
    checks=[Check("PyTorch sum(p.numel())", torch_count(model), why=BY_TORCH)],
    sheet=Claim("1.23646E+08", where="3 b), total"),
    erratum=(
        "The sheet's formula counts 3·C_out parameters per convolution, ignoring the kernel's "
        "other dimension and the input channels, and leaves out every bias."
    ),
    **on_params,
)
results.record(
    "params_conv",
    totals.conv,
    title="VGG16 parameters in convolutions",
    fmt=",d",
    checks=[Check("PyTorch, Conv2d modules", torch_count(model, torch.nn.Conv2d), why=BY_TORCH)],
    **on_params,
)
results.record(
    "params_fc",
    totals.fc,
    title="VGG16 parameters in fully connected layers",
    fmt=",d",
    checks=[Check("PyTorch, Linear modules", torch_count(model, torch.nn.Linear), why=BY_TORCH)],
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
            torch_count(model, torch.nn.Conv2d) / torch_count(model, torch.nn.Linear),
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
FC6 = [layer.title for layer in VGG16].index("fc6")
fc6_share = parameter_table(VGG16)[FC6].share
results.record(
    "params_fc6_share",
    100 * fc6_share,
    title="Share of VGG16's parameters in fc6 (%)",
    fmt=".1f",
    checks=[
        Check(
            "PyTorch counts, fc6 / all",
            100 * torch_count(model[FC6 : FC6 + 1]) / torch_count(model),
            rtol=1e-15,
            why="one float division of the same integers",
        )
    ],
    **on_params,
)
results.write_text("parameter_table.md", "\n".join(table))
counted = [(layer, row) for layer, row in zip(VGG16, parameter_table(VGG16)) if row.total]
kind = {
    Conv2d: f"convolutions: {totals.conv:,} in all",
    Linear: f"fully connected: {totals.fc:,} in all",
}
bar_chart(
    [row.name for _, row in counted],
    [100 * row.share for _, row in counted],
    results.out / "parameter_bars.svg",
    ylabel="share of all parameters (%)",
    groups=[kind[type(layer)] for layer, _ in counted],
)

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
    sheet=Claim("1.23646E+08", where="3 b), total", answers="params_total"),
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

# %% [markdown]
# ## Check yourself: parameters
#
# Each answer counted from a spec and checked against PyTorch's `sum(p.numel())`, as above.


# %%
def record_count(key: str, layers, title: str) -> int:
    """The parameters of a few layers, checked against PyTorch's count on the meta device."""
    with torch.device("meta"):
        twin = to_torch(layers)
    value = parameter_totals(layers).total
    results.record(
        key,
        value,
        title=title,
        fmt=",d",
        checks=[Check("PyTorch sum(p.numel())", torch_count(twin), why=BY_TORCH)],
        **on_params,
    )
    return value


layer_of = {layer.title: layer for layer in VGG16}
conv3_1, fc8, fc6 = layer_of["conv3_1"], layer_of["fc8"], layer_of["fc6"]
n_conv3_1 = record_count("exercise_conv3_1", (conv3_1,), "Exercise: parameters of conv3_1")
n_fc8 = record_count("exercise_fc8", (fc8,), "Exercise: parameters of fc8")
one_by_one = Conv2d(512, 512, 1)
n_1x1 = record_count("exercise_1x1", (one_by_one,), "Exercise: a 1 × 1 convolution, 512 → 512")
n_3x3 = parameter_totals((layer_of["conv5_1"],)).total
big_fc6 = Linear(512 * 14 * 14, fc6.out_features)
n_big_fc6 = record_count("exercise_fc6_448", (big_fc6,), "Exercise: fc6 on a 14 × 14 pool5")
n_fc6 = parameter_totals((fc6,)).total
parameter_exercises = [
    Exercise(
        f"conv3_1 turns {conv3_1.in_channels} channels into {conv3_1.out_channels} with 3 × 3 "
        "kernels. How many weights and biases does it hold?",
        f"One $3 \\times 3 \\times {conv3_1.in_channels}$ filter per output channel, plus one "
        f"bias each: $3 \\cdot 3 \\cdot {conv3_1.in_channels} \\cdot {conv3_1.out_channels} + "
        f"{conv3_1.out_channels}$ = **{n_conv3_1:,}**.",
    ),
    Exercise(
        f"fc8 maps {fc8.in_features} features to the {fc8.out_features} classes. How many "
        "parameters does it hold?",
        f"$n_\\text{{in}} n_\\text{{out}} + n_\\text{{out}} = {fc8.in_features} \\cdot "
        f"{fc8.out_features} + {fc8.out_features}$ = **{n_fc8:,}**.",
    ),
    Exercise(
        "A 1 × 1 convolution from 512 to 512 channels against conv5_1, a 3 × 3 one: how many "
        "parameters does each hold, and why is the ratio not quite 9?",
        f"$1 \\cdot 1 \\cdot 512 \\cdot 512 + 512$ = **{n_1x1:,}** against "
        f"$3 \\cdot 3 \\cdot 512 \\cdot 512 + 512$ = **{n_3x3:,}**: the weights grow with the "
        f"kernel's area, the biases do not, so the ratio is {n_3x3 / n_1x1:.3f}.",
    ),
    Exercise(
        "Without the adaptive pooling in front of it, a 448 × 448 input would give pool5 a "
        "14 × 14 × 512 output. What would fc6 hold then, and the convolutions?",
        f"fc6 has a weight per input feature and output, and a bias per output: "
        f"$14 \\cdot 14 \\cdot 512 \\cdot {fc6.out_features} + {fc6.out_features}$ = "
        f"**{n_big_fc6:,}**, {n_big_fc6 / n_fc6:.0f} times its {n_fc6:,} at 7 × 7. The "
        f"convolutions keep their {totals.conv:,}: a kernel's weights do not depend on the "
        "image's size.",
    ),
]
results.write_text("exercises_parameters.md", exercises(parameter_exercises))

# %% [markdown]
# ## Other networks, computed the same way
#
# The same functions on VGG11/13/19 and torchvision's AlexNet: the receptive field at the last
# pooling layer (pool5 in all of them) and the parameter counts, each checked against PyTorch:
# the footprint measurement, and `sum(p.numel())` of the `to_torch` model on the meta device.

# %%
NETWORKS = {"AlexNet": alexnet(), "VGG11": vgg11(), "VGG13": vgg13(), "VGG16": VGG16}
NETWORKS["VGG19"] = vgg19()
fields = ["| Network | $r$ | $S$ | $P$ |", "|---|---:|---:|---:|"]
counts = [
    "| Network | Convolutions | Fully connected | Total | Conv / FC |",
    "|---|---:|---:|---:|---:|",
]
for name, network in NETWORKS.items():
    features = spatial_part(network)
    field, n = receptive_field(features), parameter_totals(network)
    with torch.device("meta"):
        twin = to_torch(network)
    assert features[-1].title == "pool5" and field == measure_receptive_field(features), name
    by_torch = (torch_count(twin, torch.nn.Conv2d), torch_count(twin, torch.nn.Linear))
    assert (n.conv, n.fc, n.total) == (*by_torch, torch_count(twin)), name
    fields.append(f"| {name} | {field.size[0]} | {field.stride[0]} | {field.padding[0]} |")
    counts.append(f"| {name} | {n.conv:,} | {n.fc:,} | {n.total:,} | {n.conv / n.fc:.3f} |")
results.write_text("other_networks_rf.md", "\n".join(fields))
results.write_text("other_networks_parameters.md", "\n".join(counts))

# %% tags=["hide-input"]
results.write()
