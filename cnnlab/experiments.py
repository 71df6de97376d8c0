"""Small, fast experiments behind notebooks 05-07: measured, not asserted in prose.

* :func:`shift_robustness`: how many values of a feature map survive a small shift of the input,
  before and after pooling (notebook 05).
* :func:`chain_gradient`: the gradient through a deep chain of one activation, a product of
  derivatives (notebook 06).
* :func:`layer_gradient_norms`: the same effect in a real Keras network, sigmoid vs ReLU
  (notebook 06; imports TensorFlow when called).
* :func:`digits_split`, :class:`DropoutMLP`, :func:`train_mlp` and
  :func:`overfitting_experiment`: a small network trained on scikit-learn's bundled digits with
  and without dropout, in NumPy (notebook 07; about a second, offline).

NumPy only at import time; TensorFlow and scikit-learn are imported inside the functions that
need them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import _is_int, as_float_array, check_positive_int, describe
from .activations import ACTIVATIONS, softmax
from .ops import dropout, pool2d

__all__ = [
    "DropoutMLP",
    "OverfittingResult",
    "ShiftRobustness",
    "chain_gradient",
    "digits_split",
    "layer_gradient_norms",
    "overfitting_experiment",
    "shift_robustness",
    "train_mlp",
]


def _check_rate(rate, name="rate"):
    if isinstance(rate, bool) or not isinstance(rate, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number in [0, 1); got {describe(rate)}.")
    if not 0 <= rate < 1:
        raise ValueError(f"{name} must be in [0, 1) (the fraction dropped); got {rate!r}.")
    return float(rate)


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {tuple(ACTIVATIONS)}; got {describe(activation)}."
        )
    return ACTIVATIONS[activation]


# --------------------------------------------------------------------------------------------
# Pooling and small shifts
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShiftRobustness:
    """What a shift of ``shift`` pixels does to a feature map, before and after pooling.

    ``*_unchanged`` is the fraction of values that stay the same at the same position;
    ``*_correlation`` is the Pearson correlation between the map and its shifted version
    (1 = identical pattern).
    """

    shift: int
    unpooled_unchanged: float
    pooled_unchanged: float
    unpooled_correlation: float
    pooled_correlation: float


def _correlation(a, b):
    a, b = a.ravel() - a.mean(), b.ravel() - b.mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denom) if denom > 0 else 1.0


def shift_robustness(
    feature_map,
    shift=1,
    *,
    axis=1,
    pool_size=2,
    stride=None,
    padding="valid",
    mode="max",
    rtol=1e-6,
):
    """Measure how much of a feature map survives a small shift, with and without pooling.

    Shifting the input image by ``shift`` pixels shifts a convolution's feature map by the same
    amount (convolution is translation-equivariant), so this compares the map with itself moved
    by ``shift`` pixels along ``axis``: ``a = map[..., :-shift]`` and ``b = map[..., shift:]``
    (rows for ``axis=0``). Both are pooled with the same windows and compared position by
    position.

    Parameters
    ----------
    feature_map : ndarray, shape (H, W) or (H, W, C)
    shift : int >= 1, default 1
        Pixels to shift by; must leave at least ``pool_size`` rows/columns.
    axis : {0, 1}, default 1
        0 shifts down the rows, 1 along the columns.
    pool_size, stride, padding, mode :
        As for :func:`cnnlab.pool2d` (default 2×2 max pooling with stride 2).
    rtol : float, default 1e-6
        Values count as unchanged when they differ by at most ``rtol`` times the largest
        absolute value of the map (so rounding does not count as a change).

    Returns
    -------
    ShiftRobustness

    Examples
    --------
    A single bright pixel moving one column inside its 2×2 window: the pooled map does not
    change, while 2 of the 12 un-pooled values do.

    >>> x = np.zeros((4, 5))
    >>> x[1, 1] = 1.0
    >>> r = shift_robustness(x, 1)
    >>> round(r.unpooled_unchanged, 3), r.pooled_unchanged
    (0.875, 1.0)
    """
    fmap = as_float_array(feature_map, "feature_map", ndims=(2, 3))
    s = check_positive_int(shift, "shift")
    if axis not in (0, 1) or isinstance(axis, bool):
        raise ValueError(f"axis must be 0 (rows) or 1 (columns); got {describe(axis)}.")
    if s >= fmap.shape[axis]:
        raise ValueError(
            f"shift={s} leaves nothing to compare: feature_map has only {fmap.shape[axis]} "
            f"{'rows' if axis == 0 else 'columns'}; use a shift below {fmap.shape[axis]}."
        )
    n = fmap.shape[axis]
    a = np.take(fmap, np.arange(0, n - s), axis=axis)
    b = np.take(fmap, np.arange(s, n), axis=axis)
    pa = pool2d(a, pool_size, stride=stride, padding=padding, mode=mode)
    pb = pool2d(b, pool_size, stride=stride, padding=padding, mode=mode)
    tol = float(rtol) * float(np.abs(fmap).max(initial=0.0))
    return ShiftRobustness(
        shift=s,
        unpooled_unchanged=float(np.mean(np.abs(a - b) <= tol)),
        pooled_unchanged=float(np.mean(np.abs(pa - pb) <= tol)),
        unpooled_correlation=_correlation(a, b),
        pooled_correlation=_correlation(pa, pb),
    )


# --------------------------------------------------------------------------------------------
# Vanishing gradients
# --------------------------------------------------------------------------------------------
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
    f, df = _check_activation(activation)
    n = check_positive_int(depth, "depth")
    kwargs = {"beta": beta} if activation == "softplus" else {}
    x, grad = float(x0), 1.0
    out = np.empty(n)
    for layer in range(n):
        z = weight * x + bias
        grad *= weight * float(df(np.array([z]), **kwargs)[0])
        x = float(f(np.array([z]), **kwargs)[0])
        out[layer] = grad
    return out


def layer_gradient_norms(activation, *, depth=8, width=32, n_samples=256, seed=0):
    """Mean absolute gradient of the loss for the weights of each layer of a Keras network.

    Builds ``depth`` Dense layers of ``width`` units with the given activation (Keras's default
    Glorot-uniform initialisation) plus a 10-way softmax output, feeds it ``n_samples``
    standardised scikit-learn digits (8×8 images, bundled, offline) with their labels, and
    computes the cross-entropy's gradient with ``tf.GradientTape``: one backward pass, no
    training. Imports TensorFlow (a few seconds the first time).

    Parameters
    ----------
    activation : {"relu", "softplus", "sigmoid", "tanh"}
    depth : int >= 1, default 8
        Number of hidden layers.
    width : int >= 1, default 32
        Units per hidden layer.
    n_samples : int, default 256
        Digits in the batch (at most 1797).
    seed : int, default 0
        Seeds the initial weights (``keras.utils.set_random_seed``) and the choice of digits.

    Returns
    -------
    ndarray, shape (depth,)
        Mean :math:`|\\partial L / \\partial W|` of each hidden layer's kernel, first layer (next
        to the input) first.

    Examples
    --------
    >>> g = layer_gradient_norms("sigmoid", depth=4, width=16, n_samples=64)
    >>> g.shape, bool(g[0] < g[-1])
    ((4,), True)
    """
    _check_activation(activation)
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    n_samples = check_positive_int(n_samples, "n_samples")
    if not _is_int(seed):
        raise TypeError(f"seed must be an integer; got {describe(seed)}.")
    import keras
    import tensorflow as tf

    x, y = _digits(standardise=True)
    if n_samples > len(x):
        raise ValueError(
            f"n_samples must be at most {len(x)} (the digits bundled); got {n_samples}."
        )
    pick = np.random.default_rng(seed).permutation(len(x))[:n_samples]
    keras.utils.set_random_seed(seed)
    keras_activation = {
        "relu": "relu",
        "softplus": "softplus",
        "sigmoid": "sigmoid",
        "tanh": "tanh",
    }
    hidden = [
        keras.layers.Dense(width, activation=keras_activation[activation]) for _ in range(depth)
    ]
    model = keras.Sequential([keras.Input((x.shape[1],)), *hidden, keras.layers.Dense(10)])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    xb, yb = tf.constant(x[pick]), tf.constant(y[pick])
    kernels = [layer.kernel for layer in hidden]
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb, training=True))
    grads = tape.gradient(loss, kernels)
    return np.array([float(tf.reduce_mean(tf.abs(g))) for g in grads])


# --------------------------------------------------------------------------------------------
# Over-fitting with and without dropout: a small NumPy network on the bundled digits
# --------------------------------------------------------------------------------------------
def _digits(standardise=False):
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    if standardise:
        x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-6)
    return x.astype(np.float32), y.astype(np.int64)


def digits_split(n_train=300, n_val=600, *, label_noise=0.0, seed=0):
    """A training and a validation set from scikit-learn's bundled 8×8 digits (offline).

    Pixels are scaled to [0, 1] and flattened to 64 values. Optionally a fraction of the
    *training* labels is replaced by a wrong digit: a network that memorises its training set
    learns these wrong labels, which makes over-fitting easy to see. Validation labels stay
    clean.

    Parameters
    ----------
    n_train, n_val : int, default 300 and 600
        Sizes of the two sets (together at most 1797).
    label_noise : float in [0, 1), default 0
        Fraction of training labels replaced by a different, random digit
        (``round(label_noise * n_train)`` of them, exactly).
    seed : int, default 0

    Returns
    -------
    x_train : ndarray, shape (n_train, 64), float32
    y_train : ndarray, shape (n_train,), int64
        With the noisy labels.
    x_val : ndarray, shape (n_val, 64), float32
    y_val : ndarray, shape (n_val,), int64
    corrupted : ndarray, shape (n_train,), bool
        Which training labels were replaced.

    Examples
    --------
    >>> x_tr, y_tr, x_va, y_va, bad = digits_split(100, 50, label_noise=0.2)
    >>> x_tr.shape, x_va.shape, int(bad.sum())
    ((100, 64), (50, 64), 20)
    """
    n_train = check_positive_int(n_train, "n_train")
    n_val = check_positive_int(n_val, "n_val")
    noise = _check_rate(label_noise, "label_noise")
    x, y = _digits()
    if n_train + n_val > len(x):
        raise ValueError(
            f"n_train + n_val must be at most {len(x)} (the digits bundled with scikit-learn); "
            f"got {n_train} + {n_val} = {n_train + n_val}."
        )
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    train, val = order[:n_train], order[n_train : n_train + n_val]
    y_train = y[train].copy()
    corrupted = np.zeros(n_train, dtype=bool)
    corrupted[rng.permutation(n_train)[: round(noise * n_train)]] = True
    y_train[corrupted] = (y_train[corrupted] + rng.integers(1, 10, corrupted.sum())) % 10
    return x[train], y_train, x[val], y[val], corrupted


@dataclass
class DropoutMLP:
    """A fully connected ReLU network with (inverted) dropout after every hidden layer.

    ``weights[i]`` has shape ``(n_in, n_out)`` and ``biases[i]`` shape ``(n_out,)``; the last
    layer gives one score per class. Build one with :meth:`create`.

    Examples
    --------
    >>> net = DropoutMLP.create([64, 32, 10], rate=0.5, seed=0)
    >>> net.scores(np.zeros((3, 64))).shape
    (3, 10)
    >>> net.n_params
    2410
    """

    weights: list
    biases: list
    rate: float = 0.0

    @classmethod
    def create(cls, sizes, *, rate=0.0, seed=0):
        """Glorot-uniform weights and zero biases (Keras's defaults) for layer ``sizes``."""
        if len(sizes) < 2:
            raise ValueError(
                f"sizes must list at least 2 layer sizes (input, output); got {sizes!r}."
            )
        sizes = [check_positive_int(s, "sizes") for s in sizes]
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            limit = np.sqrt(6.0 / (n_in + n_out))
            weights.append(rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32))
            biases.append(np.zeros(n_out, np.float32))
        return cls(weights, biases, _check_rate(rate))

    @property
    def n_params(self):
        """Number of weights and biases."""
        return int(sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True)))

    def _forward(self, x, training, rng):
        h = as_float_array(x, "x", ndims=(2,)).astype(np.float32, copy=False)
        cache = []
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = h @ w + b
            r = np.maximum(a, 0)
            if training and self.rate > 0:
                r, mask = dropout(r, self.rate, rng=rng, return_mask=True)
            else:
                mask = None
            cache.append((h, a, mask))
            h = r
        scores = h @ self.weights[-1] + self.biases[-1]
        cache.append((h, None, None))
        return scores, cache

    def scores(self, x, *, training=False, rng=None):
        """Class scores (logits), shape (N, classes); ``training=True`` applies dropout."""
        return self._forward(x, training, rng)[0]

    def predict_proba(self, x, *, training=False, rng=None):
        """Softmax probabilities, shape (N, classes)."""
        return softmax(self.scores(x, training=training, rng=rng))

    def loss_and_grads(self, x, y, *, training=True, rng=None):
        """Mean cross-entropy on ``(x, y)`` and its gradients (backpropagation by hand).

        Returns ``(loss, grad_weights, grad_biases)``; with ``training=True`` the forward pass
        drops units with probability ``rate`` (one mask drawn from ``rng``), and the gradient
        flows only through the kept units, scaled by ``1 / (1 - rate)``.
        """
        scores, cache = self._forward(x, training, rng)
        y = np.asarray(y)
        n = len(y)
        p = softmax(scores)
        loss = float(-np.mean(np.log(np.clip(p[np.arange(n), y], 1e-12, None))))
        delta = p
        delta[np.arange(n), y] -= 1.0
        delta /= n  # d loss / d scores
        gw, gb = [None] * len(self.weights), [None] * len(self.weights)
        for i in range(len(self.weights) - 1, -1, -1):
            h_in = cache[i][0]
            gw[i] = h_in.T @ delta
            gb[i] = delta.sum(axis=0)
            if i == 0:
                break
            grad_h = delta @ self.weights[i].T  # gradient w.r.t. the previous layer's output
            _, a, mask = cache[i - 1]
            if mask is not None:
                grad_h = grad_h * mask / (1.0 - self.rate)
            delta = grad_h * (a > 0)
        return loss, gw, gb

    def evaluate(self, x, y):
        """Mean cross-entropy and accuracy at inference (no dropout)."""
        p = self.predict_proba(x)
        y = np.asarray(y)
        loss = float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None))))
        return loss, float(np.mean(p.argmax(axis=1) == y))


