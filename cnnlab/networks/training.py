"""Training helpers for the Keras networks of notebooks 11 and 12.

* :func:`set_seed`: seed Python, NumPy and TensorFlow (see "Reproducibility on CPU" below).
* :func:`make_dataset`: a ``tf.data`` pipeline that keeps the 60,000 MNIST images uint8 (47 MB
  as uint8, 376 MB as float64); the model's ``Rescaling`` layer scales each batch (notebook 11).
* :func:`early_stopping_epoch`: when Keras's ``EarlyStopping`` would stop, for a list of
  validation losses (notebook 11's hyperparameter advice; pure Python).
* :func:`learn_kernel_keras`: notebook 12's filter learning with a real ``Conv2D`` layer: the
  NumPy :func:`cnnlab.lessons.learn_kernel` with Keras taking the steps, so on the same path.

TensorFlow and Keras are imported inside the functions that need them.

Reproducibility on CPU
----------------------
:func:`set_seed` (``keras.utils.set_random_seed``) seeds Python, NumPy and TensorFlow, and
:func:`cnnlab.networks.build_cnn` seeds every initializer and the dropout layer from its own
``seed``. With a fixed seed these are exactly reproducible: initial weights, dropout masks and the shuffling
order of :func:`make_dataset`. The floating-point arithmetic of the CPU kernels (oneDNN
convolutions, their gradients, reductions) is *not* promised to be reproducible: how a sum is
split depends on the number of intra-op threads (``tf.config.threading``), the CPU's
instruction set and the TensorFlow/oneDNN version. In practice (TensorFlow 2.21, 2 CPU
cores), two training runs with the same seed and the same thread count gave bit-identical
weights, while 1 and 2 threads gave slightly different ones (after 200 steps of MNIST the
running loss differed in the fourth decimal).
``set_seed(seed, deterministic_ops=True)`` additionally calls
``tf.config.experimental.enable_op_determinism()``, which makes TensorFlow pick
deterministic kernels (or raise for ops that have none), at some cost in speed; it still does
not make results equal across machines or versions.
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from .._validate import as_float_array, check_int, describe
from ..lessons.filter_learning import learn_kernel

__all__ = ["EarlyStop", "early_stopping_epoch", "learn_kernel_keras", "make_dataset", "set_seed"]


def set_seed(seed: int = 0, *, deterministic_ops: bool = False) -> int:
    """Seed Python, NumPy and TensorFlow (``keras.utils.set_random_seed``).

    See this module's notes on what this does and does not make reproducible on a CPU.

    Parameters
    ----------
    seed : int, default 0
    deterministic_ops : bool, default False
        Also call ``tf.config.experimental.enable_op_determinism()`` (slower; TensorFlow then
        raises for ops without a deterministic kernel). It cannot be switched off again in the
        same process.

    Returns
    -------
    int
        The seed.

    Examples
    --------
    >>> import numpy as np
    >>> a = (set_seed(3), np.random.rand())
    >>> b = (set_seed(3), np.random.rand())
    >>> a == b
    True
    """
    seed = check_int(seed, "seed", minimum=0)
    import keras

    keras.utils.set_random_seed(seed)
    if deterministic_ops:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    return seed


def make_dataset(
    images,
    labels,
    batch_size: int = 128,
    *,
    shuffle: bool = False,
    seed: int | None = 0,
    drop_remainder: bool = False,
):
    """A ``tf.data`` pipeline of ``(uint8 images, labels)`` batches that never copies to float.

    The images stay in their own dtype (uint8 for MNIST: 47 MB, against 376 MB as float64);
    each batch is gathered by index and the model's ``Rescaling`` layer turns it into float32
    0-1 values on the fly. (``model.fit(x_uint8, y)`` on NumPy arrays keeps uint8 too, at the
    same speed; this pipeline makes the shuffling order explicit and seeded, and can be
    reused for ``fit``, ``evaluate`` and ``predict``.)
    The dataset shuffles itself: call ``model.fit(dataset, shuffle=False, ...)``, or Keras
    warns that its own ``shuffle=True`` default is ignored.

    Parameters
    ----------
    images : ndarray, shape (N, H, W) or (N, H, W, C)
        A channel axis is added to (N, H, W) batches as they are drawn.
    labels : ndarray, shape (N,)
        Integer class labels.
    batch_size : int, default 128
    shuffle : bool, default False
        Reshuffle the order every epoch.
    seed : int or None, default 0
        Seed of the shuffling order.
    drop_remainder : bool, default False
        Leave out the last, smaller batch.

    Returns
    -------
    tf.data.Dataset
        Yields ``(x, y)`` with ``x`` of shape ``(B, H, W, C)`` and ``images``' dtype.

    Examples
    --------
    >>> import numpy as np
    >>> ds = make_dataset(np.zeros((5, 28, 28), np.uint8), np.arange(5), batch_size=2)
    >>> [(tuple(x.shape), x.dtype.name) for x, _ in ds.as_numpy_iterator()]
    [((2, 28, 28, 1), 'uint8'), ((2, 28, 28, 1), 'uint8'), ((1, 28, 28, 1), 'uint8')]
    """
    x = np.asarray(images)
    y = np.asarray(labels)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"images must have shape (N, H, W) or (N, H, W, C); got {describe(images)}."
        )
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(
            f"labels must have shape ({len(x)},), one label per image; got {describe(labels)}."
        )
    batch_size = check_int(batch_size, "batch_size")
    import tensorflow as tf

    x_t = tf.constant(x if x.ndim == 4 else x[..., np.newaxis])
    y_t = tf.constant(y)
    ds = tf.data.Dataset.range(len(x))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    ds = ds.map(lambda idx: (tf.gather(x_t, idx), tf.gather(y_t, idx)))
    return ds.prefetch(tf.data.AUTOTUNE)


def learn_kernel_keras(x, y, kernel_size=3, *, padding="valid", steps=300, **options):
    """The same learning with a real Keras ``Conv2D(1, kernel_size, use_bias=False)`` layer.

    Runs :func:`cnnlab.lessons.learn_kernel` with a Keras layer taking the steps: it builds
    ``keras.Sequential([Input((H, W, 1)), Conv2D(1, kernel_size, strides=stride,
    padding=padding, use_bias=False)])``, starts its kernel from the same random numbers (same
    ``seed``), and trains it with ``SGD(learning_rate, momentum)`` on the ``"mse"`` loss, one
    full batch of all images per step. So it follows the same path as the NumPy version (up to
    float32 rounding). The least-squares problem, the start and the result are
    :class:`cnnlab.lessons.FilterProblem`'s.

    Parameters
    ----------
    x, y : ndarray, shape (N, H, W)
        Images and full-size targets (:func:`cnnlab.lessons.filter_pairs`).
    kernel_size : int or (int, int), default 3
        Of the ``Conv2D`` layer.
    padding : {"valid", "same"}, default "valid"
        The paddings a Keras ``Conv2D`` has; the targets are aligned with
        :func:`cnnlab.lessons.align_target`.
    steps : int, default 300
        Training steps (batches).
    **options
        ``stride``, ``shift``, ``learning_rate``, ``momentum``, ``seed``, ``init``, ``record``
        and ``target_kernel``: as for :func:`cnnlab.lessons.learn_kernel` (the default learning
        rate is computed the same way).

    Returns
    -------
    KernelFit
        ``kernels`` and ``losses`` are the Keras layer's kernel and the MSE at the recorded
        steps; ``optimum`` is NumPy's exact least-squares solution.

    Raises
    ------
    ValueError
        For a padding Keras does not have, a ``shift`` that leaves output positions without a
        target (the layer trains on all of them), or as :func:`cnnlab.lessons.learn_kernel`.

    Examples
    --------
    >>> from cnnlab.lessons import filter_pairs
    >>> x, y = filter_pairs("sobel vertical", side=32)
    >>> fit = learn_kernel_keras(x, y, 3, steps=200, target_kernel="sobel vertical")
    >>> fit.error < 1e-2
    True
    """
    if padding not in ("valid", "same"):
        raise ValueError(
            f"padding must be 'valid' or 'same' (the paddings of keras.layers.Conv2D); "
            f"got {describe(padding)}."
        )
    return learn_kernel(
        x, y, kernel_size, padding=padding, steps=steps, run_steps=_keras_steps, **options
    )


def _keras_steps(problem, kernel, *, learning_rate, momentum, steps, keep):
    """``learn_kernel``'s steps taken by Keras: ``SGD`` on one ``Conv2D``, all images a batch."""
    if problem.n_dropped:
        raise ValueError(
            f"shift leaves {problem.n_dropped} output positions without a target (their window "
            "is centred off the image), and the Keras layer trains on every position; use "
            "shift=0, or cnnlab.lessons.learn_kernel, which leaves those positions out."
        )
    import keras
    import tensorflow as tf

    layer = keras.layers.Conv2D(
        1,
        problem.shape,
        strides=problem.stride,
        padding=problem.padding,
        use_bias=False,
        kernel_initializer=keras.initializers.Constant(kernel[:, :, None, None]),
        name="learned_filter",
    )
    xb, targets = problem.images, problem.target_maps
    model = keras.Sequential([keras.Input(shape=(*xb.shape[1:], 1)), layer], name="one_filter")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate, momentum=momentum), loss="mse")

    class Snapshots(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.kernels = []

        def _take(self):
            self.kernels.append(np.asarray(layer.kernel.numpy(), np.float64)[:, :, 0, 0])

        def on_train_begin(self, logs=None):
            if 0 in keep:
                self._take()

        def on_train_batch_end(self, batch, logs=None):
            if batch + 1 in keep:
                self._take()

    snapshots = Snapshots()
    if steps:
        data = tf.data.Dataset.from_tensors(
            (xb[..., None].astype(np.float32), targets[..., None].astype(np.float32))
        ).repeat(steps)
        model.fit(data, epochs=1, verbose=0, shuffle=False, callbacks=[snapshots])
    else:
        snapshots._take()
    return snapshots.kernels


class EarlyStop(NamedTuple):
    """Result of :func:`early_stopping_epoch`; epochs counted from 1, as Keras prints them."""

    stopped_after: int | None
    best_epoch: int


def early_stopping_epoch(val_losses, patience=2, *, min_delta=0.0) -> EarlyStop:
    """When ``keras.callbacks.EarlyStopping(monitor="val_loss", patience=...)`` would stop.

    Keras counts the epochs since the best value so far; an epoch improves on it when its loss
    is lower by more than ``min_delta``. Training stops after the first epoch that does not
    improve when ``patience`` epochs in a row have not improved (but never after the first
    epoch); with ``restore_best_weights=True`` the weights of the best epoch are put back.

    Parameters
    ----------
    val_losses : sequence of float, shape (E,)
        The validation loss after each epoch (``history.history["val_loss"]``).
    patience : int, default 2
    min_delta : float, default 0.0

    Returns
    -------
    EarlyStop
        ``stopped_after``: the epoch (from 1) after which training stops, or None if it would
        have run all E epochs; ``best_epoch``: the epoch (from 1) with the lowest loss so far
        at that point, whose weights ``restore_best_weights`` keeps.

    Examples
    --------
    >>> early_stopping_epoch([0.9, 0.5, 0.6, 0.55, 0.4], patience=2)
    EarlyStop(stopped_after=4, best_epoch=2)
    >>> early_stopping_epoch([0.9, 0.5, 0.4], patience=2)
    EarlyStop(stopped_after=None, best_epoch=3)
    """
    patience = check_int(patience, "patience", minimum=0)
    values = as_float_array(val_losses, "val_losses", ndims=(1,), min_dtype=np.float64)
    if not isinstance(min_delta, numbers.Real) or min_delta < 0:
        raise ValueError(f"min_delta must be a number >= 0; got {describe(min_delta)}.")
    best, best_epoch, wait = None, 0, 0
    for epoch, value in enumerate(values.tolist()):
        wait += 1
        if best is None or value + min_delta < best:
            best, best_epoch, wait = value, epoch, 0
        elif wait >= patience and epoch > 0:
            return EarlyStop(epoch + 1, best_epoch + 1)
    return EarlyStop(None, best_epoch + 1)
