"""MNIST and Fashion-MNIST that load anywhere, offline included (notebooks 00, 11 and 12).

:func:`load_mnist` and :func:`load_fashion_mnist` try these sources in order and use the first
one that has the data:

1. ``"data_dir"``: the folder given as ``data_dir=`` or, by default, in the environment
   variable ``CNNLAB_DATA_DIR``. It holds the original IDX files (gzip-compressed or not) in
   ``mnist/`` and ``fashion-mnist/``; for MNIST, Keras's ``mnist.npz`` is accepted as well.
2. ``"keras_cache"``: Keras's download cache, ``$KERAS_HOME/datasets`` (default
   ``~/.keras/datasets``): ``mnist.npz`` and ``fashion-mnist/*.gz``.
3. ``"keras_download"``: ``keras.datasets.<name>.load_data()``. A short reachability check of
   the download host comes first, so a dead network costs seconds, not minutes; TensorFlow is
   imported only if the host answers. This is the one Keras call outside
   :mod:`cnnlab.networks`, on purpose: it only downloads files (no model, no tensors), and
   keeping it here lets the data layer stand alone instead of depending on the network layer.
4. ``"sklearn_digits"``: scikit-learn's bundled 8x8 digits (shipped inside the installed
   package), upsampled to 28x28 like MNIST (:func:`cnnlab.data.digits.digits_as_mnist`). A
   small stand-in that always works offline.

The result unpacks like Keras's ``load_data()`` and remembers where the data came from::

    data = load_mnist()
    (x_train, y_train), (x_test, y_test) = data
    print(f"Loaded MNIST from {data.where}")

Images stay uint8 (N, 28, 28) and labels uint8 (N,); nothing is converted to float here.
Keras and scikit-learn are imported inside the functions that need them, so importing this
module is cheap. Data licences: MNIST (LeCun, Cortes, Burges) CC BY-SA 3.0; Fashion-MNIST
(Zalando SE) MIT.
"""

from __future__ import annotations

import os
import socket
import threading
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._validate import check_int, describe
from .digits import digits_as_mnist
from .idx import read_idx

__all__ = [
    "FASHION_MNIST_CLASSES",
    "MNIST_CLASSES",
    "SOURCES",
    "DataUnavailableError",
    "Dataset",
    "load_fashion_mnist",
    "load_mnist",
]

#: The places the loaders look, in the order they are tried by default.
SOURCES = ("data_dir", "keras_cache", "keras_download", "sklearn_digits")

#: Class names of MNIST (the digits themselves).
MNIST_CLASSES = tuple(str(d) for d in range(10))

#: Class names of Fashion-MNIST, indexed by label (as in ``keras.datasets.fashion_mnist``).
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


class DataUnavailableError(OSError):
    """None of the requested sources had the dataset (only possible without ``sklearn_digits``)."""


_WHERE = {
    "data_dir": "the data directory {location}",
    "keras_cache": "the Keras cache {location}",
    "keras_download": "a Keras download from {location}",
    "sklearn_digits": "scikit-learn's bundled 8x8 digits, upsampled to 28x28 (a small stand-in)",
}


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A train/test split plus where it came from; unpacks like Keras's ``load_data()``.

    ``(x_train, y_train), (x_test, y_test) = dataset`` works, and so does attribute access.

    Attributes
    ----------
    name : str
        The dataset asked for: ``"MNIST"`` or ``"Fashion-MNIST"``.
    x_train : ndarray of uint8, shape (N_train, 28, 28)
    y_train : ndarray of uint8, shape (N_train,), values 0-9
    x_test : ndarray of uint8, shape (N_test, 28, 28)
    y_test : ndarray of uint8, shape (N_test,), values 0-9
    class_names : tuple of str
        Name of each label value; the digits ``"0"`` ... ``"9"`` when the digits stand-in
        was loaded (also in place of Fashion-MNIST).
    source : str
        Which source delivered the data, one of :data:`SOURCES`.
    location : str
        The folder or file read, the download URL, or ``sklearn.datasets.load_digits``.
    tried : tuple of str
        Why each source tried before ``source`` did not deliver, one sentence each.

    Examples
    --------
    >>> data = load_mnist(sources=["sklearn_digits"], n_train=100)
    >>> (x_train, y_train), (x_test, y_test) = data
    >>> x_train.shape, y_test.shape, data.source
    ((100, 28, 28), (360,), 'sklearn_digits')
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str
    location: str
    tried: tuple[str, ...] = ()

    def __iter__(self):
        return iter(((self.x_train, self.y_train), (self.x_test, self.y_test)))

    @property
    def where(self) -> str:
        """Readable description of the source, e.g. ``the data directory /data/mnist``."""
        return _WHERE[self.source].format(location=self.location)

    def __str__(self) -> str:
        h, w = self.x_train.shape[1:]
        return (
            f"{self.name} from {self.where}: {len(self.x_train)} training and "
            f"{len(self.x_test)} test images, {h}x{w} uint8"
        )

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, source={self.source!r}, location={self.location!r}, "
            f"train={self.x_train.shape}, test={self.x_test.shape})"
        )


