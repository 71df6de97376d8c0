"""Vanishing gradients (notebook 08): the gradient through a deep chain of one activation.

NumPy only. :func:`chain_gradient` multiplies the derivatives along a chain of single neurons;
the same effect in a real Keras network is :func:`cnnlab.networks.layer_gradient_norms`.
"""

from __future__ import annotations

import numpy as np

from .._validate import check_int, describe
from ..activations import ACTIVATIONS

__all__ = ["chain_gradient", "check_activation"]


def check_activation(activation):
    """The pair ``(f, f')`` of :data:`cnnlab.activations.ACTIVATIONS` named ``activation``.

    Raises a ValueError listing the names when ``activation`` is not one of them.

    Examples
    --------
    >>> f, df = check_activation("relu")
    >>> float(f(np.array([-2.0]))[0]), float(df(np.array([3.0]))[0])
    (0.0, 1.0)
    """
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {tuple(ACTIVATIONS)}; got {describe(activation)}."
        )
    return ACTIVATIONS[activation]


def chain_gradient(activation, depth, *, x0=1.0, weight=1.0, bias=0.0, beta=1.0):
    """Gradient of the output of each layer of a chain with respect to its input.

    The chain is :math:`x_l = f(w\\,x_{l-1} + b)` for :math:`l = 1, \\dots, L`, one neuron per
    layer. By the chain rule

    .. math:: \\frac{\\partial x_l}{\\partial x_0} = \\prod_{m=1}^{l} w\\, f'(w\\,x_{m-1} + b),

    a product of ``l`` factors: if every factor is below 1 (the sigmoid's derivative is at most
    0.25) the product shrinks exponentially with depth, the *vanishing gradient*.

    Parameters
    ----------
    activation : {"relu", "softplus", "sigmoid", "tanh"}
    depth : int >= 1
        Number of layers :math:`L`.
    x0 : float, default 1.0
        The input :math:`x_0`.
    weight, bias : float, default 1.0 and 0.0
        The same :math:`w` and :math:`b` in every layer.
    beta : float, default 1.0
        Sharpness of softplus (ignored by the other activations).

    Returns
    -------
    ndarray, shape (depth,)
        :math:`\\partial x_l / \\partial x_0` for :math:`l = 1, \\dots, L`.

    Examples
    --------
    >>> chain_gradient("relu", 3)
    array([1., 1., 1.])
    >>> chain_gradient("sigmoid", 3, x0=0.0, weight=1.0).round(4)
    array([0.25  , 0.0587, 0.0135])
    """
    f, df = check_activation(activation)
    n = check_int(depth, "depth")
    kwargs = {"beta": beta} if activation == "softplus" else {}
    x, grad = float(x0), 1.0
    out = np.empty(n)
    for layer in range(n):
        z = weight * x + bias
        grad *= weight * float(df(np.array([z]), **kwargs)[0])
        x = float(f(np.array([z]), **kwargs)[0])
        out[layer] = grad
    return out
