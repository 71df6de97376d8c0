"""Named hand-made kernels (filters), as used before deep learning learned them from data.

All kernels are float64 arrays of shape ``(size, size)`` meant for :func:`cnnlab.conv2d`,
i.e. for *cross-correlation* (no flip): the value at row ``i``, column ``j`` multiplies the
pixel ``i`` rows below and ``j`` columns right of the window's top-left corner.

Orientation convention (the one the curriculum uses): the **vertical** Sobel kernel responds to
*vertical* lines and edges (intensity changing from left to right); the **horizontal** one to
horizontal lines and edges (intensity changing from top to bottom). Up to the factor
``1 / 4``, ``conv2d(img, sobel_vertical())`` equals ``skimage.filters.sobel_v(img)`` away from
the border (checked in ``tests/test_kernels.py``).
"""

from __future__ import annotations

import numbers
from math import comb

import numpy as np

from ._validate import check_positive_int, describe

__all__ = [
    "KERNELS",
    "box_blur",
    "curve_detector",
    "emboss",
    "gaussian_blur",
    "get_kernel",
    "identity",
    "laplacian",
    "outline",
    "sharpen",
    "sobel_horizontal",
    "sobel_vertical",
]


def _size(size, *, odd=False, minimum=1):
    k = check_positive_int(size, "size", minimum=minimum)
    if odd and k % 2 == 0:
        raise ValueError(f"size must be odd (the kernel needs a centre pixel); got {k}.")
    return k


