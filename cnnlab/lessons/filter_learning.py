"""Learning a filter by gradient descent (notebook 12): recover Sobel from random numbers.

Notebook 12 starts a convolution kernel from random numbers and lets gradient descent find the
kernel that turned images into their filtered versions (the pairs, patches and alignment of
:mod:`cnnlab.lessons.filter_data`). Everything here is NumPy, so the explorer's sliders stay
fast; :func:`cnnlab.networks.learn_kernel_keras` does the same with one Keras ``Conv2D`` layer
and reuses :class:`FilterProblem` and :class:`KernelFit`.

* :func:`gd_step`: one plain step on the mean squared error
  :math:`L(w) = \\frac{1}{M} \\lVert P w - t \\rVert^2`, whose gradient is
  :math:`\\frac{2}{M} P^\\top (P w - t)`.
* :class:`FilterProblem`: that quadratic in its Gram form, plus the exact least-squares optimum.
* :func:`learn_kernel`: gradient descent with momentum, snapshots in a :class:`KernelFit`; who
  takes the steps is a parameter, so the Keras version runs the same function.

Why standardise the images? Neighbouring pixels of a photograph are strongly correlated, so
``P^T P`` is badly conditioned and plain gradient descent crawls along the directions that
distinguish kernels differing only in fine detail. Zero mean and unit variance (and momentum)
make a 3x3 kernel converge in a few hundred steps instead of many thousands.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .._validate import as_float_array, check_int, check_pair, describe
from .filter_data import align_target, ideal_kernel, image_batch, kernel_patches

__all__ = [
    "FilterProblem",
    "KernelFit",
    "check_descent",
    "gd_step",
    "learn_kernel",
    "record_steps",
]


def gd_step(kernel, patches, targets, learning_rate):
    """One plain gradient-descent step on the mean squared error of a convolution.

    With the im2col matrix ``P`` (M rows) and targets ``t``, the loss is
    :math:`L(w) = \\frac{1}{M} \\sum_m (P_m \\cdot w - t_m)^2` and its gradient
    :math:`\\nabla L = \\frac{2}{M} P^\\top (P w - t)`; the step is :math:`w - \\eta \\nabla L`.

    Parameters
    ----------
    kernel : ndarray, shape (kh, kw) or (kh * kw,)
    patches : ndarray, shape (M, kh * kw)
        From :func:`kernel_patches`.
    targets : ndarray, shape (M,) (or any shape with M values)
    learning_rate : float

    Returns
    -------
    ndarray, the shape of ``kernel``

    Examples
    --------
    >>> P = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> gd_step(np.zeros(2), P, np.array([1.0, 2.0]), 0.5)
    array([0.5, 2. ])
    """
    w = as_float_array(kernel, "kernel", min_dtype=np.float64)
    p = as_float_array(patches, "patches", ndims=(2,), min_dtype=np.float64)
    t = as_float_array(targets, "targets", min_dtype=np.float64).reshape(-1)
    if p.shape[1] != w.size or p.shape[0] != t.size:
        raise ValueError(
            f"patches must have shape (M, {w.size}) for a kernel of {w.size} taps and M = "
            f"{t.size} targets; got patches of shape {p.shape}."
        )
    grad = 2.0 / t.size * (p.T @ (p @ w.reshape(-1) - t))
    return w - float(learning_rate) * grad.reshape(w.shape)


def record_steps(steps: int, n: int = 40) -> np.ndarray:
    """Roughly log-spaced steps ``0 .. steps`` at which to keep a snapshot of the kernel.

    Examples
    --------
    >>> record_steps(100, 8).tolist()
    [0, 1, 2, 4, 7, 14, 27, 52, 100]
    """
    steps = check_int(steps, "steps", minimum=0)
    n = check_int(n, "n")
    if steps == 0:
        return np.array([0])
    marks = np.unique(np.rint(np.geomspace(1, steps, n)).astype(int))
    return np.concatenate([[0], marks])


@dataclass(frozen=True, eq=False)
class KernelFit:
    """What :func:`learn_kernel` (or :func:`learn_kernel_keras`) learned, step by step.

    Attributes
    ----------
    kernel : ndarray, shape (kh, kw)
        The learned kernel after the last step.
    ideal : ndarray, shape (kh, kw), or None
        :func:`ideal_kernel`: what a perfect learner finds (None if no kernel can).
    steps : ndarray of int, shape (S,)
        The steps at which snapshots were kept (0 = the random start).
    kernels : ndarray, shape (S, kh, kw)
        The kernel at each of those steps.
    losses : ndarray, shape (S,)
        The mean squared error at each of those steps.
    optimum : ndarray, shape (kh, kw)
        The exact least-squares solution (what gradient descent converges to).
    optimum_loss : float
        Its mean squared error (0 up to rounding when ``ideal`` is not None).
    learning_rate : float
    n_equations : int
        Output positions with a target (the rows of the least-squares problem).
    n_dropped : int
        Output positions without a target (window centred in the padding), left out.
    """

    kernel: np.ndarray
    ideal: np.ndarray | None
    steps: np.ndarray
    kernels: np.ndarray
    losses: np.ndarray
    optimum: np.ndarray
    optimum_loss: float
    learning_rate: float
    n_equations: int
    n_dropped: int

    @property
    def loss(self) -> float:
        """The mean squared error after the last step."""
        return float(self.losses[-1])

    @property
    def errors(self) -> np.ndarray | None:
        """Largest absolute difference from ``ideal`` at each snapshot (None without ideal)."""
        if self.ideal is None:
            return None
        return np.abs(self.kernels - self.ideal).max(axis=(1, 2))

    @property
    def error(self) -> float | None:
        """Largest absolute difference between the learned and the ideal kernel."""
        return None if self.ideal is None else float(np.abs(self.kernel - self.ideal).max())


class FilterProblem:
    """The least-squares problem of learning one kernel: ``P``, ``t`` and the loss's Gram form.

    With the im2col matrix ``P`` (:func:`kernel_patches`) and the aligned targets ``t``
    (:func:`align_target`, positions without a target left out), the mean squared error is the
    quadratic :math:`L(w) = w^\\top G w - 2 w^\\top h + c` with :math:`G = P^\\top P / M`,
    :math:`h = P^\\top t / M` and :math:`c = t^\\top t / M`: a tiny ``(k^2 x k^2)`` problem, so
    every gradient step and every loss costs microseconds. :func:`learn_kernel` and
    :func:`cnnlab.networks.learn_kernel_keras` both build one.

    Parameters
    ----------
    x, y : ndarray, shape (N, H, W) or (H, W)
        Images and their full-size filtered versions (:func:`~cnnlab.lessons.filter_data.filter_pairs`).
    kernel_size : int or (int, int), default 3
    stride, padding, shift :
        As for :func:`learn_kernel`.

    Attributes
    ----------
    shape : (int, int)
        The kernel's ``(kh, kw)``.
    stride : (int, int); padding :
        The convolution's (``padding`` as given).
    images : ndarray of float64, shape (N, H, W)
    target_maps : ndarray of float64, shape (N, H', W')
        The aligned targets, NaN where a window is centred in the padding.
    patches : ndarray, shape (M, kh * kw); targets : ndarray, shape (M,)
        The rows that have a target.
    n_equations, n_dropped : int
        ``M``, and the output positions left out.
    gram, h, c :
        :math:`G`, :math:`h` and :math:`c` above.
    lam_max : float
        The largest eigenvalue of :math:`G`.

    Examples
    --------
    >>> from cnnlab.lessons.filter_data import filter_pairs
    >>> x, y = filter_pairs("sobel vertical", ["camera"], side=16)
    >>> problem = FilterProblem(x, y, 3)
    >>> problem.n_equations, problem.n_dropped
    (196, 0)
    >>> float(problem.loss(ideal_kernel("sobel vertical", 3))[0]) < 1e-20
    True
    """

    def __init__(self, x, y, kernel_size=3, *, stride=1, padding="valid", shift=0):
        self.shape = check_pair(kernel_size, "kernel_size")
        self.stride, self.padding = check_pair(stride, "stride"), padding
        self.images, yb = image_batch(x, "x"), image_batch(y, "y")
        if self.images.shape != yb.shape:
            raise ValueError(
                f"x and y must have the same shape (one target per pixel); got x of shape "
                f"{self.images.shape} and y of shape {yb.shape}."
            )
        patches = kernel_patches(self.images, self.shape, stride=stride, padding=padding)
        self.target_maps = align_target(yb, self.shape, stride=stride, padding=padding, shift=shift)
        targets = self.target_maps.reshape(-1)
        keep = np.isfinite(targets)
        self.n_dropped = int((~keep).sum())
        self.patches, self.targets = patches[keep], targets[keep]
        self.n_equations = m = len(self.targets)
        if m == 0:
            raise ValueError(
                f"padding={padding!r} and shift={shift!r} leave no output position whose window "
                "is centred on the image, so there is nothing to learn from; use less padding."
            )
        self.gram = self.patches.T @ self.patches / m
        self.h = self.patches.T @ self.targets / m
        self.c = float(self.targets @ self.targets / m)
        self.lam_max = float(np.linalg.eigvalsh(self.gram)[-1])

    def loss(self, kernels) -> np.ndarray:
        """The mean squared error of each kernel: shape (S,) for S kernels (one kernel: (1,))."""
        w = np.asarray(kernels, dtype=np.float64).reshape(-1, self.gram.shape[0])
        value = np.einsum("si,ij,sj->s", w, self.gram, w) - 2 * w @ self.h + self.c
        return np.maximum(value, 0.0)

    def optimum(self) -> np.ndarray:
        """The exact least-squares kernel, shape (kh, kw): the normal equations ``G w = h``."""
        w, *_ = np.linalg.lstsq(self.gram, self.h, rcond=1e-12)
        return w.reshape(self.shape)

    def learning_rate(self, learning_rate=None) -> float:
        """``learning_rate``, or by default ``1 / lambda_max``: half the largest stable step."""
        return 1.0 / max(self.lam_max, 1e-12) if learning_rate is None else learning_rate

    def initial_kernel(self, init=None, seed=0) -> np.ndarray:
        """``init`` (checked to have the kernel's shape) or standard-normal numbers from ``seed``."""
        if init is None:
            return np.random.default_rng(seed).normal(0.0, 1.0, self.shape)
        w0 = as_float_array(init, "init", min_dtype=np.float64)
        if w0.shape != self.shape:
            raise ValueError(
                f"init must have shape {self.shape} (the kernel size); got shape {w0.shape}."
            )
        return w0.copy()

    def fit(self, kernels, steps, learning_rate, target_kernel=None, shift=0) -> KernelFit:
        """A :class:`KernelFit` from the kernels kept at ``steps`` (the last one is the result)."""
        kernels = np.asarray(kernels, dtype=np.float64).reshape(-1, *self.shape)
        optimum = self.optimum()
        ideal = None
        if target_kernel is not None:
            ideal = ideal_kernel(target_kernel, self.shape, shift=shift)
        return KernelFit(
            kernel=kernels[-1],
            ideal=ideal,
            steps=np.asarray(steps),
            kernels=kernels,
            losses=self.loss(kernels),
            optimum=optimum,
            optimum_loss=float(self.loss(optimum)[0]),
            learning_rate=float(learning_rate),
            n_equations=self.n_equations,
            n_dropped=self.n_dropped,
        )


def check_descent(steps, learning_rate, momentum) -> tuple[int, float | None, float]:
    """Check the settings of gradient descent; return them as ``(int, float or None, float)``.

    ``steps`` must be an integer >= 0, ``learning_rate`` a positive number or None (then
    :meth:`FilterProblem.learning_rate` chooses it), ``momentum`` a number in [0, 1).

    Examples
    --------
    >>> check_descent(10, None, 0.9)
    (10, None, 0.9)
    >>> check_descent(10, 0, 0.9)
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be a positive number or None; got 0.
    """
    steps = check_int(steps, "steps", minimum=0)
    if learning_rate is not None and (
        not isinstance(learning_rate, numbers.Real)
        or isinstance(learning_rate, bool)
        or not learning_rate > 0
    ):
        raise ValueError(
            f"learning_rate must be a positive number or None; got {describe(learning_rate)}."
        )
    if (
        not isinstance(momentum, numbers.Real)
        or isinstance(momentum, bool)
        or not 0 <= momentum < 1
    ):
        raise ValueError(f"momentum must be a number in [0, 1); got {describe(momentum)}.")
    rate = None if learning_rate is None else float(learning_rate)
    return steps, rate, float(momentum)


def learn_kernel(
    x,
    y,
    kernel_size=3,
    *,
    stride=1,
    padding="valid",
    shift=0,
    steps=500,
    learning_rate=None,
    momentum=0.9,
    seed=0,
    init=None,
    record=40,
    target_kernel=None,
    run_steps=None,
):
    """Learn a kernel by gradient descent (with momentum) from (image, filtered image) pairs.

    Minimises the mean squared error between ``conv2d(x, kernel, stride, padding)`` and the
    aligned targets (:func:`align_target`) with the heavy-ball update
    :math:`v \\leftarrow \\mu v - \\eta \\nabla L(w)`, :math:`w \\leftarrow w + v` (Keras's
    ``SGD(momentum=...)``), starting from random numbers. The loss is quadratic, so each step
    uses the precomputed :math:`P^\\top P / M` and costs microseconds.

    Parameters
    ----------
    x, y : ndarray, shape (N, H, W) or (H, W)
        Images and their full-size filtered versions (:func:`~cnnlab.lessons.filter_data.filter_pairs`).
    kernel_size : int or (int, int), default 3
        Size of the kernel being learned.
    stride, padding :
        Of the convolution being learned (``padding`` as for :func:`cnnlab.conv2d`).
    shift : int or (int, int), default 0
        Misalign the targets on purpose (see :func:`align_target`).
    steps : int, default 500
        Gradient-descent steps (0: just the random start).
    learning_rate : float, optional
        Default ``1 / lambda_max(P^T P / M)``: half the largest stable step of plain gradient
        descent on this quadratic, and fast with momentum 0.9.
    momentum : float in [0, 1), default 0.9
        0 gives plain gradient descent (:func:`gd_step`).
    seed : int, default 0
        Seed of the random initial kernel (standard normal).
    init : ndarray, shape (kh, kw), optional
        Start here instead.
    record : int, default 40
        About this many snapshots, log-spaced in the steps (:func:`record_steps`).
    target_kernel : str or ndarray, optional
        The filter that made ``y``; fills ``KernelFit.ideal`` (:func:`ideal_kernel`).
    run_steps : callable, optional
        Who takes the steps: ``run_steps(problem, kernel, learning_rate=, momentum=, steps=,
        keep=)`` starts from ``kernel`` (shape (kh, kw)) on the :class:`FilterProblem` and
        returns the kernels after the steps in the set ``keep`` (0: the start). Default: the
        update above, in NumPy; :func:`cnnlab.networks.learn_kernel_keras` passes a Keras
        ``Conv2D`` layer trained by ``SGD``.

    Returns
    -------
    KernelFit

    Raises
    ------
    ValueError
        If the kernel does not fit the padded image, or no output position has a target.

    Examples
    --------
    >>> from cnnlab.lessons.filter_data import filter_pairs
    >>> x, y = filter_pairs("sobel vertical", side=48)
    >>> fit = learn_kernel(x, y, 3, steps=300, target_kernel="sobel vertical")
    >>> fit.kernel.round(2)
    array([[-1.,  0.,  1.],
           [-2.,  0.,  2.],
           [-1.,  0.,  1.]])
    >>> fit.error < 1e-3, bool(fit.losses[0] > 1), fit.loss < 1e-6
    (True, True, True)
    """
    steps, rate, momentum = check_descent(steps, learning_rate, momentum)
    problem = FilterProblem(x, y, kernel_size, stride=stride, padding=padding, shift=shift)
    rate = problem.learning_rate(rate)
    marks = record_steps(steps, record)
    descend = _heavy_ball if run_steps is None else run_steps
    kernels = descend(
        problem,
        problem.initial_kernel(init, seed),
        learning_rate=rate,
        momentum=momentum,
        steps=steps,
        keep=set(marks.tolist()),
    )
    return problem.fit(kernels, marks, rate, target_kernel, shift=shift)


def _heavy_ball(problem, kernel, *, learning_rate, momentum, steps, keep):
    """:func:`learn_kernel`'s steps in NumPy, on the problem's Gram form (microseconds each)."""
    w = kernel.reshape(-1)
    snaps = [w.copy()] if 0 in keep else []
    v = np.zeros_like(w)
    for step in range(1, steps + 1):
        grad = 2.0 * (problem.gram @ w - problem.h)
        v = momentum * v - learning_rate * grad
        w = w + v
        if step in keep:
            snaps.append(w.copy())
    return snaps
