"""Looking inside a Keras network (notebooks 08, 11 and 12).

* :func:`first_layer_filters` and :func:`feature_maps`: the kernels of the first convolution
  and one layer's output for one image (notebook 11).
* :func:`confusion_matrix`: which classes a trained model confuses (notebook 11).
* :func:`grad_cam`: which image regions raised a class score (notebook 12).
* :func:`layer_gradient_norms`: the gradient reaching each layer of a deep Dense network,
  sigmoid against ReLU (notebook 08; the NumPy chain is
  :func:`cnnlab.lessons.chain_gradient`).

Keras and TensorFlow are imported inside the functions; :func:`confusion_matrix` needs neither.
"""

from __future__ import annotations

import numpy as np

from .._validate import check_int, describe, is_int
from ..data.digits import load_digits_flat
from ..lessons.vanishing import check_activation

__all__ = [
    "confusion_matrix",
    "feature_maps",
    "first_layer_filters",
    "grad_cam",
    "layer_gradient_norms",
]


def confusion_matrix(y_true, y_pred, num_classes: int) -> np.ndarray:
    """Count how often each true class was predicted as each class (notebook 11).

    ``sklearn.metrics.confusion_matrix(y_true, y_pred, labels=range(num_classes))`` does the
    counting; this adds the argmax of scores (``model.predict`` output) and error messages that
    say what is wrong.

    Parameters
    ----------
    y_true : array_like of int, shape (N,)
        True labels in ``0 .. num_classes - 1``.
    y_pred : array_like, shape (N,) or (N, num_classes)
        Predicted labels, or scores/probabilities (such as ``model.predict`` output), whose
        argmax is taken.
    num_classes : int

    Returns
    -------
    ndarray of int64, shape (num_classes, num_classes)
        ``cm[i, j]`` = number of samples of true class ``i`` predicted as class ``j``: rows are
        true classes, columns predictions (scikit-learn's convention). The diagonal holds the
        correct predictions; a row sums to the number of samples of that class.

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], num_classes=3)
    array([[1, 1, 0],
           [0, 1, 0],
           [1, 0, 2]])
    """
    k = check_int(num_classes, "num_classes")
    t = np.asarray(y_true)
    p = np.asarray(y_pred)
    if p.ndim == 2:
        if p.shape[1] != k:
            raise ValueError(
                f"y_pred scores must have num_classes={k} columns; got {describe(y_pred)}."
            )
        p = p.argmax(axis=1)
    for arr, name, given in ((t, "y_true", y_true), (p, "y_pred", y_pred)):
        if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
            raise ValueError(
                f"{name} must be a 1-D array of integer labels; got {describe(given)}."
            )
        if arr.size and (arr.min() < 0 or arr.max() >= k):
            raise ValueError(
                f"{name} labels must lie in 0..{k - 1} (num_classes={k}); got values from "
                f"{arr.min()} to {arr.max()}."
            )
    if len(t) != len(p):
        raise ValueError(f"y_true and y_pred must have the same length; got {len(t)} and {len(p)}.")
    from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

    labels = np.arange(k)
    return sklearn_confusion_matrix(t, p, labels=labels).astype(np.int64)


def _find_layer(model, layer):
    """Return a layer of ``model`` by name or index, with a helpful error."""
    names = [lay.name for lay in model.layers]
    if isinstance(layer, str):
        if layer not in names:
            raise ValueError(f"layer {layer!r} is not in the model; its layers are {names}.")
        return model.get_layer(layer)
    if is_int(layer):
        if not -len(names) <= layer < len(names):
            raise ValueError(
                f"layer index {layer} is out of range for a model with {len(names)} layers "
                f"(valid: {-len(names)} to {len(names) - 1})."
            )
        return model.layers[layer]
    raise TypeError(f"layer must be a layer name or an index; got {describe(layer)}.")