# ----------------------------------------------------------------------------------------------
# Sources
# ----------------------------------------------------------------------------------------------


class _Unavailable(Exception):
    """A source does not have the data; the message says why (it goes into ``tried``)."""


@dataclass(frozen=True)
class _Spec:
    name: str  # for messages: "MNIST"
    keras_name: str  # module in keras.datasets
    dir_names: tuple[str, ...]  # sub-folders of the data dir
    npz_name: str | None  # Keras's single-file layout, MNIST only
    class_names: tuple[str, ...]


_MNIST = _Spec("MNIST", "mnist", ("mnist",), "mnist.npz", MNIST_CLASSES)
_FASHION = _Spec(
    "Fashion-MNIST",
    "fashion_mnist",
    ("fashion-mnist", "fashion_mnist"),
    None,
    FASHION_MNIST_CLASSES,
)

_IDX_PARTS = (
    ("train", "images", "idx3"),
    ("train", "labels", "idx1"),
    ("t10k", "images", "idx3"),
    ("t10k", "labels", "idx1"),
)

#: Where Keras downloads the datasets from (reachability is checked before importing Keras).
_DOWNLOAD_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_DOWNLOAD_HOST = "storage.googleapis.com"
_DOWNLOAD_PORT = 443
_PROBE_TIMEOUT = 3.0  # seconds for DNS + TCP connect to the download host
_DOWNLOAD_TIMEOUT = 30.0  # socket timeout while Keras downloads (a stalled read fails)

_N_CLASSES = 10
_SIDE = 28


def _check_split(x, y, x_where: str, y_where: str) -> tuple[np.ndarray, np.ndarray]:
    """Check images (N, 28, 28) uint8 and labels (N,) in 0-9; return both, writable, labels uint8."""
    x = np.asarray(x)
    y = np.asarray(y)
    if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (_SIDE, _SIDE):
        raise ValueError(
            f"images in {x_where} must be uint8 of shape (N, 28, 28), got shape {x.shape} "
            f"and dtype {x.dtype}."
        )
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"labels in {y_where} must be integers of shape (N,), got shape {y.shape} "
            f"and dtype {y.dtype}."
        )
    if len(y) != len(x):
        raise ValueError(
            f"labels in {y_where} must match the images in {x_where}: {len(y)} labels for "
            f"{len(x)} images."
        )
    if len(y) and (y.min() < 0 or y.max() >= _N_CLASSES):
        raise ValueError(
            f"labels in {y_where} must lie in 0-9, got values from {y.min()} to {y.max()}."
        )
    if not x.flags.writeable:
        x = x.copy()
    return x, y.astype(np.uint8, copy=not y.flags.writeable)


def _read_idx_set(folder: Path) -> tuple[np.ndarray, ...]:
    """Read the four IDX files from ``folder``; raise ``_Unavailable`` if one is missing."""
    paths = []
    for split, kind, idx in _IDX_PARTS:
        names = [
            f"{split}-{kind}-{idx}-ubyte.gz",
            f"{split}-{kind}-{idx}-ubyte",
            f"{split}-{kind}.{idx}-ubyte.gz",  # the dotted form some unzippers produce
            f"{split}-{kind}.{idx}-ubyte",
        ]
        found = next((folder / n for n in names if (folder / n).is_file()), None)
        if found is None:
            raise _Unavailable(f"no {names[0]} (or uncompressed) in {folder}")
        paths.append(found)
    arrays = [read_idx(p) for p in paths]
    x_train, y_train = _check_split(arrays[0], arrays[1], str(paths[0]), str(paths[1]))
    x_test, y_test = _check_split(arrays[2], arrays[3], str(paths[2]), str(paths[3]))
    return x_train, y_train, x_test, y_test


