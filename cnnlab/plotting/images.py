"""Images and feature maps on matplotlib axes (``ax=None`` in, artists out)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .._validate import as_float_array, is_int
from .style import cmap_for, colorize, display_limits, is_signed

__all__ = ["show_feature_maps", "show_image"]


def _new_ax(ax, figsize=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def show_image(
    image, ax=None, *, title=None, signed=None, colorbar=True, cmap=None, vmin=None, vmax=None
):
    """Show an image or a feature map, with a colormap that suits its values.

    Parameters
    ----------
    image : ndarray, shape (H, W), (H, W, 1) or RGB (H, W, 3)
        A grayscale image (float in [0, 1] or uint8), a feature map, or an RGB image.
    ax : matplotlib Axes, optional
        Draw here; by default a new figure is made.
    title : str, optional
    signed : bool, optional
        ``True`` uses the diverging :data:`DIVERGING_CMAP` with ``vmin == -vmax`` (white = 0),
        ``False`` the sequential :data:`IMAGE_CMAP`; by default negative values decide.
    colorbar : bool, default True
        Add a colour bar (never for RGB images).
    cmap : str, optional
        Another colormap (prefer a colour-blind-safe one, e.g. ``"viridis"``).
    vmin, vmax : float, optional
        Colour limits instead of :func:`display_limits`, e.g. to saturate a few extreme
        values. For a signed map ``vmax`` alone gives ``(-vmax, vmax)``.

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> im = show_image(np.array([[-2.0, 1.0], [0.5, 0.0]]))
    >>> im.get_cmap().name, im.norm.vmin, im.norm.vmax
    ('RdBu_r', -2.0, 2.0)
    >>> plt.close(im.figure)
    """
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    is_rgb = arr.ndim == 3 and arr.shape[2] in (3, 4)
    if not (arr.ndim == 2 or is_rgb):
        raise ValueError(
            f"image must have shape (H, W), (H, W, 1) or RGB (H, W, 3); got shape {arr.shape}."
        )
    ax = _new_ax(ax)
    if is_rgb:
        im = ax.imshow(colorize(arr), interpolation="auto")
    else:
        arr = as_float_array(arr, "image") if arr.dtype != np.uint8 else arr
        if signed is None:
            signed = is_signed(arr)
        lo, hi = display_limits(arr, signed)
        if signed and vmax is not None and vmin is None:
            lo, hi = -abs(float(vmax)), abs(float(vmax))
        lo = lo if vmin is None else float(vmin)
        hi = hi if vmax is None else float(vmax)
        name = cmap or cmap_for(arr, signed)
        # "auto": crisp pixels when enlarged, anti-aliased (no moire) when shrunk
        im = ax.imshow(arr, cmap=name, vmin=lo, vmax=hi, interpolation="auto")
        if colorbar:
            cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
            cb.outline.set_visible(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title is not None:
        ax.set_title(title)
    return im


def show_feature_maps(
    maps, fig=None, *, ncols=4, titles=None, signed=None, share_limits=False, colorbar=False
):
    """Show the channels of a feature-map volume side by side, one small image per map.

    Parameters
    ----------
    maps : ndarray, shape (H, W, F), (1, H, W, F) or (H, W)
        The output of a convolution layer for one image (channels_last).
    fig : matplotlib Figure, optional
        Draw into this (cleared) figure; by default a new one sized for the grid.
    ncols : int, default 4
        Maps per row.
    titles : list of str, optional
        One per map; default ``"map 0"``, ``"map 1"``, ...
    signed : bool, optional
        As in :func:`show_image`; decided once for all maps so they share one colormap.
    share_limits : bool, default False
        Same colour limits for every map (compare strengths) instead of one scale per map.
    colorbar : bool, default False
        A small colour bar next to each map.

    Returns
    -------
    list of matplotlib.image.AxesImage, one per map

    Examples
    --------
    >>> ims = show_feature_maps(np.random.default_rng(0).normal(size=(8, 8, 6)), ncols=3)
    >>> len(ims), ims[0].get_cmap().name
    (6, 'RdBu_r')
    >>> plt.close(ims[0].figure)
    """
    arr = as_float_array(maps, "maps", ndims=(2, 3, 4))
    if arr.ndim == 4:
        if arr.shape[0] != 1:
            raise ValueError(
                f"maps must be (H, W, F) for one image; got a batch of shape {arr.shape}. "
                "Pass maps[i] for the i-th image."
            )
        arr = arr[0]
    if arr.ndim == 2:
        arr = arr[:, :, None]
    n = arr.shape[2]
    cols = min(n, int(ncols) if is_int(ncols) and ncols > 0 else 4)
    rows = -(-n // cols)
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles must have one entry per map ({n}); got {len(titles)} titles.")
    if signed is None:
        signed = is_signed(arr)
    shared = display_limits(arr, signed) if share_limits else None
    if fig is None:
        fig = plt.figure(figsize=(3.2 * cols + (0.8 * cols if colorbar else 0), 3.3 * rows))
    else:
        fig.clear()
    axes = fig.subplots(rows, cols, squeeze=False)
    images = []
    for f in range(rows * cols):
        ax = axes.flat[f]
        if f >= n:
            ax.set_visible(False)
            continue
        m = arr[:, :, f]
        title = titles[f] if titles is not None else f"map {f}"
        im = show_image(m, ax, title=title, signed=signed, colorbar=colorbar)
        if shared is not None:
            im.set_clim(*shared)
        images.append(im)
    return images
