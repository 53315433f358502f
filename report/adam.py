# %% [markdown]
# # Exercise 2 · Adam's first two steps, executed
#
# We run our `backprop.optim.Adam` for two steps from $m_0 = v_0 = 0$ on a two-component
# parameter, with the gradients fixed in advance, and compare every step with
# `torch.optim.Adam` and with the closed forms derived on the page.

# %%
import numpy as np
import torch

from backprop import Tensor
from backprop.optim import Adam
from report.results import Check, Claim, Registry

results = Registry("adam", page="adam.md")
LR, BETA1, BETA2, EPS = (
    1.0,
    0.9,
    0.999,
    1e-8,
)  # the sheet's α, β, δ, ε (lr = 1: steps read directly)
G1 = np.array([3.0, -0.5])  # first gradient g¹
G2 = np.array([1.0, 2.0])  # second gradient g²

# %% [markdown]
# ## Our optimizer and PyTorch's, step by step
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
step1, torch1, step2, torch2

# %% [markdown]
# ## The closed forms
#
# First step: $\hat m_1 = g_1$, $\hat v_1 = g_1^2$, so $\Delta_1 = -\alpha\, g_1/(|g_1| + \varepsilon)$.
# Second step: since $1 - \beta^2 = (1 - \beta)(1 + \beta)$,
# $\hat m_2 = (\beta g_1 + g_2)/(1 + \beta)$ and $\hat v_2 = (\delta g_1^2 + g_2^2)/(1 + \delta)$.
# The sheet divides by $1 - \beta$ and $1 - \delta$ instead.

# %%
first_closed = -LR * G1 / (np.abs(G1) + EPS)
m_hat2 = (BETA1 * G1 + G2) / (1 + BETA1)
v_hat2 = (BETA2 * G1**2 + G2**2) / (1 + BETA2)
second_closed = -LR * m_hat2 / (np.sqrt(v_hat2) + EPS)

m_hat2_sheet = (BETA1 * G1 + G2) / (1 - BETA1)
v_hat2_sheet = (BETA2 * G1**2 + G2**2) / (1 - BETA2)
second_sheet = -LR * m_hat2_sheet / (np.sqrt(v_hat2_sheet) + EPS)
first_closed, second_closed, second_sheet

# %% [markdown]
# ## Recording the results
#
# PyTorch performs the same floating-point operations in a slightly different order, and the
# closed form a different but equivalent sequence: both agree with our optimizer to a few units
# in the last place, so relative $10^{-12}$.

# %%
ROUND_OFF = "the same few float64 operations, differently ordered: round-off near 1e-16"
SECOND_STEP_ERRATUM = (
    "The sheet's bias correction writes 1 − β² as (1 − β)(1 − β); it is (1 − β)(1 + β). So "
    "m̂₂ = (βg₁ + g₂)/(1 + β), not (βg₁ + g₂)/(1 − β), and likewise v̂₂ with δ: the sheet's m̂₂ is "
    "(1 + β)/(1 − β) times too large, its v̂₂ (1 + δ)/(1 − δ) times, and its step too small."
)
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
            where="2 c)",
            value=float(second_sheet[i]),
        ),
        erratum=SECOND_STEP_ERRATUM,
    )

# %% [markdown]
# The two steps side by side:

# %%
table = [
    "| | Component 1 | Component 2 |",
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

# %%
results.write()