def train_mlp(
    net,
    x_train,
    y_train,
    x_val,
    y_val,
    *,
    epochs=100,
    batch_size=100,
    learning_rate=1e-3,
    seed=0,
):
    """Train a :class:`DropoutMLP` in place with Adam and minibatches; record the curves.

    Parameters
    ----------
    net : DropoutMLP
    x_train : ndarray, shape (N, n_in); y_train : ndarray of int, shape (N,)
    x_val : ndarray, shape (M, n_in); y_val : ndarray of int, shape (M,)
    epochs : int, default 100
    batch_size : int, default 100
    learning_rate : float, default 1e-3
        Adam's step size (Keras's default; beta1 0.9, beta2 0.999, epsilon 1e-7).
    seed : int, default 0
        Seeds the shuffling and the dropout masks.

    Returns
    -------
    dict of str to ndarray, each shape (epochs,)
        ``"loss"``, ``"accuracy"`` (on the training set, as given) and ``"val_loss"``,
        ``"val_accuracy"``, measured at inference after every epoch, like a Keras ``History``.

    Examples
    --------
    >>> x_tr, y_tr, x_va, y_va, _ = digits_split(100, 100)
    >>> net = DropoutMLP.create([64, 32, 10])
    >>> h = train_mlp(net, x_tr, y_tr, x_va, y_va, epochs=30, batch_size=50)
    >>> bool(h["loss"][-1] < h["loss"][0]), h["val_accuracy"].shape
    (True, (30,))
    """
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    # The matrices are small: one BLAS thread is faster, and much faster on a busy machine.
    with threadpool_limits(limits=1, user_api="blas"):
        return _train(net, x_train, y_train, x_val, y_val, epochs, batch_size, learning_rate, seed)