def _image_batch(model, image) -> np.ndarray:
    """``image`` as a float32 batch of one, shaped like the model's input."""
    x = np.asarray(image)
    expected = tuple(model.inputs[0].shape[1:])
    if x.ndim == len(expected) - 1:
        x = x[..., np.newaxis]
    if x.ndim == len(expected):
        x = x[np.newaxis]
    if x.ndim != len(expected) + 1 or x.shape[0] != 1:
        raise ValueError(
            f"image must be one image of shape {expected} (or without its channel axis); "
            f"got {describe(image)}."
        )
    if any(e is not None and e != s for e, s in zip(expected, x.shape[1:], strict=True)):
        raise ValueError(f"image must have shape {expected}; got {describe(image)}.")
    return x.astype(np.float32)


def first_layer_filters(model) -> np.ndarray:
    """The kernels of the model's first ``Conv2D`` layer.

    Returns
    -------
    ndarray, shape (kh, kw, C, F)
        ``[..., c, f]`` is filter ``f``'s weights on input channel ``c``.

    Examples
    --------
    >>> from cnnlab.networks import build_cnn
    >>> first_layer_filters(build_cnn(filters=(8, 16), kernel_size=5)).shape
    (5, 5, 1, 8)
    """
    import keras

    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            return np.asarray(layer.get_weights()[0])
    raise ValueError(
        f"model {model.name!r} has no Conv2D layer; its layers are "
        f"{[lay.name for lay in model.layers]}."
    )


def feature_maps(model, image, layer) -> np.ndarray:
    """The output of one layer for one image (inference mode: no dropout).

    Parameters
    ----------
    model : keras.Model
    image : ndarray, shape (H, W), (H, W, C) or (1, H, W, C)
        In the units the model takes (raw 0-255 pixels for the models of
        :func:`cnnlab.networks.build_cnn`).
    layer : str or int
        Layer name (``"relu1"``) or index into ``model.layers``.

    Returns
    -------
    ndarray, float32, the layer's output shape without the batch axis
        ``(h, w, F)`` for a convolutional layer: ``[..., f]`` is feature map ``f``.

    Examples
    --------
    >>> import numpy as np
    >>> from cnnlab.networks import build_cnn
    >>> model = build_cnn(filters=(8,))
    >>> feature_maps(model, np.zeros((28, 28), np.uint8), "relu1").shape
    (26, 26, 8)
    """
    import keras

    target = _find_layer(model, layer)
    x = _image_batch(model, image)
    probe = keras.Model(model.inputs[0], target.output)
    return np.asarray(probe(x, training=False))[0]


def _default_cam_layer(model):
    """The last convolution, or the BN/activation layers right after it."""
    import keras

    conv_types = (keras.layers.Conv2D,)
    follow_types = (
        keras.layers.BatchNormalization,
        keras.layers.ReLU,
        keras.layers.Activation,
        keras.layers.LeakyReLU,
    )
    found, following = None, False
    for layer in model.layers:
        if isinstance(layer, conv_types):
            found, following = layer, True
        elif following and isinstance(layer, follow_types):
            found = layer
        else:
            following = False
    if found is None:
        raise ValueError(
            f"model {model.name!r} has no Conv2D layer for Grad-CAM; pass layer_name= one of "
            f"its layers with a 4-D output: {[lay.name for lay in model.layers]}."
        )
    return found


