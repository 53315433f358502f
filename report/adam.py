# %% [markdown]
# # Exercise 2 · Adam, executed
#
# Every answer on the page, computed: the update rule as our code runs it (a), the first step
# and where ε takes over (b), the second step's weights (c), the start-up problem and its
# mitigations (d), L2 regularisation against decoupled weight decay (e), and four optimizers on
# an ill-conditioned valley. Our optimizers (`backprop.optim`) are checked against
# `torch.optim` and against the closed forms derived on the page.

# %%
import inspect

import numpy as np
import torch

from backprop import Tensor, value_and_grad
from backprop.nn import cross_entropy
from backprop.optim import SGD, Adam, AdamW, adam_update
from report.figures import curve_panels, trajectories
from report.results import Check, Claim, Registry

results = Registry("adam", page="adam.md")
LR, BETA1, BETA2, EPS = 1.0, 0.9, 0.999, 1e-8  # the sheet's α, β, δ, ε (α = 1: steps read directly)
HYPER = {"beta1": BETA1, "beta2": BETA2, "eps": EPS}
G1 = np.array([3.0, -0.5])  # first gradient g¹
G2 = np.array([1.0, 2.0])  # second gradient g²
ROUND_OFF = "the same few float64 operations, differently ordered: round-off near 1e-16"

# %% [markdown]
# ## (a) The update, as our code runs it
#
# `adam_update` is the whole algorithm; `Adam` and `AdamW` only keep its state `m, v, t`.
# The page embeds this source, generated from the module itself.

# %%
source = inspect.getsource(adam_update)
results.write_text("adam_update.md", f"```python\n{source}```")
print(source)

# %% [markdown]
# ## (b) The first two steps, ours and PyTorch's
#
# The parameter starts at zero; each step sets `.grad` and calls `step()`. The *step* is the
# change of the parameter.


# %%
def ours() -> list[np.ndarray]:
    """The parameter's change at steps 1 and 2, with our Adam."""
    theta = Tensor(np.zeros(2), requires_grad=True)
    optimizer = Adam([theta], lr=LR, betas=(BETA1, BETA2), eps=EPS)
    steps = []
    for g in (G1, G2):
        before = theta.data.copy()
        theta.grad = g.copy()
        optimizer.step()
        steps.append(theta.data - before)
    return steps


def pytorch() -> list[np.ndarray]:
    """The same with torch.optim.Adam, in float64."""
    theta = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([theta], lr=LR, betas=(BETA1, BETA2), eps=EPS)
    steps = []
    for g in (G1, G2):
        before = theta.detach().clone()
        theta.grad = torch.tensor(g)
        optimizer.step()
        steps.append((theta.detach() - before).numpy())
    return steps


(step1, step2), (torch1, torch2) = ours(), pytorch()
first_closed = -LR * G1 / (np.abs(G1) + EPS)
step1, torch1, first_closed

# %%
for i in range(2):
    results.record(
        f"first_step_{i + 1}",
        step1[i],
        title=f"First step, component {i + 1}",
        fmt=".10f",
        checks=[
            Check("torch.optim.Adam (float64)", torch1[i], rtol=1e-12, why=ROUND_OFF),
            Check("closed form −α g/(|g| + ε)", first_closed[i], rtol=1e-12, why=ROUND_OFF),
        ],
    )

# %% [markdown]
# ### Where ε takes over
#
# The first step is $-\alpha\, g/(|g| + \varepsilon)$: about $\alpha$ while $|g| \gg \varepsilon$,
# exactly $\alpha/2$ at $|g| = \varepsilon$, and $\alpha |g|/\varepsilon$ below. One call of
# `adam_update` on a vector of gradients spanning ten orders of magnitude measures it.


# %%
def first_steps(g: np.ndarray) -> np.ndarray:
    """Adam's first step from θ = m = v = 0, per component of `g`, with α = 1."""
    theta, m, v = np.zeros_like(g), np.zeros_like(g), np.zeros_like(g)
    adam_update(theta, g, m, v, 1, lr=LR, **HYPER)
    return theta


def torch_first_steps(g: np.ndarray) -> np.ndarray:
    theta = torch.zeros(len(g), dtype=torch.float64, requires_grad=True)
    theta.grad = torch.tensor(g)
    torch.optim.Adam([theta], lr=LR, betas=(BETA1, BETA2), eps=EPS).step()
    return theta.detach().numpy()