def _read_npz(path: Path) -> tuple[np.ndarray, ...]:
    """Read Keras's ``mnist.npz`` layout (keys x_train, y_train, x_test, y_test)."""
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError(f"it holds a single array, not the arrays {', '.join(keys)}")
        with loaded:
            if not set(keys) <= set(loaded.files):
                raise ValueError(f"it must hold the arrays {', '.join(keys)}")
            arrays = tuple(loaded[k] for k in keys)
    except (OSError, ValueError, EOFError, zlib.error, zipfile.BadZipFile) as exc:
        raise ValueError(f"{str(path)!r} is not a readable Keras-style .npz file: {exc}.") from exc
    x_train, y_train = _check_split(arrays[0], arrays[1], str(path), str(path))
    x_test, y_test = _check_split(arrays[2], arrays[3], str(path), str(path))
    return x_train, y_train, x_test, y_test


def _from_data_dir(spec: _Spec, data_dir) -> tuple[tuple[np.ndarray, ...], str]:
    label = "data_dir"
    if data_dir is None:
        label = "CNNLAB_DATA_DIR"
        data_dir = os.environ.get("CNNLAB_DATA_DIR", "")
        if not data_dir:
            raise _Unavailable("CNNLAB_DATA_DIR is not set")
    root = Path(os.fspath(data_dir)).expanduser()
    if not root.is_dir():
        raise _Unavailable(f"{label} {str(root)!r} is not a directory")
    reasons = []
    for sub in spec.dir_names:
        folder = root / sub
        if folder.is_dir():
            try:
                return _read_idx_set(folder), str(folder)
            except _Unavailable as exc:
                reasons.append(str(exc))
    if spec.npz_name is not None:
        for npz in (root / spec.npz_name, root / spec.dir_names[0] / spec.npz_name):
            if npz.is_file():
                return _read_npz(npz), str(npz)
    if not reasons:
        folders = " or ".join(f"{d}/" for d in spec.dir_names)
        reasons.append(
            f"no {folders} folder" + (f" and no {spec.npz_name}" if spec.npz_name else "")
        )
    raise _Unavailable(f"{label} {root}: " + "; ".join(reasons))


def _keras_cache_dirs() -> list[Path]:
    """Keras's dataset cache folders, resolved as keras does (``KERAS_HOME``, ``~``, ``/tmp``)."""
    if "KERAS_HOME" in os.environ:
        home = Path(os.environ["KERAS_HOME"]).expanduser()
    else:
        base = Path.home()
        home = (base if os.access(base, os.W_OK) else Path("/tmp")) / ".keras"
    dirs = [home / "datasets"]
    if not os.access(home, os.W_OK):  # keras.utils.get_file then downloads to /tmp/.keras
        dirs.append(Path("/tmp") / ".keras" / "datasets")
    return list(dict.fromkeys(dirs))


def _from_keras_cache(spec: _Spec) -> tuple[tuple[np.ndarray, ...], str]:
    reasons = []
    for folder in _keras_cache_dirs():
        try:
            if spec.npz_name is not None:
                npz = folder / spec.npz_name
                if npz.is_file():
                    return _read_npz(npz), str(npz)
                reasons.append(f"no {spec.npz_name} in {folder}")
            else:
                sub = folder / spec.dir_names[0]
                return _read_idx_set(sub), str(sub)
        except _Unavailable as exc:
            reasons.append(str(exc))
        except ValueError as exc:  # a damaged cache file: a download would replace it
            reasons.append(f"unreadable: {exc}")
    raise _Unavailable("Keras cache: " + "; ".join(reasons))


def _proxy_for(host: str) -> tuple[str, int] | None:
    """The (host, port) of the HTTPS proxy urllib would use for ``host``, if any."""
    import urllib.parse
    import urllib.request

    proxy = urllib.request.getproxies().get("https")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    parts = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def _probe(host: str, port: int, timeout: float) -> str | None:
    """Return None if a TCP connection to ``host:port`` (or its proxy) opens within ``timeout``
    seconds, else the reason. DNS lookups ignore socket timeouts, so the attempt runs in a
    daemon thread that is abandoned when the time is up."""
    target = _proxy_for(host) or (host, port)
    outcome: list[BaseException | None] = []

    def attempt():
        try:
            socket.create_connection(target, timeout=timeout).close()
            outcome.append(None)
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=attempt, name="cnnlab-data-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    via = f" via proxy {target[0]}:{target[1]}" if target != (host, port) else ""
    if not outcome:
        return f"{host}:{port}{via} did not answer within {timeout:g} s"
    if outcome[0] is not None:
        return f"{host}:{port}{via} unreachable ({outcome[0]})"
    return None


