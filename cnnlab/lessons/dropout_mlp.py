"""Over-fitting with and without dropout (notebook 09): a small NumPy network on digits.

NumPy only; scikit-learn's bundled 8x8 digits (offline, about a second per run):

* :func:`digits_split`: a small training set with some wrong labels, and a clean validation set.
* :class:`DropoutMLP`: a fully connected ReLU network with inverted dropout and
  backpropagation by hand.
* :func:`train_mlp`: Adam with minibatches, recording Keras-like curves.
* :func:`overfitting_experiment`: the same network trained with each dropout rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validate import as_float_array, check_int, check_real
from ..activations import softmax
from ..data.digits import load_digits_flat
from ..fully_connected import dropout

__all__ = [
    "DropoutMLP",
    "OverfittingResult",
    "digits_split",
    "overfitting_experiment",
    "train_mlp",
]


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
    n_train = check_int(n_train, "n_train")
    n_val = check_int(n_val, "n_val")
    noise = check_real(
        label_noise,
        "label_noise",
        low=0,
        high=1,
        high_open=True,
        what="the fraction of training labels replaced",
    )
    x, y = load_digits_flat()
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
        sizes = [check_int(s, "sizes") for s in sizes]
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            limit = np.sqrt(6.0 / (n_in + n_out))
            weights.append(rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32))
            biases.append(np.zeros(n_out, np.float32))
        return cls(
            weights,
            biases,
            check_real(rate, "rate", low=0, high=1, high_open=True, what="the fraction dropped"),
        )

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
    epochs = check_int(epochs, "epochs")
    batch_size = check_int(batch_size, "batch_size")
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
    rates = [
        check_real(r, "rates", low=0, high=1, high_open=True, what="the fraction dropped")
        for r in rates
    ]
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