g_sizes = np.logspace(-13, -3, 81)  # |g| from 1e-13 to 1e-3, 8 points per decade
measured = -first_steps(g_sizes)
at_eps = -first_steps(np.array([EPS]))[0]
gap = np.max(np.abs(measured - g_sizes / (g_sizes + EPS)))
gap, at_eps

# %%
results.record(
    "first_step_at_eps",
    at_eps,
    title="First step over α when |g| = ε",
    fmt=".4f",
    checks=[
        Check("closed form ε/(ε + ε)", 0.5, rtol=1e-12, why=ROUND_OFF),
        Check(
            "torch.optim.Adam", -torch_first_steps(np.array([EPS]))[0], rtol=1e-12, why=ROUND_OFF
        ),
    ],
)
curve_panels(
    [
        (
            "|g₁| (first gradient, one component)",
            "|first step| / α",
            {
                "α·sign(g): the |g| ≫ ε limit": (g_sizes, np.ones_like(g_sizes)),
                "closed form |g|/(|g| + ε)": (g_sizes, g_sizes / (g_sizes + EPS)),
                "our adam_update (measured)": (g_sizes[::4], measured[::4]),
            },
        )
    ],
    results.out / "first_step.svg",
    xscale="log",
    marks={"|g| = ε": EPS},
    styles={"our adam_update (measured)": {"ls": "", "marker": "o"}},
    legend="outside",
)

# %% [markdown]
# ## (c) The second step and its weights
#
# Since $1 - \beta^2 = (1 - \beta)(1 + \beta)$,
# $\hat m_2 = (\beta g_1 + g_2)/(1 + \beta)$ and $\hat v_2 = (\delta g_1^2 + g_2^2)/(1 + \delta)$.
# The sheet divides by $1 - \beta$ and $1 - \delta$ instead.

# %%
m_hat2 = (BETA1 * G1 + G2) / (1 + BETA1)
v_hat2 = (BETA2 * G1**2 + G2**2) / (1 + BETA2)
second_closed = -LR * m_hat2 / (np.sqrt(v_hat2) + EPS)

m_hat2_sheet = (BETA1 * G1 + G2) / (1 - BETA1)
v_hat2_sheet = (BETA2 * G1**2 + G2**2) / (1 - BETA2)
second_sheet = -LR * m_hat2_sheet / (np.sqrt(v_hat2_sheet) + EPS)
step2, torch2, second_closed, second_sheet

# %%
SECOND_STEP_ERRATUM = (
    "The sheet's bias correction writes 1 − β² as (1 − β)(1 − β); it is (1 − β)(1 + β). So "
    "m̂₂ = (βg₁ + g₂)/(1 + β), not (βg₁ + g₂)/(1 − β), and likewise v̂₂ with δ: the sheet's m̂₂ is "
    "(1 + β)/(1 − β) times too large, its v̂₂ (1 + δ)/(1 − δ) times, and its step too small."
)
for i in range(2):
    results.record(
        f"second_step_{i + 1}",
        step2[i],
        title=f"Second step, component {i + 1}",
        fmt=".10f",
        checks=[
            Check("torch.optim.Adam (float64)", torch2[i], rtol=1e-12, why=ROUND_OFF),
            Check("closed form with 1 + β, 1 + δ", second_closed[i], rtol=1e-12, why=ROUND_OFF),
        ],
        sheet=Claim(
            f"{second_sheet[i]:.7f}, from m̂₂ = (βg₁ + g₂)/(1 − β), v̂₂ = (δg₁² + g₂²)/(1 − δ)",
            where="2 c), its formula evaluated",
            value=float(second_sheet[i]),
        ),
        erratum=SECOND_STEP_ERRATUM,
    )

# %% [markdown]
# The weights themselves, measured: $\hat m_2$ is linear in the gradients, so feeding
# $g_1 = (1, 0)$ and $g_2 = (0, 1)$ leaves the weight of $g_1$ in the first component of
# $\hat m_2 = m_2/(1 - \beta^2)$ and the weight of $g_2$ in the second (and the same for
# $\hat v_2$ with $\delta$). We read $m_2, v_2$ from our optimizer's state and from PyTorch's.


