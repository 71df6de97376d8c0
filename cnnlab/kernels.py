"""Named hand-made kernels (filters), as used before deep learning learned them from data.

All kernels are float64 arrays of shape ``(size, size)`` meant for :func:`cnnlab.conv2d`,
i.e. for *cross-correlation* (no flip): the value at row ``i``, column ``j`` multiplies the
pixel ``i`` rows below and ``j`` columns right of the window's top-left corner.

Orientation convention (the one the curriculum uses): the **vertical** Sobel kernel responds to
*vertical* lines and edges (intensity changing from left to right); the **horizontal** one to
horizontal lines and edges (intensity changing from top to bottom). Up to the factor
``1 / 4``, ``conv2d(img, sobel_vertical())`` equals ``skimage.filters.sobel_v(img)`` away from
the border (checked in ``tests/test_kernels.py``).

:func:`parse_kernel` reads a kernel typed as text (``"1 0 -1; 2 0 -2; 1 0 -1"``, fractions such
as ``1/9`` included) and :func:`format_kernel` writes one back.

References
----------
.. [1] I. Sobel and G. Feldman, "A 3x3 isotropic gradient operator for image processing",
   talk at the Stanford Artificial Intelligence Project, 1968; described in R. Duda and
   P. Hart, *Pattern Classification and Scene Analysis*, Wiley, 1973, pp. 271-272.
.. [2] OpenCV, ``getDerivKernels`` (larger Sobel kernels from binomial coefficients),
   https://docs.opencv.org/4.x/d4/d86/group__imgproc__filter.html
.. [3] scikit-image, ``skimage.filters.sobel_h`` / ``sobel_v``,
   https://scikit-image.org/docs/stable/api/skimage.filters.html
"""

from __future__ import annotations

import re
from fractions import Fraction
from math import comb

import numpy as np

from ._validate import check_int, check_real, describe

__all__ = [
    "KERNEL_EXAMPLE",
    "KERNELS",
    "box_blur",
    "curve_detector",
    "emboss",
    "format_kernel",
    "gaussian_blur",
    "get_kernel",
    "identity",
    "laplacian",
    "outline",
    "parse_kernel",
    "sharpen",
    "sobel_horizontal",
    "sobel_vertical",
]


def _size(size, *, odd=False, minimum=1):
    k = check_int(size, "size", minimum=minimum)
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
    sigma = check_real(sigma, "sigma", low=0, low_open=True, what="in pixels")
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


# --------------------------------------------------------------------------------------------
# Kernels typed as text (parsed, never evaluated)
# --------------------------------------------------------------------------------------------
#: Largest kernel :func:`parse_kernel` accepts (rows and columns).
MAX_KERNEL_SIDE = 15
KERNEL_EXAMPLE = "1 0 -1; 2 0 -2; 1 0 -1"


def _parse_number(token: str) -> Fraction:
    """One typed number, ``2``, ``-0.5``, ``1e-3`` or ``1/9``, read exactly as a Fraction."""
    numerator, slash, denominator = token.partition("/")
    try:
        if "/" in numerator + denominator:
            raise ValueError(token)  # Fraction() alone would read "1/2" inside "1/2/3"
        value = Fraction(numerator)
        if slash:
            value /= Fraction(denominator)
    except ZeroDivisionError:
        raise ValueError(f'custom kernel: "{token}" divides by zero.') from None
    except ValueError:
        shown = token if len(token) <= 30 else token[:27] + "..."
        raise ValueError(
            f'custom kernel: "{shown}" is not a number. Type numbers separated by '
            f"spaces, rows separated by ';', e.g. {KERNEL_EXAMPLE}"
        ) from None
    return value


