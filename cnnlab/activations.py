"""Activation functions and their derivatives, numerically stable, in NumPy.

Every function takes an array of any shape and returns an array of the same shape (floating
point; integer input is converted first). The derivatives are with respect to the input ``x``
and match what ``tf.GradientTape`` reports (at ``x = 0`` ReLU's derivative is 0, as in
TensorFlow).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_real, describe, is_int

__all__ = [
    "ACTIVATIONS",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "softplus",
    "softplus_derivative",
    "tanh",
    "tanh_derivative",
]


def _check_beta(beta):
    return check_real(beta, "beta", low=0, low_open=True, what="the sharpness")


def relu(x):
    """Rectified linear unit :math:`\\max(0, x)`.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``x``

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    xa = as_float_array(x, "x")
    return np.maximum(xa, 0, dtype=xa.dtype)


def relu_derivative(x):
    """Derivative of :func:`relu`: 1 where ``x > 0``, else 0 (0 at ``x = 0``, like TensorFlow).

    Examples
    --------
    >>> relu_derivative([-1.0, 0.0, 2.0])
    array([0., 0., 1.])
    """
    xa = as_float_array(x, "x")
    return (xa > 0).astype(xa.dtype)


def sigmoid(x):
    """Logistic function :math:`1 / (1 + e^{-x})`, without overflow for large ``|x|``.

    Examples
    --------
    >>> sigmoid([0.0, 1000.0, -1000.0])
    array([0.5, 1. , 0. ])
    """
    xa = as_float_array(x, "x")
    e = np.exp(-np.abs(xa))  # in (0, 1]: never overflows
    return np.where(xa >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(xa.dtype, copy=False)


def sigmoid_derivative(x):
    """Derivative of :func:`sigmoid`: :math:`\\sigma(x)(1 - \\sigma(x))`, at most 0.25.

    Computed as :math:`e^{-|x|} / (1 + e^{-|x|})^2` (the same value), which keeps its
    precision where :math:`\\sigma(x)` rounds to 1.

    Examples
    --------
    >>> sigmoid_derivative([0.0])
    array([0.25])
    """
    xa = as_float_array(x, "x")
    e = np.exp(-np.abs(xa))  # in (0, 1]: never overflows
    return e / ((1.0 + e) * (1.0 + e))


def softplus(x, beta=1.0):
    """Softplus :math:`\\ln(1 + e^{\\beta x}) / \\beta`: a smooth version of ReLU.

    Computed as ``logaddexp(0, beta * x) / beta``, which never overflows. Larger ``beta``
    (sharpness) brings it closer to ReLU.

    Parameters
    ----------
    x : array_like, any shape
    beta : float > 0, default 1

    Examples
    --------
    >>> softplus([0.0, 1000.0]).round(4).tolist()
    [0.6931, 1000.0]
    """
    xa = as_float_array(x, "x")
    b = _check_beta(beta)
    return (np.logaddexp(0.0, b * xa) / b).astype(xa.dtype, copy=False)


def softplus_derivative(x, beta=1.0):
    """Derivative of :func:`softplus`: the logistic function :math:`\\sigma(\\beta x)`.

    Examples
    --------
    >>> softplus_derivative([0.0])
    array([0.5])
    """
    xa = as_float_array(x, "x")
    return sigmoid(_check_beta(beta) * xa).astype(xa.dtype, copy=False)


def tanh(x):
    """Hyperbolic tangent, squashing into (-1, 1).

    Examples
    --------
    >>> tanh([0.0])
    array([0.])
    """
    return np.tanh(as_float_array(x, "x"))


def tanh_derivative(x):
    """Derivative of :func:`tanh`: :math:`1 - \\tanh^2(x)`, at most 1.

    Computed as :math:`4 e^{-2|x|} / (1 + e^{-2|x|})^2` (the same value), which keeps its
    precision where :math:`\\tanh(x)` rounds to :math:`\\pm 1`.

    Examples
    --------
    >>> tanh_derivative([0.0])
    array([1.])
    """
    xa = as_float_array(x, "x")
    e = np.exp(-2.0 * np.abs(xa))  # in (0, 1]: never overflows
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def softmax(x, axis=-1):
    """Softmax :math:`e^{x_i} / \\sum_j e^{x_j}` along ``axis``: scores to probabilities.

    The maximum is subtracted first, so large scores do not overflow. The result is positive
    and sums to 1 along ``axis``.

    Parameters
    ----------
    x : array_like, shape (..., classes)
    axis : int, default -1

    Examples
    --------
    >>> softmax([1.0, 2.0, 3.0]).round(4)
    array([0.09  , 0.2447, 0.6652])
    >>> float(softmax([1000.0, 1000.0]).sum())
    1.0
    """
    xa = as_float_array(x, "x")
    if xa.ndim == 0:
        raise ValueError("x must have at least one dimension (the scores); got a scalar.")
    if not is_int(axis):
        raise TypeError(f"axis must be an integer (the axis of the scores); got {describe(axis)}.")
    if not -xa.ndim <= axis < xa.ndim:
        raise ValueError(
            f"axis must be in [{-xa.ndim}, {xa.ndim - 1}] for shape {xa.shape}; got {axis}."
        )
    z = np.exp(xa - np.max(xa, axis=axis, keepdims=True))
    return z / np.sum(z, axis=axis, keepdims=True)


#: name -> (function, derivative), for explorers and notebooks.
ACTIVATIONS = {
    "relu": (relu, relu_derivative),
    "softplus": (softplus, softplus_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
}