# %%
def second_averages(g1: np.ndarray, g2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m̂₂, v̂₂) from our adam_update's state after two steps from m₀ = v₀ = 0."""
    theta, m, v = np.zeros_like(g1), np.zeros_like(g1), np.zeros_like(g1)
    for t, g in enumerate((g1, g2), start=1):
        adam_update(theta, g, m, v, t, lr=LR, **HYPER)
    return m / (1 - BETA1**2), v / (1 - BETA2**2)


def torch_second_averages(g1: np.ndarray, g2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    theta = torch.zeros(len(g1), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([theta], lr=LR, betas=(BETA1, BETA2), eps=EPS)
    for g in (g1, g2):
        theta.grad = torch.tensor(g)
        optimizer.step()
    state = optimizer.state[theta]
    return (
        state["exp_avg"].numpy() / (1 - BETA1**2),
        state["exp_avg_sq"].numpy() / (1 - BETA2**2),
    )


e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
(w_m, w_v), (w_m_torch, w_v_torch) = second_averages(e1, e2), torch_second_averages(e1, e2)
rng = np.random.default_rng(0)
g1, g2 = rng.normal(size=(2, 1000))
m_hat_random, v_hat_random = second_averages(g1, g2)
convex = np.max(np.abs(m_hat_random - (w_m[0] * g1 + w_m[1] * g2)))
between = np.all((np.minimum(g1, g2) <= m_hat_random) & (m_hat_random <= np.maximum(g1, g2)))
w_m, w_v, convex, between

# %% [markdown]
# On a thousand random gradient pairs, $\hat m_2$ equals the measured combination to round-off
# and lies between $g_1$ and $g_2$ in every component — what a convex combination must do.

# %%
WEIGHT_SUM_ERRATUM = (
    "With the sheet's m̂₂ = (βg₁ + g₂)/(1 − β) the weights are β/(1 − β) and 1/(1 − β), summing "
    "to (1 + β)/(1 − β) rather than 1: not an average of the gradients but a multiple of one."
)
for key, value, check, torch_value, title in [
    ("m_weight_old", w_m[0], BETA1 / (1 + BETA1), w_m_torch[0], "Weight of g₁ in m̂₂"),
    ("m_weight_new", w_m[1], 1 / (1 + BETA1), w_m_torch[1], "Weight of g₂ in m̂₂"),
    ("v_weight_old", w_v[0], BETA2 / (1 + BETA2), w_v_torch[0], "Weight of g₁² in v̂₂"),
]:
    formula = {"m_weight_old": "β/(1 + β)", "m_weight_new": "1/(1 + β)"}.get(key, "δ/(1 + δ)")
    results.record(
        key,
        value,
        title=title,
        fmt=".10f",
        checks=[
            Check(f"closed form {formula}", check, rtol=1e-12, why=ROUND_OFF),
            Check("torch.optim.Adam's state", torch_value, rtol=1e-12, why=ROUND_OFF),
        ],
    )
sheet_sum = (BETA1 + 1) / (1 - BETA1)
results.record(
    "m_weight_sum",
    w_m[0] + w_m[1],
    title="Sum of the weights in m̂₂",
    fmt=".10f",
    checks=[
        Check("closed form β/(1 + β) + 1/(1 + β) = 1", 1.0, rtol=1e-12, why=ROUND_OFF),
        Check("torch.optim.Adam's state", w_m_torch.sum(), rtol=1e-12, why=ROUND_OFF),
    ],
    sheet=Claim(
        f"{sheet_sum:g}, the weights of m̂₂ = (βg₁ + g₂)/(1 − β) summed",
        where="2 c), its formula evaluated",
        value=sheet_sum,
    ),
    erratum=WEIGHT_SUM_ERRATUM,
)

# %% [markdown]
# The two steps side by side:

# %%
table = [
    "| Quantity | Component 1 | Component 2 |",
    "|---|---:|---:|",
    f"| Gradient g₁ | {G1[0]:g} | {G1[1]:g} |",
    f"| Gradient g₂ | {G2[0]:g} | {G2[1]:g} |",
    f"| First step (ours) | {step1[0]:.10f} | {step1[1]:.10f} |",
    f"| Second step (ours) | {step2[0]:.10f} | {step2[1]:.10f} |",
    f"| Second step, torch.optim.Adam | {torch2[0]:.10f} | {torch2[1]:.10f} |",
    f"| Second step by the sheet's formula | {second_sheet[0]:.10f} | {second_sheet[1]:.10f} |",
]
results.write_text("steps.md", "\n".join(table))
print("\n".join(table))

# %% [markdown]
# ## (d) The start-up problem
#
# A thousand parameters receive noisy gradients $g_t = \mu + \sigma \xi_t$ (mean $\mu = 0.1$,
# noise $\sigma = 1$): a small signal in much noise, as in training. We follow the *effective
# step* $|\Delta\theta_t|/\alpha$, averaged over the parameters, for four ways to start:
# Adam as is; without bias correction; with a linear learning-rate warm-up over
# $T_w = 100$ steps; and with $v_0 = \mu^2 + \sigma^2$ (the gradient's true mean square, the
# sheet's non-zero start) and no bias correction, which $v$ then no longer needs.

# %%
MU, SIGMA, N_PARAMS, T_STEPS, T_WARM = 0.1, 1.0, 1000, 1000, 100
V0 = MU**2 + SIGMA**2
gradients = MU + SIGMA * np.random.default_rng(1).normal(size=(T_STEPS, N_PARAMS))


def effective_steps(v0: float = 0.0, warm: int = 1, bias_correction: bool = True) -> np.ndarray:
    """Mean |Δθ_t|/α over the parameters, t = 1…T, for Adam started from m₀ = 0, v₀."""
    theta, m, v = np.zeros(N_PARAMS), np.zeros(N_PARAMS), np.full(N_PARAMS, v0)
    steps = []
    for t, g in enumerate(gradients, start=1):
        before = theta.copy()
        lr = LR * min(1.0, t / warm)
        adam_update(theta, g, m, v, t, lr=lr, bias_correction=bias_correction, **HYPER)
        steps.append(np.mean(np.abs(theta - before)) / LR)
    return np.array(steps)


def torch_effective_steps(warm: int = 1) -> np.ndarray:
    """The same with torch.optim.Adam, the warm-up by a LambdaLR schedule."""
    theta = torch.zeros(N_PARAMS, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([theta], lr=LR, betas=(BETA1, BETA2), eps=EPS)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: min(1.0, (e + 1) / warm))
    steps = []
    for g in gradients:
        before = theta.detach().clone()
        theta.grad = torch.tensor(g)
        optimizer.step()
        schedule.step()
        steps.append(float((theta.detach() - before).abs().mean()) / LR)
    return np.array(steps)


startup = {
    "Adam (bias correction)": effective_steps(),
    "no bias correction": effective_steps(bias_correction=False),
    f"bias correction + warm-up over {T_WARM} steps": effective_steps(warm=T_WARM),
    "v₀ = μ² + σ², no bias correction": effective_steps(v0=V0, bias_correction=False),
}
startup_torch = {"adam": torch_effective_steps(), "warm": torch_effective_steps(T_WARM)}
adam_curve, plain, warm, v0_curve = startup.values()
(
    np.max(np.abs(adam_curve / startup_torch["adam"] - 1)),
    np.max(np.abs(warm / startup_torch["warm"] - 1)),
)

# %% [markdown]
# Both curves PyTorch can run agree with ours to round-off at every step. The first steps in
# closed form, with $g = g_1$ per parameter: $|g|/(|g| + \varepsilon)$ with bias correction;
# $(1 - \beta)|g|/(\sqrt{1 - \delta}\,|g| + \varepsilon)$ without; $1/T_w$ times the first with
# warm-up; and $(1 - \beta)|g|/(\sqrt{\delta v_0 + (1 - \delta) g^2} + \varepsilon)$ from $v_0$.

# %%
g = np.abs(gradients[0])
first = {
    "adam": np.mean(g / (g + EPS)),
    "plain": np.mean((1 - BETA1) * g / (np.sqrt(1 - BETA2) * g + EPS)),
    "warm": np.mean(g / (g + EPS)) / T_WARM,
    "v0": np.mean((1 - BETA1) * g / (np.sqrt(BETA2 * V0 + (1 - BETA2) * g**2) + EPS)),
}
first, {k: c[0] for k, c in zip(first, startup.values())}

# %%
for key, curve, closed, torch_curve, title in [
    ("startup_adam", adam_curve, first["adam"], startup_torch["adam"], "Adam"),
    ("startup_no_correction", plain, first["plain"], None, "Adam without bias correction"),
    ("startup_warmup", warm, first["warm"], startup_torch["warm"], "Adam with warm-up"),
    ("startup_v0", v0_curve, first["v0"], None, "Adam from v₀ = μ² + σ², no bias correction"),
]:
    checks = [Check("closed form (above)", closed, rtol=1e-12, why=ROUND_OFF)]
    if torch_curve is not None:
        checks.append(Check("torch.optim.Adam", torch_curve[0], rtol=1e-12, why=ROUND_OFF))
    results.record(
        key, curve[0], title=f"{title}: first effective step |Δθ₁|/α", fmt=".4f", checks=checks
    )
results.record(
    "startup_adam_steady",
    adam_curve[-100:].mean(),
    title="Adam: mean effective step over the last 100 of 1000 iterations",
    fmt=".3f",
    checks=[
        Check(
            "torch.optim.Adam",
            startup_torch["adam"][-100:].mean(),
            rtol=1e-10,
            why="1000 steps of the same float64 arithmetic, differently ordered: round-off",
        )
    ],
)
curve_panels(
    [
        (
            "iteration t",
            "effective step |Δθₜ|/α (mean over parameters)",
            {name: (np.arange(1, T_STEPS + 1), curve) for name, curve in startup.items()},
        )
    ],
    results.out / "startup.svg",
    xscale="log",
    yscale="log",
    legend="outside",
)

# %% [markdown]
# ## (e) L2 regularisation against decoupled weight decay
#
# With an L2 penalty, Adam sees $g + \lambda w$ and normalises it: the first step is
# $-\alpha\,\operatorname{sign}(g + \lambda w)$, so the penalty changes nothing unless it flips a
# sign. AdamW normalises $g$ alone and decays separately: $-\alpha\,\operatorname{sign}(g) -
# \alpha\lambda w$. Two weights, $w = 0.1$ and $w = 10$, with the same gradient $g = 0.01$:

# %%
ALPHA, LAMBDA = 0.01, 0.01  # learning rate and λ, the same for both optimizers
W0, G_W = np.array([0.1, 10.0]), np.array([0.01, 0.01])


def first_step(decay: float, decoupled: bool) -> np.ndarray:
    """First step over α of the two weights, with our adam_update."""
    theta, m, v = W0.copy(), np.zeros(2), np.zeros(2)
    adam_update(theta, G_W, m, v, 1, lr=ALPHA, weight_decay=decay, decoupled=decoupled, **HYPER)
    return (theta - W0) / ALPHA


def torch_first_step(cls: type) -> np.ndarray:
    w = torch.tensor(W0, requires_grad=True)
    w.grad = torch.tensor(G_W)
    cls([w], lr=ALPHA, betas=(BETA1, BETA2), eps=EPS, weight_decay=LAMBDA).step()
    return (w.detach().numpy() - W0) / ALPHA


plain_step, l2_step, adamw_step = (
    first_step(0.0, False),
    first_step(LAMBDA, False),
    first_step(LAMBDA, True),
)
l2_closed = -(G_W + LAMBDA * W0) / (np.abs(G_W + LAMBDA * W0) + EPS)
adamw_closed = -G_W / (np.abs(G_W) + EPS) - LAMBDA * W0
plain_step, (l2_step, l2_closed), (adamw_step, adamw_closed)

# %%
for i, size in enumerate(("small", "large")):
    for key, value, closed, cls, name in [
        (f"l2_first_step_{size}", l2_step[i], l2_closed[i], torch.optim.Adam, "Adam + L2"),
        (f"adamw_first_step_{size}", adamw_step[i], adamw_closed[i], torch.optim.AdamW, "AdamW"),
    ]:
        formula = "−sign(g + λw)" if cls is torch.optim.Adam else "−sign(g) − λw"
        results.record(
            key,
            value,
            title=f"{name}: first step / α of the weight w = {W0[i]:g}",
            fmt=".4f",
            checks=[
                Check(f"closed form {formula} (with ε)", closed, rtol=1e-12, why=ROUND_OFF),
                Check(
                    f"torch.optim.{cls.__name__}",
                    torch_first_step(cls)[i],
                    rtol=1e-12,
                    why=ROUND_OFF,
                ),
            ],
        )
rows = ["| Optimizer | w = 0.1 | w = 10 |", "|---|---:|---:|"]
for name, step in [("Adam, no decay", plain_step), ("Adam + L2", l2_step), ("AdamW", adamw_step)]:
    rows.append(f"| {name} | {step[0]:.4f} | {step[1]:.4f} |")
results.write_text("decay_first_step.md", "\n".join(rows))
print("\n".join(rows))

# %% [markdown]
# ### Training a small network both ways
#
# A two-layer perceptron (2 → 32 tanh → 2) learns the XOR of the signs of two coordinates, from
# 200 points drawn with NumPy (seed 0), by full-batch cross-entropy in our engine: 500 steps of
# Adam + L2 and of AdamW with the same $\alpha$ and $\lambda$, and of Adam without decay for
# reference. PyTorch trains the same network from the same initial weights as a check.

# %%
N_POINTS, HIDDEN, TRAIN_STEPS = 200, 32, 500
data_rng = np.random.default_rng(0)
X = data_rng.uniform(-1, 1, size=(N_POINTS, 2))
y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)  # the XOR of the two signs
INIT = [
    data_rng.normal(size=(2, HIDDEN)) / np.sqrt(2),
    np.zeros(HIDDEN),
    data_rng.normal(size=(HIDDEN, 2)) / np.sqrt(HIDDEN),
    np.zeros(2),
]


def mlp(params, x):
    """Logits of the two-layer perceptron; works for our Tensors and torch tensors alike."""
    w1, b1, w2, b2 = params
    return (x @ w1 + b1).tanh() @ w2 + b2


def train(cls: type, decay: float) -> tuple[np.ndarray, np.ndarray]:
    """(loss, ‖θ‖) before each step, for our optimizer `cls` with weight_decay = `decay`."""
    # NB: the decay acts on the biases too, as it does when torch is given all parameters.
    params = [Tensor(p.copy(), requires_grad=True) for p in INIT]
    optimizer = cls(params, lr=ALPHA, weight_decay=decay)
    losses, norms = [], []
    for _ in range(TRAIN_STEPS):
        optimizer.zero_grad()
        loss = cross_entropy(mlp(params, Tensor(X)), y)
        loss.backward()
        losses.append(loss.item())
        norms.append(np.sqrt(sum(np.sum(p.data**2) for p in params)))
        optimizer.step()
    return np.array(losses), np.array(norms)


def torch_train(cls: type, decay: float) -> tuple[np.ndarray, np.ndarray]:
    params = [torch.tensor(p, requires_grad=True) for p in INIT]
    optimizer = cls(params, lr=ALPHA, weight_decay=decay)
    losses, norms = [], []
    for _ in range(TRAIN_STEPS):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(mlp(params, torch.tensor(X)), torch.tensor(y))
        loss.backward()
        losses.append(loss.item())
        norms.append(float(torch.sqrt(sum((p.detach() ** 2).sum() for p in params))))
        optimizer.step()
    return np.array(losses), np.array(norms)


runs = {
    "Adam, no decay": train(Adam, 0.0),
    f"Adam + L2, λ = {LAMBDA:g}": train(Adam, LAMBDA),
    f"AdamW, λ = {LAMBDA:g}": train(AdamW, LAMBDA),
}
torch_runs = {
    "l2": torch_train(torch.optim.Adam, LAMBDA),
    "adamw": torch_train(torch.optim.AdamW, LAMBDA),
}
_, l2_run, adamw_run = runs.values()
{k: (loss[-1], norm[-1]) for k, (loss, norm) in runs.items()}

# %% [markdown]
# Our engine and PyTorch follow the same 500-step curves; the largest relative gap over the
# whole curves:

# %%
{
    name: max(np.max(np.abs(ours_ / theirs - 1)) for ours_, theirs in zip(run, torch_runs[name]))
    for name, run in [("l2", l2_run), ("adamw", adamw_run)]
}

# %%
TRAINING = "500 steps of the same float64 arithmetic, differently ordered: round-off, amplified"
for key, value, check, title in [
    ("l2_final_loss", l2_run[0][-1], torch_runs["l2"][0][-1], "Adam + L2: loss after training"),
    (
        "adamw_final_loss",
        adamw_run[0][-1],
        torch_runs["adamw"][0][-1],
        "AdamW: loss after training",
    ),
    ("l2_final_norm", l2_run[1][-1], torch_runs["l2"][1][-1], "Adam + L2: ‖θ‖ after training"),
    ("adamw_final_norm", adamw_run[1][-1], torch_runs["adamw"][1][-1], "AdamW: ‖θ‖ after training"),
]:
    results.record(
        key,
        value,
        title=title,
        fmt=".3f",
        checks=[Check("PyTorch autograd + torch.optim", check, rtol=1e-6, why=TRAINING)],
    )
steps_axis = np.arange(TRAIN_STEPS)
curve_panels(
    [
        ("training step", "cross-entropy loss", {k: (steps_axis, r[0]) for k, r in runs.items()}),
        ("training step", "‖θ‖ (all parameters)", {k: (steps_axis, r[1]) for k, r in runs.items()}),
    ],
    results.out / "decay_training.svg",
    yscale=("log", "linear"),
)

# %% [markdown]
# ## Four optimizers in a curved valley
#
# Rosenbrock's $f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$ has its minimum at $(1, 1)$ at the
# bottom of a long, curved, steep-sided valley: its Hessian there has a condition number
# near 2500. From $(-1.5, 2)$, 1000 steps each, with gradients from our engine.


# %%
def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


START, ROSEN_STEPS = np.array([-1.5, 2.0]), 1000
OPTIMIZERS = {
    "SGD, α = 1e-3": (SGD, torch.optim.SGD, {"lr": 1e-3}),
    "momentum 0.9, α = 1e-3": (SGD, torch.optim.SGD, {"lr": 1e-3, "momentum": 0.9}),
    "Adam, α = 0.05": (Adam, torch.optim.Adam, {"lr": 0.05}),
    "AdamW, α = 0.05, λ = 0.1": (AdamW, torch.optim.AdamW, {"lr": 0.05, "weight_decay": 0.1}),
}
rosenbrock_grad = value_and_grad(rosenbrock)


def path(cls: type, hyper: dict) -> np.ndarray:
    """The points visited by our optimizer, driven by our engine's gradients."""
    p = Tensor(START.copy(), requires_grad=True)
    optimizer, points = cls([p], **hyper), [START.copy()]
    for _ in range(ROSEN_STEPS):
        _, p.grad = rosenbrock_grad(p.data)
        optimizer.step()
        points.append(p.data.copy())
    return np.array(points)


def torch_end(cls: type, hyper: dict) -> np.ndarray:
    p = torch.tensor(START, requires_grad=True)
    optimizer = cls([p], **hyper)
    for _ in range(ROSEN_STEPS):
        optimizer.zero_grad()
        rosenbrock(p).backward()
        optimizer.step()
    return p.detach().numpy()


x0, y0 = START
closed_grad = np.array([-2 * (1 - x0) - 400 * x0 * (y0 - x0**2), 200 * (y0 - x0**2)])
paths = {name: path(ours_, hyper) for name, (ours_, _, hyper) in OPTIMIZERS.items()}
ends = {name: torch_end(theirs, hyper) for name, (_, theirs, hyper) in OPTIMIZERS.items()}
rosenbrock_grad(START)[1], closed_grad, {name: (p[-1], ends[name]) for name, p in paths.items()}

# %%
for (name, points), key in zip(paths.items(), ("sgd", "momentum", "adam", "adamw")):
    end = points[-1]
    results.record(
        f"rosenbrock_{key}",
        float(np.hypot(*(end - 1))),
        title=f"{name}: distance from (1, 1) after {ROSEN_STEPS} steps",
        fmt=".4f",
        checks=[
            Check(
                "torch autograd + torch.optim",
                float(np.hypot(*(ends[name] - 1))),
                rtol=1e-8,
                why="1000 steps of the same arithmetic, differently ordered: round-off, amplified",
            )
        ],
    )
trajectories(rosenbrock, paths, results.out / "rosenbrock.svg", minimum=(1.0, 1.0))

# %%
results.write()
