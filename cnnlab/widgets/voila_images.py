"""Voilà shows the numbered notebooks' figures: images linked as ``../imgs/...`` are inlined.

Voilà inlines every markdown image ``![alt](src)`` into the page, reading ``src`` through its
contents manager, whose root is the folder it serves. Serving one notebook, that root is the
notebook's folder (``notebooks/``), so ``../imgs/stride.png`` — the link that works in
JupyterLab, on GitHub and on the static site — is refused as "outside root contents
directory", and the page never finishes. :class:`NotebookFolderImages` reads such an image
from the folder above the served one instead, if it is an image file, and inlines it the same
way; every other link is left to Voilà.

The repository's ``voila.json`` selects it, so from the repository's top folder::

    voila notebooks/02-sobel-filters.ipynb

(or pass ``--VoilaExporter.markdown_renderer_class=cnnlab.widgets.voila_images.NotebookFolderImages``).
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from voila.exporter import VoilaMarkdownRenderer

__all__ = ["NotebookFolderImages", "image_beside_root"]


def image_beside_root(root_dir, src: str) -> Path | None:
    """The image file ``src`` names relative to ``root_dir`` when it lies in the folder above.

    Parameters
    ----------
    root_dir : str or Path
        The folder Voilà serves (the notebook's folder).
    src : str
        A markdown image link.

    Returns
    -------
    Path or None
        The file, if ``src`` is a relative link that leaves ``root_dir``, stays within its
        parent folder and names an existing image file (by its extension); otherwise None.

    Examples
    --------
    >>> import tempfile
    >>> top = Path(tempfile.mkdtemp())
    >>> (top / "imgs").mkdir(); (top / "notebooks").mkdir()
    >>> _ = (top / "imgs" / "a.png").write_bytes(b"png")
    >>> image_beside_root(top / "notebooks", "../imgs/a.png") == top / "imgs" / "a.png"
    True
    >>> image_beside_root(top / "notebooks", "../../etc/passwd") is None
    True
    >>> image_beside_root(top / "notebooks", "https://example.org/a.png") is None
    True
    """
    parsed = urlparse(src)
    if parsed.scheme or parsed.netloc or not parsed.path or parsed.path.startswith("/"):
        return None
    root = Path(root_dir).resolve()
    path = (root / PurePosixPath(unquote(parsed.path))).resolve()
    kind, _ = mimetypes.guess_type(path.name)
    if path.is_relative_to(root) or not path.is_relative_to(root.parent):
        return None
    if kind is None or not kind.startswith("image/") or not path.is_file():
        return None
    return path


class NotebookFolderImages(VoilaMarkdownRenderer):
    """Voilà's markdown renderer, also inlining images one folder above the served folder."""

    def image(self, text: str, url: str, title: str | None = None):
        path = image_beside_root(self.contents_manager.root_dir, url)
        if path is None:
            return super().image(text, url, title)
        kind, _ = mimetypes.guess_type(path.name)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        # past Voilà's own lookup (which would try the data URI as a file name)
        return super(VoilaMarkdownRenderer, self).image(text, f"data:{kind};base64,{data}", title)