def _train(net, x_train, y_train, x_val, y_val, epochs, batch_size, learning_rate, seed):
    rng = np.random.default_rng(seed)
    params = [*net.weights, *net.biases]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    b1, b2, eps, t = 0.9, 0.999, 1e-7, 0
    history = {key: np.empty(epochs) for key in ("loss", "accuracy", "val_loss", "val_accuracy")}
    n = len(x_train)
    for epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            _, gw, gb = net.loss_and_grads(x_train[batch], y_train[batch], rng=rng)
            t += 1
            lr_t = learning_rate * np.sqrt(1 - b2**t) / (1 - b1**t)
            for i, (p, g) in enumerate(zip(params, [*gw, *gb], strict=True)):
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                p -= (lr_t * m[i] / (np.sqrt(v[i]) + eps)).astype(p.dtype)
        history["loss"][epoch], history["accuracy"][epoch] = net.evaluate(x_train, y_train)
        history["val_loss"][epoch], history["val_accuracy"][epoch] = net.evaluate(x_val, y_val)
    return history


@dataclass
class OverfittingResult:
    """Curves and trained networks of :func:`overfitting_experiment`, keyed by dropout rate.

    Also keeps the data: the training set with its noisy labels, which of those labels were
    corrupted, and the (clean) validation set.
    """

    histories: dict = field(default_factory=dict)
    networks: dict = field(default_factory=dict)
    x_train: np.ndarray | None = None
    y_train: np.ndarray | None = None
    corrupted: np.ndarray | None = None
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None


