"""Loss functions like Keras's, in NumPy.

Each takes ``y_true`` and ``y_pred`` of shape ``(..., classes)`` (or ``(..., outputs)``),
computes one value per sample over the last axis, then averages over the samples like a Keras
loss object with its default reduction (``"sum_over_batch_size"``). Pass
``reduction="none"`` for the per-sample values (what ``keras.losses.mean_squared_error`` and
friends return).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, describe

__all__ = ["EPSILON", "categorical_crossentropy", "hinge", "mse"]

#: Keras's fuzz factor (``keras.config.epsilon()``), used to clip probabilities.
EPSILON = 1e-7


def _pair(y_true, y_pred):
    t = as_float_array(y_true, "y_true")
    p = as_float_array(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got {t.shape} and {p.shape}."
        )
    if t.ndim == 0:
        raise ValueError("y_true and y_pred must have at least one dimension; got scalars.")
    dtype = np.result_type(t, p)
    return t.astype(dtype, copy=False), p.astype(dtype, copy=False)


def _reduce(per_sample, reduction):
    if reduction == "mean":
        return per_sample.mean()
    if reduction == "none":
        return per_sample
    raise ValueError(f"reduction must be 'mean' or 'none'; got {describe(reduction)}.")


def mse(y_true, y_pred, *, reduction="mean"):
    """Mean squared error :math:`\\frac{1}{K}\\sum_k (y_k - \\hat y_k)^2` (for regression).

    Parameters
    ----------
    y_true, y_pred : array_like, shape (..., K)
    reduction : {"mean", "none"}, default "mean"

    Returns
    -------
    float, or ndarray of shape (...) with ``reduction="none"``

    Examples
    --------
    >>> float(mse([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """
    t, p = _pair(y_true, y_pred)
    return _reduce(np.mean((t - p) ** 2, axis=-1), reduction)


def hinge(y_true, y_pred, *, reduction="mean"):
    """Hinge loss :math:`\\frac{1}{K}\\sum_k \\max(0, 1 - y_k \\hat y_k)` (as in SVMs).

    Labels are -1 or 1; labels given as 0/1 are converted to -1/1 first, as Keras does.

    Examples
    --------
    >>> float(hinge([[1.0, -1.0]], [[0.3, -2.0]]))
    0.35
    """
    t, p = _pair(y_true, y_pred)
    if np.all((t == 0) | (t == 1)):
        t = 2.0 * t - 1.0
    return _reduce(np.mean(np.maximum(1.0 - t * p, 0.0), axis=-1), reduction)


def categorical_crossentropy(y_true, y_pred, *, from_logits=False, reduction="mean"):
    """Cross-entropy :math:`-\\sum_k y_k \\ln \\hat p_k` between one-hot labels and probabilities.

    As in Keras, probabilities are rescaled to sum to 1 and clipped to
    ``[EPSILON, 1 - EPSILON]`` so that a zero probability gives a large finite loss instead of
    infinity. With ``from_logits=True`` the scores go through a stable log-softmax instead.

    Parameters
    ----------
    y_true : array_like, shape (..., classes)
        One-hot (or soft) labels.
    y_pred : array_like, shape (..., classes)
        Predicted probabilities (or scores with ``from_logits=True``).

    Examples
    --------
    >>> round(float(categorical_crossentropy([[0, 1, 0]], [[0.1, 0.8, 0.1]])), 6)
    0.223144
    """
    t, p = _pair(y_true, y_pred)
    if from_logits:
        shifted = p - p.max(axis=-1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    else:
        p = p / p.sum(axis=-1, keepdims=True)
        log_p = np.log(np.clip(p, EPSILON, 1.0 - EPSILON))
    return _reduce(-np.sum(t * log_p, axis=-1), reduction)