def _keras_download(keras_name: str) -> tuple[np.ndarray, ...]:
    """Run ``keras.datasets.<keras_name>.load_data()`` with a socket timeout in force."""
    from keras import datasets

    loader = getattr(datasets, keras_name).load_data
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(_DOWNLOAD_TIMEOUT)
    try:
        (x_train, y_train), (x_test, y_test) = loader()
    finally:
        socket.setdefaulttimeout(previous)
    return x_train, y_train, x_test, y_test


def _from_download(spec: _Spec) -> tuple[tuple[np.ndarray, ...], str]:
    problem = _probe(_DOWNLOAD_HOST, _DOWNLOAD_PORT, _PROBE_TIMEOUT)
    if problem is not None:
        raise _Unavailable(f"Keras download: {problem}")
    try:
        arrays = _keras_download(spec.keras_name)
    except Exception as exc:  # keras raises bare Exception on URL errors
        raise _Unavailable(f"Keras download failed ({type(exc).__name__}: {exc})") from exc
    where = f"keras.datasets.{spec.keras_name}"
    x_train, y_train = _check_split(arrays[0], arrays[1], where, where)
    x_test, y_test = _check_split(arrays[2], arrays[3], where, where)
    return (x_train, y_train, x_test, y_test), _DOWNLOAD_URL


# ----------------------------------------------------------------------------------------------
# Public loaders
# ----------------------------------------------------------------------------------------------


def _check_sources(sources) -> tuple[str, ...]:
    if isinstance(sources, str):
        sources = (sources,)
    try:
        chosen = tuple(sources)
    except TypeError:
        raise TypeError(
            f"sources must be a sequence drawn from {SOURCES}, got {describe(sources)}."
        ) from None
    if not chosen:
        raise ValueError(f"sources must name at least one of {SOURCES}, got {sources!r}.")
    for s in chosen:
        if s not in SOURCES:
            raise ValueError(f"sources may only contain {SOURCES}, got {s!r}.")
    return chosen


def _subset(x, y, n, name):
    if n is None:
        return x, y
    n = check_int(n, name)
    if n >= len(x):
        return x, y
    return x[:n].copy(), y[:n].copy()


def _load(spec: _Spec, *, data_dir, sources, n_train, n_test, verbose) -> Dataset:
    chosen = _check_sources(sources)
    for value, name in ((n_train, "n_train"), (n_test, "n_test")):
        if value is not None:
            check_int(value, name)
    tried: list[str] = []
    for source in chosen:
        try:
            if source == "data_dir":
                arrays, location = _from_data_dir(spec, data_dir)
            elif source == "keras_cache":
                arrays, location = _from_keras_cache(spec)
            elif source == "keras_download":
                arrays, location = _from_download(spec)
            else:
                arrays, location = digits_as_mnist(), "sklearn.datasets.load_digits"
        except _Unavailable as exc:
            tried.append(str(exc))
            continue
        x_train, y_train = _subset(arrays[0], arrays[1], n_train, "n_train")
        x_test, y_test = _subset(arrays[2], arrays[3], n_test, "n_test")
        is_digits = source == "sklearn_digits"
        data = Dataset(
            name=spec.name,
            x_train=x_train,
            y_train=y_train,
            x_test=x_test,
            y_test=y_test,
            class_names=MNIST_CLASSES if is_digits else spec.class_names,
            source=source,
            location=location,
            tried=tuple(tried),
        )
        if is_digits and tried and verbose:
            caveat = " (digits, not clothing)" if spec is _FASHION else ""
            print(
                f"cnnlab: {spec.name} not available ({'; '.join(tried)}), so loaded "
                f"scikit-learn's 8x8 digits upsampled to 28x28 instead{caveat}: "
                f"{len(x_train)} training and {len(x_test)} test images."
            )
        return data
    raise DataUnavailableError(
        f"{spec.name} was not found in any of the sources {chosen}: " + "; ".join(tried) + "."
    )