def overfitting_experiment(
    rates=(0.0, 0.5),
    *,
    n_train=300,
    n_val=600,
    label_noise=0.3,
    hidden=(128, 128),
    epochs=100,
    batch_size=50,
    learning_rate=1e-3,
    seed=0,
):
    """Train the same network with each dropout rate on a small, noisy digits training set.

    The network (64 inputs, ``hidden`` ReLU layers each followed by dropout, 10 outputs) has
    far more weights than there are training examples, and ``label_noise`` of the training
    labels are wrong: without dropout it memorises them (training accuracy near 100%) while the
    validation loss climbs; dropout makes memorising harder. Every run starts from the same
    initial weights and sees the same batches. NumPy only, about a second per run.

    Parameters
    ----------
    rates : sequence of float in [0, 1), default (0.0, 0.5)
        Dropout rates to compare (0 = no dropout).
    n_train, n_val, label_noise, seed :
        See :func:`digits_split`.
    hidden : sequence of int, default (128, 128)
        Units of the hidden layers.
    epochs, batch_size, learning_rate : int, int, float, default 100, 50, 1e-3
        See :func:`train_mlp`.

    Returns
    -------
    OverfittingResult
        ``histories[rate]`` (see :func:`train_mlp`), ``networks[rate]`` (the trained
        :class:`DropoutMLP`), and the data: ``x_train``, ``y_train`` (noisy labels),
        ``corrupted``, ``x_val``, ``y_val``.

    Examples
    --------
    >>> res = overfitting_experiment((0.0, 0.5), n_train=100, n_val=100, hidden=(32,), epochs=5)
    >>> sorted(res.histories), res.histories[0.5]["val_loss"].shape
    ([0.0, 0.5], (5,))
    """
    rates = [_check_rate(r) for r in rates]
    if not rates:
        raise ValueError("rates must contain at least one dropout rate; got an empty sequence.")
    x_tr, y_tr, x_va, y_va, bad = digits_split(n_train, n_val, label_noise=label_noise, seed=seed)
    sizes = [x_tr.shape[1], *hidden, 10]
    result = OverfittingResult(x_train=x_tr, y_train=y_tr, corrupted=bad, x_val=x_va, y_val=y_va)
    for rate in rates:
        net = DropoutMLP.create(sizes, rate=rate, seed=seed)
        result.histories[rate] = train_mlp(
            net,
            x_tr,
            y_tr,
            x_va,
            y_va,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            seed=seed,
        )
        result.networks[rate] = net
    return result