def parse_kernel(text) -> np.ndarray:
    """Read a kernel typed as numbers: rows separated by ``;`` or new lines.

    Numbers are separated by spaces or commas; decimals (``0.5``, ``1e-3``) and fractions
    (``1/9``, read by :class:`fractions.Fraction`) are allowed, and a pasted Python list
    ``[[1, 0], [0, 1]]`` works too. Nothing is evaluated: any other text is rejected with a
    ``ValueError`` saying what is wrong.

    Parameters
    ----------
    text : str

    Returns
    -------
    ndarray of float64, shape (rows, cols)
        At most :data:`MAX_KERNEL_SIDE` rows and columns.

    Examples
    --------
    >>> parse_kernel("1 0 -1; 2 0 -2; 1 0 -1")
    array([[ 1.,  0., -1.],
           [ 2.,  0., -2.],
           [ 1.,  0., -1.]])
    >>> parse_kernel("1/4, 1/4\\n1/4, 1/4").tolist()
    [[0.25, 0.25], [0.25, 0.25]]
    >>> parse_kernel("[[1, 0], [0, 1]]").tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    >>> parse_kernel("__import__('os')")
    Traceback (most recent call last):
    ...
    ValueError: custom kernel: "__import__('os')" is not a number. Type numbers separated by spaces, rows separated by ';', e.g. 1 0 -1; 2 0 -2; 1 0 -1
    """
    if not isinstance(text, str):
        raise TypeError(f"custom kernel must be text; got {type(text).__name__}.")
    cleaned = text.replace("\u2212", "-").strip()  # a typographic minus, as pasted from slides
    if not cleaned:
        raise ValueError(f"custom kernel is empty. Type numbers, e.g. {KERNEL_EXAMPLE}")
    if "[" in cleaned:
        if cleaned.startswith("[[") and cleaned.endswith("]]"):
            rows_text = re.findall(r"\[([^\[\]]*)\]", cleaned)
        else:
            rows_text = [cleaned.strip("[]")]
    else:
        rows_text = [r for r in re.split(r"[;\n]", cleaned) if r.strip()]
    rows = []
    for row_text in rows_text:
        row = [_parse_number(token) for token in re.split(r"[\s,]+", row_text.strip()) if token]
        if row:
            rows.append(row)
    if not rows:
        raise ValueError(f"custom kernel has no numbers. Type numbers, e.g. {KERNEL_EXAMPLE}")
    if len({len(r) for r in rows}) > 1:
        raise ValueError(
            f"custom kernel: every row needs the same number of values; got rows of lengths "
            f"{[len(r) for r in rows]}."
        )
    if len(rows) > MAX_KERNEL_SIDE or len(rows[0]) > MAX_KERNEL_SIDE:
        raise ValueError(
            f"custom kernel is {len(rows)}x{len(rows[0])}; at most "
            f"{MAX_KERNEL_SIDE}x{MAX_KERNEL_SIDE} is allowed."
        )
    try:
        kernel = np.array([[float(v) for v in row] for row in rows], dtype=float)
    except OverflowError:
        kernel = np.array([np.inf])  # a number too large for float64: rejected just below
    if not np.all(np.isfinite(kernel)):
        raise ValueError("custom kernel: every value must be a finite number.")
    return kernel


def format_kernel(kernel) -> str:
    """Write a 2-D kernel as the text :func:`parse_kernel` reads back.

    Values are written with 6 significant digits (``%g``), so simple values survive a round
    trip exactly and others to about 1e-6 relative.

    Parameters
    ----------
    kernel : array_like, shape (rows, cols)

    Returns
    -------
    str
        Rows separated by ``"; "``, values by spaces.

    Examples
    --------
    >>> format_kernel(np.array([[1.0, 0.0], [0.5, -2.0]]))
    '1 0; 0.5 -2'
    >>> format_kernel(box_blur(2))
    '0.25 0.25; 0.25 0.25'
    """
    arr = np.asarray(kernel, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"kernel must be 2-D (rows, cols); got shape {arr.shape}.")
    return "; ".join(" ".join(f"{v:g}" for v in row) for row in arr)