def load_mnist(*, data_dir=None, sources=SOURCES, n_train=None, n_test=None, verbose=True):
    """Load MNIST handwritten digits from the first source that has them (offline included).

    Tries, in the order of ``sources``: the data directory (``data_dir`` or the environment
    variable ``CNNLAB_DATA_DIR``: IDX files in ``mnist/``, gzip-compressed or not, or
    ``mnist.npz``), Keras's cache (``$KERAS_HOME/datasets/mnist.npz``, default
    ``~/.keras/datasets``), a Keras download (only if the download host answers within a few
    seconds), and finally scikit-learn's bundled 8x8 digits upsampled to 28x28
    (1437 training and 360 test images; a one-line notice is printed when it is used because
    the others failed).

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Folder holding ``mnist/`` (or ``mnist.npz``); default ``$CNNLAB_DATA_DIR``.
    sources : sequence of str, default :data:`SOURCES`
        Which of ``"data_dir"``, ``"keras_cache"``, ``"keras_download"`` and
        ``"sklearn_digits"`` to try, in order.
    n_train, n_test : int, optional
        Keep only the first ``n_train`` training / ``n_test`` test examples (all when None or
        larger than what the source has). Saves memory on small machines such as Binder.
    verbose : bool, default True
        Print the one-line notice when the digits stand-in replaces MNIST.

    Returns
    -------
    Dataset
        Unpacks as ``(x_train, y_train), (x_test, y_test)``: images uint8 of shape
        (N, 28, 28) with values 0-255, labels uint8 of shape (N,) with values 0-9; real MNIST
        has 60000 training and 10000 test images. ``.source``, ``.location`` and ``.where``
        say where the data came from.

    Raises
    ------
    ValueError
        If a file found in the data directory is damaged (the message names it), or an option
        is invalid.
    DataUnavailableError
        If no source in ``sources`` has the data (cannot happen with ``"sklearn_digits"``).

    Notes
    -----
    MNIST by Y. LeCun, C. Cortes and C. J. C. Burges, CC BY-SA 3.0.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist(sources=["sklearn_digits"])
    >>> x_train.shape, x_train.dtype, y_train[:5]
    ((1437, 28, 28), dtype('uint8'), array([0, 1, 2, 3, 4], dtype=uint8))
    >>> data = load_mnist(sources=["sklearn_digits"], n_train=10, n_test=5)
    >>> print(f"Loaded MNIST from {data.where}")
    Loaded MNIST from scikit-learn's bundled 8x8 digits, upsampled to 28x28 (a small stand-in)
    """
    return _load(
        _MNIST, data_dir=data_dir, sources=sources, n_train=n_train, n_test=n_test, verbose=verbose
    )


def load_fashion_mnist(*, data_dir=None, sources=SOURCES, n_train=None, n_test=None, verbose=True):
    """Load Fashion-MNIST (Zalando's clothing images) from the first source that has them.

    Same sources and options as :func:`load_mnist`: the data directory (IDX files in
    ``fashion-mnist/`` or ``fashion_mnist/``), Keras's cache
    (``$KERAS_HOME/datasets/fashion-mnist/*.gz``), a Keras download, and finally the same
    scikit-learn digits stand-in as :func:`load_mnist`. No clothing images ship with any
    installed package, and digits keep an offline notebook running with the same shapes and
    ten classes; the printed notice says "digits, not clothing" and ``class_names`` then holds
    the digits, so plots are labelled truthfully.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Folder holding ``fashion-mnist/``; default ``$CNNLAB_DATA_DIR``.
    sources : sequence of str, default :data:`SOURCES`
        Which sources to try, in order (see :func:`load_mnist`).
    n_train, n_test : int, optional
        Keep only the first ``n_train`` training / ``n_test`` test examples.
    verbose : bool, default True
        Print the one-line notice when the digits stand-in replaces Fashion-MNIST.

    Returns
    -------
    Dataset
        Unpacks as ``(x_train, y_train), (x_test, y_test)``: images uint8 (N, 28, 28), labels
        uint8 (N,) in 0-9 (60000 and 10000 images for the real data). Label ``k`` is
        ``FASHION_MNIST_CLASSES[k]`` (``data.class_names[k]``).

    Raises
    ------
    ValueError, DataUnavailableError
        As :func:`load_mnist` does.

    Notes
    -----
    Fashion-MNIST by H. Xiao, K. Rasul and R. Vollgraf (Zalando SE), MIT licence.

    Examples
    --------
    >>> data = load_fashion_mnist(sources=["sklearn_digits"], n_train=3)
    >>> data.x_train.shape, data.class_names[:3]
    ((3, 28, 28), ('0', '1', '2'))
    >>> FASHION_MNIST_CLASSES[9]
    'Ankle boot'
    """
    return _load(
        _FASHION,
        data_dir=data_dir,
        sources=sources,
        n_train=n_train,
        n_test=n_test,
        verbose=verbose,
    )
