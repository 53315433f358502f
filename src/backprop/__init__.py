"""backprop: reverse-mode automatic differentiation on NumPy, checked against independent oracles.

Tensor, gradients and grad / value_and_grad / hvp / hessian (reverse mode, to any order), jvp
(forward mode, dual numbers).

Importing it fixes glibc malloc's thresholds (backprop.allocator: a training step would otherwise
page-fault its buffers in afresh every step); BACKPROP_MALLOC=system leaves them alone.
"""

from backprop.allocator import keep_freed_memory
from backprop.engine import Tensor, gradients
from backprop.forward import jvp
from backprop.functional import grad, hessian, hvp, value_and_grad

keep_freed_memory()

__all__ = ["Tensor", "grad", "gradients", "hessian", "hvp", "jvp", "value_and_grad"]
