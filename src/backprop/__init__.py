"""backprop: reverse-mode automatic differentiation on NumPy, checked against independent oracles.

Tensor, gradients and grad / value_and_grad / hvp / hessian (reverse mode, to any order), jvp
(forward mode, dual numbers).
"""

from backprop.engine import Tensor, gradients
from backprop.forward import jvp
from backprop.functional import grad, hessian, hvp, value_and_grad

__all__ = ["Tensor", "grad", "gradients", "hessian", "hvp", "jvp", "value_and_grad"]