def grad_cam(model, image, class_index: int | None = None, layer_name: str | None = None):
    """Grad-CAM heatmap: which image regions raised the score of ``class_index``.

    Grad-CAM (Selvaraju et al., 2017) takes the feature maps :math:`A^k` of a convolutional
    layer, weights each by the mean gradient of the class score :math:`y^c` over its
    positions, :math:`\\alpha_k = \\operatorname{mean}_{ij} \\partial y^c / \\partial A^k_{ij}`,
    and keeps the positive part :math:`\\mathrm{ReLU}(\\sum_k \\alpha_k A^k)`. The score is the
    pre-softmax logit: the input of a final ``Softmax``/``Activation("softmax")`` layer, or
    recomputed as ``x @ W + b`` for a final ``Dense(activation="softmax")``; otherwise the
    model's output.

    Parameters
    ----------
    model : keras.Model
        A functional (or built Sequential) model.
    image : ndarray, shape (H, W), (H, W, C) or (1, H, W, C)
        In the units the model takes.
    class_index : int or None, default None
        Class to explain; ``None`` takes the predicted class.
    layer_name : str or None, default None
        Layer whose feature maps are used; ``None`` takes the last convolution (or the batch
        normalisation / activation layers that directly follow it).

    Returns
    -------
    ndarray, float32, shape (H, W)
        The heatmap resized (bilinear) to the input's height and width, scaled so its maximum
        is 1; all zeros if no position raises the score. Values in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from cnnlab.networks import build_cnn
    >>> model = build_cnn(filters=(4, 8))
    >>> heat = grad_cam(model, np.full((28, 28), 128, np.uint8), class_index=3)
    >>> heat.shape, bool(0 <= heat.min() and heat.max() <= 1)
    ((28, 28), True)
    """
    import keras
    import tensorflow as tf

    x = _image_batch(model, image)
    target = _default_cam_layer(model) if layer_name is None else _find_layer(model, layer_name)
    if len(target.output.shape) != 4:
        raise ValueError(
            f"layer_name={target.name!r} has output shape {tuple(target.output.shape)}; "
            "Grad-CAM needs a layer with a 4-D (batch, height, width, channels) output."
        )
    last = model.layers[-1]
    score_source, dense = model.outputs[0], None
    if isinstance(last, keras.layers.Softmax) or (
        isinstance(last, keras.layers.Activation) and last.activation is keras.activations.softmax
    ):
        score_source = last.input
    elif isinstance(last, keras.layers.Dense) and last.activation is keras.activations.softmax:
        score_source, dense = last.input, last
    probe = keras.Model(model.inputs[0], [target.output, score_source])
    with tf.GradientTape() as tape:
        maps, scores = probe(x, training=False)
        if dense is not None:
            scores = tf.matmul(scores, dense.kernel)
            if dense.use_bias:
                scores = scores + dense.bias
        num_classes = int(scores.shape[-1])
        if class_index is None:
            class_index = int(tf.argmax(scores[0]))
        elif not is_int(class_index) or not 0 <= class_index < num_classes:
            raise ValueError(
                f"class_index must be an integer in 0..{num_classes - 1} or None; "
                f"got {describe(class_index)}."
            )
        score = scores[:, int(class_index)]
    grads = tape.gradient(score, maps)
    weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)
    cam = tf.nn.relu(tf.reduce_sum(weights * maps, axis=-1))[0]
    cam = tf.image.resize(cam[..., tf.newaxis], x.shape[1:3], method="bilinear")[..., 0]
    cam = np.clip(np.asarray(cam, dtype=np.float32), 0.0, None)
    peak = float(cam.max())
    if not np.isfinite(peak) or peak <= 0:
        return np.zeros(x.shape[1:3], np.float32)
    return np.clip(cam / peak, 0.0, 1.0)


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
    check_activation(activation)
    depth = check_int(depth, "depth")
    width = check_int(width, "width")
    n_samples = check_int(n_samples, "n_samples")
    if not is_int(seed):
        raise TypeError(f"seed must be an integer; got {describe(seed)}.")
    import keras
    import tensorflow as tf

    x, y = load_digits_flat(standardise=True)
    if n_samples > len(x):
        raise ValueError(
            f"n_samples must be at most {len(x)} (the digits bundled); got {n_samples}."
        )
    pick = np.random.default_rng(seed).permutation(len(x))[:n_samples]
    keras.utils.set_random_seed(seed)
    # cnnlab's activation names are Keras's names
    hidden = [keras.layers.Dense(width, activation=activation) for _ in range(depth)]
    model = keras.Sequential([keras.Input((x.shape[1],)), *hidden, keras.layers.Dense(10)])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    xb, yb = tf.constant(x[pick]), tf.constant(y[pick])
    kernels = [layer.kernel for layer in hidden]
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb, training=True))
    grads = tape.gradient(loss, kernels)
    return np.array([float(tf.reduce_mean(tf.abs(g))) for g in grads])
