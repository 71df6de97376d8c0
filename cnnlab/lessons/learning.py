"""How a network learns (notebook 06): a loss, its gradient, and gradient descent, in NumPy.

Everything here trains or inspects one convolution layer ``Y = conv2d(X, W) + b`` with the
mean squared error against a target map, using the backward pass of :mod:`cnnlab.conv_backward`:

* :func:`conv_mse`: the loss of one layer and every gradient of it (a :class:`ConvLoss`);
* :func:`descend`: plain gradient descent on that loss, step by step (a :class:`Descent`);
* :func:`numerical_gradient`: central finite differences, to check any analytic gradient;
* :func:`edge_data`: small crops of a photograph and their noisy vertical-Sobel maps, split into a
  training and a validation set;
* :func:`train_conv`: mini-batches and epochs with plain gradient descent or Adam, measuring the
  training and validation loss after every epoch (a :class:`TrainingRun`);
* :func:`optimizer_path`: plain gradient descent and Adam on a long, narrow valley (a quadratic),
  where Adam's per-weight step sizes make the difference visible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, check_int, check_real
from ..conv import conv2d
from ..conv_backward import conv2d_backward
from ..images import load_image
from ..kernels import sobel_vertical

__all__ = [
    "OPTIMIZERS",
    "ConvLoss",
    "Descent",
    "TrainingRun",
    "conv_mse",
    "descend",
    "edge_data",
    "numerical_gradient",
    "optimizer_path",
    "train_conv",
    "valley",
]

#: The optimisers :func:`train_conv` and :func:`optimizer_path` know.
OPTIMIZERS = ("gd", "adam")


@dataclass(frozen=True, eq=False)
class ConvLoss:
    """The mean squared error of one convolution layer and its gradients (:func:`conv_mse`).

    Attributes
    ----------
    loss : float
        :math:`L = \\frac{1}{M}\\sum (Y - T)^2` over the M output values.
    output : ndarray
        :math:`Y = \\mathrm{conv2d}(X, W) + b`.
    grad_output : ndarray, the shape of ``output``
        :math:`\\partial L / \\partial Y = \\frac{2}{M}(Y - T)`, the upstream gradient.
    grad_x, grad_kernel : ndarray
        :math:`\\partial L / \\partial X` and :math:`\\partial L / \\partial W`
        (:func:`cnnlab.conv2d_backward`).
    grad_bias : float
        :math:`\\partial L / \\partial b`, the sum of ``grad_output``.
    """

    loss: float
    output: np.ndarray
    grad_output: np.ndarray
    grad_x: np.ndarray
    grad_kernel: np.ndarray
    grad_bias: float


def conv_mse(x, kernel, target, bias=0.0, *, stride=1, padding="valid"):
    """The mean squared error of ``conv2d(x, kernel) + bias`` against ``target``, with gradients.

    Parameters
    ----------
    x : ndarray, shape (H, W) or (N, H, W, 1)
        The input (one image, or a batch of one-channel images).
    kernel : ndarray, shape (kh, kw) for a 2-D ``x``, (kh, kw, 1, 1) for a batch
    target : ndarray, the shape of the convolution's output
    bias : float, default 0
    stride, padding :
        As for :func:`cnnlab.conv2d`.

    Returns
    -------
    ConvLoss

    Examples
    --------
    >>> x = np.arange(9.0).reshape(3, 3)
    >>> r = conv_mse(x, np.ones((2, 2)), np.zeros((2, 2)))
    >>> r.output
    array([[ 8., 12.],
           [20., 24.]])
    >>> r.loss, r.grad_bias
    (296.0, 32.0)
    """
    x = as_float_array(x, "x", ndims=(2, 4), min_dtype=np.float64)
    kernel = as_float_array(kernel, "kernel", ndims=(2, 4), min_dtype=np.float64)
    b = check_real(bias, "bias", what="the bias added to every output value")
    y = conv2d(x, kernel, stride=stride, padding=padding) + b
    t = as_float_array(target, "target", min_dtype=np.float64)
    if t.shape != y.shape:
        raise ValueError(
            f"target must have the shape of the convolution's output, {y.shape} (input "
            f"{x.shape}, kernel {kernel.shape}, stride {stride!r}, padding {padding!r}); got "
            f"shape {t.shape}."
        )
    g = 2.0 / y.size * (y - t)
    gx, gk, gb = conv2d_backward(x, kernel, g, stride=stride, padding=padding)
    return ConvLoss(
        loss=float(np.mean((y - t) ** 2)),
        output=y,
        grad_output=g,
        grad_x=gx,
        grad_kernel=gk,
        grad_bias=float(np.sum(gb)),
    )


@dataclass(frozen=True, eq=False)
class Descent:
    """Plain gradient descent on one convolution layer, every step kept (:func:`descend`).

    Attributes
    ----------
    kernels : ndarray, shape (S + 1, kh, kw)
        The kernel before the first step (row 0) and after each of the S steps.
    biases, losses : ndarray, shape (S + 1,)
        The bias and the loss at the same moments.
    learning_rate : float
    """

    kernels: np.ndarray
    biases: np.ndarray
    losses: np.ndarray
    learning_rate: float

    @property
    def diverged(self) -> bool:
        """Whether the loss grew instead of shrinking (or overflowed)."""
        last = self.losses[-1]
        return bool(not np.isfinite(last) or last > self.losses[0])


def descend(x, target, kernel, *, learning_rate, steps, bias=0.0, stride=1, padding="valid"):
    """Gradient descent on :func:`conv_mse`: ``W ← W − η ∂L/∂W`` and ``b ← b − η ∂L/∂b``.

    Parameters
    ----------
    x, target, kernel, bias, stride, padding :
        As for :func:`conv_mse` (``kernel`` and ``bias`` are the starting point).
    learning_rate : float > 0
        The step size η.
    steps : int >= 0

    Returns
    -------
    Descent
        A run whose loss overflows stops early and keeps its last finite step and ``inf``.

    Examples
    --------
    >>> x = np.random.default_rng(1).normal(size=(5, 5))
    >>> t = conv2d(x, np.array([[1.0, -1.0]]))
    >>> run = descend(x, t, np.zeros((1, 2)), learning_rate=0.3, steps=100)
    >>> round(float(run.losses[0]), 3), bool(run.losses[-1] < 1e-12), run.kernels[-1].round(6).tolist()
    (1.501, True, [[1.0, -1.0]])
    >>> descend(x, t, np.zeros((1, 2)), learning_rate=1.0, steps=100).diverged
    True
    """
    rate = check_real(learning_rate, "learning_rate", low=0, low_open=True, what="the step size")
    steps = check_int(steps, "steps", minimum=0)
    w = as_float_array(kernel, "kernel", ndims=(2,), min_dtype=np.float64).copy()
    b = check_real(bias, "bias", what="the bias added to every output value")
    kernels, biases, losses = [w.copy()], [b], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            r = conv_mse(x, w, target, b, stride=stride, padding=padding)
            losses.append(r.loss)
            if not np.isfinite(r.loss) or r.loss > 1e30:
                break
            w = w - rate * r.grad_kernel
            b = b - rate * r.grad_bias
            kernels.append(w.copy())
            biases.append(b)
        else:
            losses.append(conv_mse(x, w, target, b, stride=stride, padding=padding).loss)
    losses = np.array(losses[: len(kernels)])
    if not np.isfinite(losses[-1]) or losses[-1] > 1e30:
        losses[-1] = np.inf
    return Descent(np.array(kernels), np.array(biases), losses, rate)


def numerical_gradient(f: Callable, w, eps=1e-5) -> np.ndarray:
    """Central finite differences: ``(f(w + ε e_i) − f(w − ε e_i)) / 2ε`` for every entry.

    Parameters
    ----------
    f : callable
        ``f(w) -> float``, the loss as a function of the array ``w``.
    w : ndarray
        Where to take the gradient (not changed).
    eps : float, default 1e-5

    Returns
    -------
    ndarray of float64, the shape of ``w``

    Examples
    --------
    >>> numerical_gradient(lambda v: float(np.sum(v**2)), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    if not callable(f):
        raise TypeError(f"f must be a function of the array w; got {type(f).__name__}.")
    w = as_float_array(w, "w", min_dtype=np.float64)
    h = check_real(eps, "eps", low=0, low_open=True, what="the finite-difference step")
    grad = np.zeros_like(w)
    for i in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (float(f(up)) - float(f(down))) / (2 * h)
    return grad


def edge_data(n_train=24, n_val=24, *, side=12, noise=0.1, seed=0):
    """Crops of the camera photograph and their vertical-Sobel maps plus noise.

    The task of :func:`train_conv`: find the 3×3 kernel that turns each crop into its target.
    Crops are standardised (zero mean, unit variance each), so plain gradient descent is not
    hopelessly slow; the noise means no kernel fits exactly, as with real labels.

    Parameters
    ----------
    n_train, n_val : int
        Number of training and validation crops (different, non-overlapping crops).
    side : int, default 12
        Crops are ``side × side``; targets ``(side − 2) × (side − 2)`` ('valid' 3×3).
    noise : float >= 0, default 0.1
        Standard deviation of the Gaussian noise added to the targets.
    seed : int, default 0

    Returns
    -------
    x_train : ndarray, shape (n_train, side, side, 1)
    t_train : ndarray, shape (n_train, side − 2, side − 2, 1)
    x_val, t_val : the same for the validation set

    Examples
    --------
    >>> x_tr, t_tr, x_va, t_va = edge_data(4, 2, side=8)
    >>> x_tr.shape, t_tr.shape, x_va.shape
    ((4, 8, 8, 1), (4, 6, 6, 1), (2, 8, 8, 1))
    """
    n_train = check_int(n_train, "n_train")
    n_val = check_int(n_val, "n_val")
    side = check_int(side, "side", minimum=3)
    noise = check_real(noise, "noise", low=0, what="the noise's standard deviation")
    image = load_image("camera")
    per_row = image.shape[1] // side
    available = (image.shape[0] // side) * per_row
    if n_train + n_val > available:
        raise ValueError(
            f"n_train + n_val must be at most {available} (the {side}×{side} crops of the "
            f"{image.shape[0]}×{image.shape[1]} camera image); got {n_train + n_val}."
        )
    rng = np.random.default_rng(seed)
    picks = rng.permutation(available)[: n_train + n_val]
    crops = np.stack(
        [
            image[(p // per_row) * side : (p // per_row + 1) * side, (p % per_row) * side :][
                :, :side
            ]
            for p in picks
        ]
    ).astype(np.float64)
    crops -= crops.mean(axis=(1, 2), keepdims=True)
    crops /= crops.std(axis=(1, 2), keepdims=True) + 1e-8
    x = crops[..., None]
    t = conv2d(x, sobel_vertical()[:, :, None, None])
    t = t + noise * rng.normal(size=t.shape)
    return x[:n_train], t[:n_train], x[n_train:], t[n_train:]


@dataclass(frozen=True, eq=False)
class TrainingRun:
    """What :func:`train_conv` measured.

    Attributes
    ----------
    kernel : ndarray, shape (kh, kw)
        The kernel after the last epoch.
    train_loss, val_loss : ndarray, shape (epochs + 1,)
        The loss on the whole training set and on the validation set before training (entry
        0) and after every epoch.
    steps_per_epoch : int
        Mini-batches per epoch: ⌈n_train / batch_size⌉.
    optimizer : str
    """

    kernel: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    steps_per_epoch: int
    optimizer: str


class _Adam:
    """Adam's update (Kingma and Ba 2015), in the form Keras computes it.

    Running averages of the gradient (``m``) and of its square (``v``); the step is
    ``α m / (√v + ε)`` with the bias correction ``α = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)``.
    """

    def __init__(self, shape, rate, beta1=0.9, beta2=0.999, eps=1e-7):
        self.m, self.v = np.zeros(shape), np.zeros(shape)
        self.rate, self.beta1, self.beta2, self.eps, self.t = rate, beta1, beta2, eps, 0

    def step(self, grad):
        """The change to subtract from the weights for this gradient."""
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grad
        self.v = self.beta2 * self.v + (1 - self.beta2) * grad**2
        alpha = self.rate * np.sqrt(1 - self.beta2**self.t) / (1 - self.beta1**self.t)
        return alpha * self.m / (np.sqrt(self.v) + self.eps)


def _check_optimizer(optimizer):
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}; got {optimizer!r}.")
    return optimizer


def train_conv(
    x_train,
    t_train,
    x_val,
    t_val,
    *,
    kernel_size=3,
    epochs=20,
    batch_size=8,
    learning_rate=0.01,
    optimizer="gd",
    seed=0,
):
    """Train one kernel (no bias) with mini-batches and epochs; measure both losses per epoch.

    Every epoch shuffles the training examples and takes one step per mini-batch of
    ``batch_size`` examples, on the gradient of the mean squared error of that batch
    (:func:`conv_mse`); the validation set is never used for a step, only measured.

    Parameters
    ----------
    x_train, t_train, x_val, t_val : ndarray
        As :func:`edge_data` returns them: (N, H, W, 1) inputs and their 'valid' targets.
    kernel_size : int, default 3
    epochs : int, default 20
    batch_size : int, default 8
        ``len(x_train)`` gives full-batch gradient descent (one step per epoch).
    learning_rate : float, default 0.01
    optimizer : {"gd", "adam"}, default "gd"
        Plain gradient descent ``W ← W − η g``, or Adam (Keras's defaults β₁ = 0.9,
        β₂ = 0.999, ε = 1e-7).
    seed : int, default 0
        Seeds the initial kernel (normal, standard deviation 0.1) and the shuffling.

    Returns
    -------
    TrainingRun

    Examples
    --------
    >>> data = edge_data(8, 8, side=8)
    >>> run = train_conv(*data, epochs=5, batch_size=4, learning_rate=0.05)
    >>> run.steps_per_epoch, run.train_loss.shape, bool(run.train_loss[-1] < run.train_loss[0])
    (2, (6,), True)
    """
    k = check_int(kernel_size, "kernel_size")
    epochs = check_int(epochs, "epochs", minimum=0)
    batch = check_int(batch_size, "batch_size")
    rate = check_real(learning_rate, "learning_rate", low=0, low_open=True, what="the step size")
    optimizer = _check_optimizer(optimizer)
    x_train = as_float_array(x_train, "x_train", ndims=(4,), min_dtype=np.float64)
    x_val = as_float_array(x_val, "x_val", ndims=(4,), min_dtype=np.float64)
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 0.1, (k, k, 1, 1))
    adam = _Adam(w.shape, rate) if optimizer == "adam" else None

    def loss(x, t):
        return conv_mse(x, w, t).loss

    train, val = [loss(x_train, t_train)], [loss(x_val, t_val)]
    n = len(x_train)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            g = conv_mse(x_train[idx], w, t_train[idx]).grad_kernel
            w = w - (rate * g if adam is None else adam.step(g))
        train.append(loss(x_train, t_train))
        val.append(loss(x_val, t_val))
    return TrainingRun(w[:, :, 0, 0], np.array(train), np.array(val), -(-n // batch), optimizer)


def valley(w, curvatures=(1.0, 100.0)):
    """A long, narrow valley: :math:`f(w) = \\frac{1}{2}(a w_0^2 + b w_1^2)` and its gradient.

    Parameters
    ----------
    w : array_like, shape (2,)
    curvatures : (float, float), default (1, 100)
        ``a`` and ``b``: the valley curves b/a times more sharply across than along.

    Returns
    -------
    value : float
    grad : ndarray, shape (2,)

    Examples
    --------
    >>> valley([2.0, 1.0])
    (52.0, array([  2., 100.]))
    """
    w = as_float_array(w, "w", min_dtype=np.float64)
    if w.shape != (2,):
        raise ValueError(f"w must hold 2 numbers (a point of the plane); got shape {w.shape}.")
    c = np.asarray(curvatures, dtype=np.float64)
    return float(0.5 * np.sum(c * w**2)), c * w


def optimizer_path(optimizer, start=(-4.0, 1.0), *, learning_rate, steps, curvatures=(1.0, 100.0)):
    """The points plain gradient descent or Adam visits on :func:`valley`, from ``start``.

    Plain gradient descent moves by η times the gradient, so the steep direction limits the
    learning rate (above 2/b it diverges across the valley) and the flat one then crawls.
    Adam divides each weight's step by a running root-mean-square of its gradients, so both
    directions move at about η per step.

    Parameters
    ----------
    optimizer : {"gd", "adam"}
    start : (float, float)
    learning_rate : float > 0
    steps : int >= 0
    curvatures : (float, float), default (1, 100)

    Returns
    -------
    ndarray, shape (steps + 1, 2)
        The points; row 0 is ``start``.

    Examples
    --------
    >>> path = optimizer_path("gd", learning_rate=0.015, steps=3)
    >>> path.round(3).tolist()
    [[-4.0, 1.0], [-3.94, -0.5], [-3.881, 0.25], [-3.823, -0.125]]
    """
    optimizer = _check_optimizer(optimizer)
    rate = check_real(learning_rate, "learning_rate", low=0, low_open=True, what="the step size")
    steps = check_int(steps, "steps", minimum=0)
    w = as_float_array(start, "start", min_dtype=np.float64).copy()
    valley(w, curvatures)  # checks the shape
    adam = _Adam(w.shape, rate) if optimizer == "adam" else None
    path = [w.copy()]
    for _ in range(steps):
        g = valley(w, curvatures)[1]
        w = w - (rate * g if adam is None else adam.step(g))
        path.append(w.copy())
    return np.array(path)
