"""scikit-learn's bundled 8x8 digits: offline data that ships with an installed package.

* :func:`load_digits_flat`: the 1797 digits as 64 values in [0, 1] (notebooks 08 and 09:
  :func:`cnnlab.lessons.digits_split` and :func:`cnnlab.networks.layer_gradient_norms`).
* :func:`digits_as_mnist`: the same digits made MNIST-like, 28x28 uint8, the last source of
  :func:`cnnlab.data.load_mnist` (notebooks 00, 11 and 12 when MNIST is not available).

scikit-learn and scikit-image are imported inside the functions, so importing
:mod:`cnnlab.data` stays cheap.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DIGITS_N_TRAIN", "digits_as_mnist", "load_digits_flat"]

#: Digits stand-in for MNIST: the first 1437 of the 1797 digits train, the last 360 test.
DIGITS_N_TRAIN = 1437


def load_digits_flat(standardise: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The 1797 digits flattened to 64 pixels, scaled from 0-16 to [0, 1], with their labels.

    Parameters
    ----------
    standardise : bool, default False
        Also give every pixel zero mean and unit variance over the 1797 images (``1e-6`` is
        added to the spread, so the always-dark corner pixels stay 0).

    Returns
    -------
    x : ndarray of float32, shape (1797, 64)
    y : ndarray of int64, shape (1797,)

    Examples
    --------
    >>> x, y = load_digits_flat()
    >>> x.shape, float(x.max()), y[:5].tolist()
    ((1797, 64), 1.0, [0, 1, 2, 3, 4])
    """
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    if standardise:
        x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-6)
    return x.astype(np.float32), y.astype(np.int64)


def digits_as_mnist() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The digits made MNIST-like: 0-16 scaled to 0-255, resized to 20x20, centred in 28x28.

    MNIST fits each digit into a 20x20 box centred in a 28x28 image, so each 8x8 digit is
    resized bilinearly (``skimage.transform.resize``, ``order=1``, edges repeated) to 20x20 and
    padded by 4 zero pixels on every side.

    Returns
    -------
    x_train : ndarray of uint8, shape (1437, 28, 28)
    y_train : ndarray of uint8, shape (1437,)
    x_test : ndarray of uint8, shape (360, 28, 28)
    y_test : ndarray of uint8, shape (360,)

    Examples
    --------
    >>> x_train, y_train, x_test, y_test = digits_as_mnist()
    >>> x_train.shape, x_test.shape, int(x_train.max()), int(x_train[:, :4].max())
    ((1437, 28, 28), (360, 28, 28), 255, 0)
    """
    from skimage.transform import resize
    from sklearn.datasets import load_digits

    digits = load_digits()
    big = resize(
        digits.images * (255.0 / 16.0),
        (len(digits.images), 20, 20),
        order=1,
        mode="edge",
        anti_aliasing=False,
        preserve_range=True,
    )
    out = np.zeros((len(big), 28, 28), dtype=np.uint8)
    out[:, 4:24, 4:24] = np.clip(np.rint(big), 0, 255).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    n = DIGITS_N_TRAIN
    return out[:n], labels[:n], out[n:], labels[n:]