def identity(size=3):
    """A kernel that copies the image: 1 at the centre, 0 elsewhere.

    For an even ``size`` the 1 sits at ``(size - 1) // 2`` (the upper-left of the four central
    cells).

    Examples
    --------
    >>> identity(3)
    array([[0., 0., 0.],
           [0., 1., 0.],
           [0., 0., 0.]])
    """
    k = _size(size)
    out = np.zeros((k, k))
    out[(k - 1) // 2, (k - 1) // 2] = 1.0
    return out


def box_blur(size=3):
    """Box blur: the mean of the ``size x size`` window (all weights ``1 / size**2``).

    Examples
    --------
    >>> box_blur(2)
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    k = _size(size)
    return np.full((k, k), 1.0 / (k * k))


def gaussian_blur(size=5, sigma=None):
    """Gaussian blur: weights :math:`\\propto e^{-(r^2 + c^2) / 2\\sigma^2}`, summing to 1.

    Parameters
    ----------
    size : int, default 5
    sigma : float, optional
        Standard deviation in pixels. Default ``0.3 * ((size - 1) / 2 - 1) + 0.8``, OpenCV's
        rule, which makes the kernel fall to a few percent at its edge.

    Examples
    --------
    >>> g = gaussian_blur(3)
    >>> float(g.sum()), bool(g[1, 1] == g.max())
    (1.0, True)
    """
    k = _size(size)
    if sigma is None:
        sigma = 0.3 * ((k - 1) * 0.5 - 1) + 0.8
    if isinstance(sigma, bool | np.bool_) or not isinstance(sigma, numbers.Real):
        raise TypeError(f"sigma must be a positive number (in pixels); got {describe(sigma)}.")
    if not (np.isfinite(sigma) and sigma > 0):
        raise ValueError(f"sigma must be a positive number (in pixels); got {describe(sigma)}.")
    r = np.arange(k) - (k - 1) / 2
    g1 = np.exp(-(r**2) / (2.0 * sigma**2))
    g = np.outer(g1, g1)
    return g / g.sum()


def sharpen(size=3):
    """Sharpen: the image plus its difference from the local mean.

    For ``size=3`` the classic ``[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]``; for other sizes
    ``2 * identity - box_blur`` (unsharp masking), which also sums to 1.

    Examples
    --------
    >>> sharpen()
    array([[ 0., -1.,  0.],
           [-1.,  5., -1.],
           [ 0., -1.,  0.]])
    """
    k = _size(size)
    if k == 3:
        return np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]])
    return 2.0 * identity(k) - box_blur(k)


def emboss(size=3):
    """Emboss: a diagonal derivative plus the image, so edges look raised, lit from top-left.

    ``e[i, j] = (i - c) + (j - c)`` with ``c`` the centre, and 1 at the centre.

    Examples
    --------
    >>> emboss()
    array([[-2., -1.,  0.],
           [-1.,  1.,  1.],
           [ 0.,  1.,  2.]])
    """
    k = _size(size, odd=True)
    c = (k - 1) // 2
    r = np.arange(k) - c
    out = (r[:, None] + r[None, :]).astype(float)
    out[c, c] = 1.0
    return out


def outline(size=3):
    """Outline (a Laplacian-like edge detector): ``size**2 - 1`` at the centre, -1 elsewhere.

    Sums to 0, so flat regions become 0 and every edge lights up, whatever its orientation.

    Examples
    --------
    >>> outline()
    array([[-1., -1., -1.],
           [-1.,  8., -1.],
           [-1., -1., -1.]])
    """
    k = _size(size, odd=True)
    out = -np.ones((k, k))
    out[k // 2, k // 2] = k * k - 1.0
    return out


def laplacian():
    """The 4-neighbour discrete Laplacian ``[[0, 1, 0], [1, -4, 1], [0, 1, 0]]``.

    Examples
    --------
    >>> int(laplacian().sum())
    0
    """
    return np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def _binomial(n):
    return np.array([comb(n, i) for i in range(n + 1)], dtype=float)


def _sobel_pair(size):
    k = _size(size, odd=True, minimum=3)
    smooth = _binomial(k - 1)  # e.g. [1, 2, 1] for k = 3
    diff = np.convolve(_binomial(k - 3), [-1.0, 0.0, 1.0])  # e.g. [-1, 0, 1] for k = 3
    return smooth, diff


def sobel_vertical(size=3):
    """Vertical Sobel kernel: responds to vertical edges and lines.

    Binomial smoothing down the columns times a central difference across them: for
    ``size=3``

    .. math::

        \\begin{bmatrix} -1 & 0 & 1 \\\\ -2 & 0 & 2 \\\\ -1 & 0 & 1 \\end{bmatrix}

    As a cross-correlation it gives a *positive* response where the image gets brighter from
    left to right (the horizontal derivative of the intensity, so vertical edges light up) and
    a negative one where it gets darker: the same sign as ``skimage.filters.sobel_v``. Larger
    odd sizes use the binomial coefficients of order ``size - 1`` for smoothing and
    ``[-1, 0, 1]`` convolved with those of order ``size - 3`` for the difference (OpenCV's
    construction).

    Parameters
    ----------
    size : odd int >= 3, default 3

    Returns
    -------
    ndarray, shape (size, size)

    Examples
    --------
    >>> sobel_vertical()
    array([[-1.,  0.,  1.],
           [-2.,  0.,  2.],
           [-1.,  0.,  1.]])
    >>> sobel_vertical(5)[2]
    array([ -6., -12.,   0.,  12.,   6.])
    """
    smooth, diff = _sobel_pair(size)
    return np.outer(smooth, diff)


def sobel_horizontal(size=3):
    """Horizontal Sobel kernel: responds to horizontal edges and lines.

    The transpose of :func:`sobel_vertical`: positive where the image gets brighter from top to
    bottom, the sign of ``skimage.filters.sobel_h``.

    Examples
    --------
    >>> sobel_horizontal()
    array([[-1., -2., -1.],
           [ 0.,  0.,  0.],
           [ 1.,  2.,  1.]])
    """
    return sobel_vertical(size).T.copy()


def curve_detector():
    """The classic 7x7 "curve detector": weight 30 along a curve bending to the upper right.

    A window whose bright pixels follow the same curve gives a large response; one whose
    pixels lie elsewhere gives 0.

    Examples
    --------
    >>> k = curve_detector()
    >>> k.shape, int((k > 0).sum()), float(k.max())
    ((7, 7), 6, 30.0)
    """
    out = np.zeros((7, 7))
    for r, c in ((0, 5), (1, 4), (2, 3), (3, 3), (4, 3), (5, 3)):
        out[r, c] = 30.0
    return out


#: name -> builder taking the kernel size, for menus in explorers.
KERNELS = {
    "identity": identity,
    "box blur": box_blur,
    "gaussian blur": gaussian_blur,
    "sharpen": sharpen,
    "emboss": emboss,
    "outline": outline,
    "sobel vertical": sobel_vertical,
    "sobel horizontal": sobel_horizontal,
}


def get_kernel(name, size=3):
    """Build the named kernel at the given size.

    Parameters
    ----------
    name : str
        One of ``KERNELS`` (``"identity"``, ``"box blur"``, ``"gaussian blur"``, ``"sharpen"``,
        ``"emboss"``, ``"outline"``, ``"sobel vertical"``, ``"sobel horizontal"``), or
        ``"laplacian"`` / ``"curve detector"`` (fixed sizes 3 and 7).
    size : int, default 3

    Examples
    --------
    >>> get_kernel("sobel vertical", 3)[0]
    array([-1.,  0.,  1.])
    """
    key = name.lower().replace("_", " ") if isinstance(name, str) else name
    fixed = {"laplacian": (laplacian, 3), "curve detector": (curve_detector, 7)}
    if key in fixed:
        builder, n = fixed[key]
        if size != n:
            raise ValueError(f"the {key} kernel only exists as {n}x{n}; got size={size!r}.")
        return builder()
    if key not in KERNELS:
        valid = ", ".join(repr(k) for k in [*KERNELS, *fixed])
        raise ValueError(f"name must be one of {valid}; got {describe(name)}.")
    return KERNELS[key](size)
