"""backprop: reverse-mode automatic differentiation on NumPy, checked against independent oracles.

Tensor and grad / value_and_grad (reverse mode), jvp (forward mode, dual numbers).
"""

from backprop.engine import Tensor
from backprop.forward import jvp
from backprop.functional import grad, value_and_grad

__all__ = ["Tensor", "grad", "jvp", "value_and_grad"]
