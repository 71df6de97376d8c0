"""Fully connected layers in NumPy: flatten, dense and (inverted) dropout.

``flatten`` turns feature maps into one vector per example in Keras's row-major order,
``dense`` is the matrix product ``x @ weights + bias``, and ``dropout`` zeroes a random
fraction of the values while training, scaling the rest so the expected value is unchanged.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_real, describe, is_int

__all__ = ["dense", "dropout", "flatten"]


def flatten(x, *, batch=None):
    """Flatten feature maps into a vector, keeping the batch axis of a batch.

    Parameters
    ----------
    x : ndarray, shape (H, W), (H, W, C) or (N, H, W, C)
    batch : bool, optional
        Whether the first axis is a batch axis. By default a 4-D array is a batch
        ``(N, H, W, C)`` and anything else is one example.

    Returns
    -------
    ndarray, shape (H*W*C,) for one example or (N, H*W*C) for a batch
        In row-major (C) order, like ``keras.layers.Flatten`` with channels_last.

    Examples
    --------
    >>> flatten(np.zeros((28, 28))).shape
    (784,)
    >>> flatten(np.zeros((5, 4, 4, 8))).shape
    (5, 128)
    """
    arr = np.asarray(x)
    if arr.ndim == 0:
        raise ValueError("x must have at least one dimension; got a scalar.")
    is_batch = arr.ndim == 4 if batch is None else bool(batch)
    if is_batch:
        if arr.ndim < 2:
            raise ValueError(f"batch=True needs at least 2 dimensions; got shape {arr.shape}.")
        return arr.reshape(arr.shape[0], -1)
    return arr.reshape(-1)


def dense(x, weights, bias=None):
    """Fully connected layer: ``x @ weights + bias``.

    Parameters
    ----------
    x : ndarray, shape (n_in,) or (N, n_in)
        One flattened example or a batch of them.
    weights : ndarray, shape (n_in, units)
        One column of weights per output neuron (Keras's ``kernel``).
    bias : ndarray, shape (units,), optional

    Returns
    -------
    ndarray, shape (units,) or (N, units)
        One score per output neuron (per class, for the last layer).

    Examples
    --------
    >>> dense([1.0, 2.0], [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], bias=[0.5, 0.5, 0.0])
    array([1.5, 2.5, 3. ])
    """
    xa = as_float_array(x, "x", ndims=(1, 2))
    wa = as_float_array(weights, "weights", ndims=(2,))
    if xa.shape[-1] != wa.shape[0]:
        raise ValueError(
            f"x has {xa.shape[-1]} features (shape {xa.shape}) but weights has shape {wa.shape}; "
            f"weights must be (n_in, units) with n_in = {xa.shape[-1]}."
        )
    out = xa @ wa
    if bias is not None:
        ba = as_float_array(bias, "bias")
        if ba.shape not in ((), (wa.shape[1],)):
            raise ValueError(
                f"bias must have shape ({wa.shape[1]},), one per unit; got shape {ba.shape}."
            )
        out = out + ba
    return out


def _as_rng(rng):
    valid = "rng must be None, a non-negative integer seed or a numpy Generator"
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is not None and not is_int(rng):
        raise TypeError(f"{valid}; got {describe(rng)}.")
    if rng is not None and rng < 0:
        raise ValueError(f"{valid}; got {rng!r}.")
    return np.random.default_rng(rng)


def dropout(x, rate, *, training=True, rng=None, return_mask=False):
    """Inverted dropout, like ``keras.layers.Dropout``.

    During training each value is zeroed with probability ``rate`` and the survivors are
    scaled by ``1 / (1 - rate)``, so the expected value of every unit is unchanged. At
    inference (``training=False``) it is the identity.

    Parameters
    ----------
    x : ndarray, any shape
    rate : real number in [0, 1)
        Fraction of values to drop (a float or a ``fractions.Fraction``).
    training : bool, default True
    rng : None, int or numpy.random.Generator
        Source of randomness (an int seeds a new generator).
    return_mask : bool, default False
        Also return the boolean keep-mask (True = kept).

    Returns
    -------
    ndarray (and the mask if ``return_mask``), same shape as ``x``

    Examples
    --------
    >>> y = dropout(np.ones((2, 4)), 0.5, rng=0)
    >>> sorted(set(y.ravel().tolist()))
    [0.0, 2.0]
    >>> dropout(np.ones(3), 0.5, training=False)
    array([1., 1., 1.])
    """
    xa = as_float_array(x, "x")
    rate = check_real(rate, "rate", low=0, high=1, high_open=True, what="the fraction dropped")
    generator = _as_rng(rng)
    if not training or rate == 0:
        mask = np.ones(xa.shape, dtype=bool)
        return (xa.copy(), mask) if return_mask else xa.copy()
    mask = generator.random(xa.shape) >= rate
    out = np.where(mask, xa / (1.0 - rate), 0.0).astype(xa.dtype, copy=False)
    return (out, mask) if return_mask else out
