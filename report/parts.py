"""The sheet's eleven parts: what each asks, where the site answers it, and which results are
our answer. The home page's table of answers is generated from this and the registry: the
sheet's side and the verdict come from the claims recorded for the part (`Claim.where`).

The sheet's text holds only the students' answers, so each question is paraphrased from them.
`section` is the one place a part's link is set: point it at the part's heading; `lines` is the
one place its excerpt of the sheet is chosen (shown under that heading as "The sheet's answer")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One part of the sheet and our answer to it."""

    name: str  # "1a": exercise and letter, as in Claim.part
    question: str  # what the part asks, in a few words
    section: str  # the page and heading that answer it: "autodiff.md#a-the-chain-rule-by-hand"
    ours: tuple[tuple[str, str], ...] = ()  # (what, result key); no "what": one more value of it
    words: str = ""  # our answer in words, where it is not (only) a number
    quote: str = ""  # the sheet's answer in its own words, where it gives no number
    lines: tuple[int, int] | None = None  # first and last line of its answer in sheet/sheet.md

    @property
    def label(self) -> str:
        """The part as the sheet writes it: "1 a"."""
        return f"{self.name[0]} {self.name[1]}"


DERIVATIVES = (("∂f/∂x", "autodiff.df_dx"), ("∂f/∂c", "autodiff.df_dc"))

SHEET_PARTS = (
    Part(
        "1a",
        "∂f/∂x and ∂f/∂c at x = 3, c = 5, by hand",
        "autodiff.md#a-the-chain-rule-by-hand",
        ours=DERIVATIVES,
        lines=(48, 61),
    ),
    Part(
        "1b",
        "The same derivatives by reverse-mode autodiff",
        "autodiff.md#b-reverse-mode-step-by-step",
        ours=DERIVATIVES,
        words="one backward pass gives both",
    ),
    Part(
        "1c",
        "Symbolic differentiation against reverse mode",
        "autodiff.md#c-symbolic-versus-automatic",
        words="both apply the chain rule; reverse mode to numbers, reusing every intermediate value",
        quote="we're basically doing the same thing (chain rule)",
        lines=(63, 65),
    ),
    Part(
        "1d",
        "f and its gradient in PyTorch",
        "autodiff.md#d-pytorch-and-every-method-agrees",
        ours=(("f", "autodiff.f"), *DERIVATIVES),
        lines=(9, 36),
    ),
    Part(
        "2a",
        "What each line of Adam's update does",
        "adam.md#a-the-update-line-by-line",
        words="a running mean of g and of g², both bias-corrected; the step is their ratio",
        lines=(69, 80),
    ),
    Part(
        "2b",
        "Adam's first step",
        "adam.md#b-the-first-step",
        ours=(("step", "adam.first_step_1"), ("", "adam.first_step_2")),
        words="−α·sign(g₁) while |g₁| ≫ ε",
        quote="the components … will be just sign(ḡᵢ)",
        lines=(82, 90),
    ),
    Part(
        "2c",
        "Adam's second step: how g₁ and g₂ are weighted",
        "adam.md#c-the-second-step",
        ours=(
            ("step", "adam.second_step_1"),
            ("", "adam.second_step_2"),
            ("weights' sum", "adam.m_weight_sum"),
        ),
        lines=(92, 100),
    ),
    Part(
        "2d",
        "The start-up problem and a fix",
        "adam.md#d-the-start-up-problem",
        ours=(
            ("first step |Δθ₁|/α: Adam", "adam.startup_adam_first"),
            ("the sheet's m₀, v₀", "adam.startup_sheet_first"),
            ("v₀ = μ² + σ²", "adam.startup_v0_first"),
            ("warm-up", "adam.startup_warmup_first"),
        ),
        words="only a warm-up keeps the first steps below the steady ones",
        quote="set m̄₀ and v̂₀ to some small non-zero values",
        lines=(102, 108),
    ),
    Part(
        "2e",
        "L2 regularisation against decoupled weight decay",
        "adam.md#e-l2-regularisation-versus-decoupled-weight-decay",
        ours=(
            ("lowest held-out error: Adam + L2", "adam.decay_l2_best"),
            ("AdamW", "adam.decay_adamw_best"),
        ),
        words="they differ (Adam normalises the L2 term, not AdamW's decay); AdamW's gain here is "
        "under two standard errors",
        quote="yes, there is a difference; decoupled weight decay is better",
        lines=(110, 116),
    ),
    Part(
        "3a",
        "The receptive field of VGG16",
        "receptive-field.md#vgg16-layer-by-layer",
        ours=(("r", "cnn.rf_size"), ("S", "cnn.rf_stride"), ("P", "cnn.rf_padding")),
        lines=(122, 153),
    ),
    Part(
        "3b",
        "The parameters of VGG16",
        "parameters.md#vgg16-layer-by-layer",
        ours=(("total", "cnn.params_total"), ("conv / FC", "cnn.params_ratio")),
        lines=(155, 165),
    ),
)
