"""Tests for cnnlab.data: the IDX reader and every source of the dataset loaders.

No test touches the real network: an autouse fixture replaces the reachability probe and the
Keras download, and the tests of those two functions use local sockets and a fake ``keras``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import types
from pathlib import Path

import numpy as np
import pytest
from helpers import idx_bytes, make_split, write_idx, write_idx_set

from cnnlab import data
from cnnlab.data import mnist as chain

REAL_PROBE = chain._probe
REAL_KERAS_DOWNLOAD = chain._keras_download

# The real MNIST / Fashion-MNIST files, only where CNNLAB_DATA_DIR points at them (CI sets it).
# Read now: the autouse fixture below removes the variable for every test.
# A contributor without them skips those tests (and is told why); CI (CI=true) must run them.
REAL_DATA = Path(os.environ["CNNLAB_DATA_DIR"]) if os.environ.get("CNNLAB_DATA_DIR") else None
_NO_REAL_DATA = REAL_DATA is None or not (REAL_DATA / "mnist").is_dir()
_WHY = (
    "needs the real MNIST files: set CNNLAB_DATA_DIR to a folder holding mnist/ and "
    f"fashion-mnist/ (now {str(REAL_DATA) if REAL_DATA else 'not set'})"
)
if _NO_REAL_DATA and os.environ.get("CI"):
    raise RuntimeError(f"CI must run the real-data tests: {_WHY}")
needs_real_data = pytest.mark.skipif(_NO_REAL_DATA, reason=_WHY)

# Published MD5s of the uncompressed MNIST files.
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte.gz": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte.gz": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte.gz": "27ae3e4e09519cfbb04c329615203637",
}

PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def _no_download(keras_name):
    raise AssertionError("the test suite must not download anything")


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No data dir, an empty Keras home, no proxies and no network for every test."""
    monkeypatch.delenv("CNNLAB_DATA_DIR", raising=False)
    keras_home = tmp_path / "keras-home"
    keras_home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
        monkeypatch.delenv(var.upper(), raising=False)
    monkeypatch.setattr(chain, "_probe", lambda host, port, timeout: "network off in tests")
    monkeypatch.setattr(chain, "_keras_download", _no_download)
    return keras_home


def assert_same(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, want in zip((x_train, y_train, x_test, y_test), arrays, strict=True):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, want)


def path_in_message(path):
    return re.escape(str(path))


# ----------------------------------------------------------------------------------------------
# IDX format
# ----------------------------------------------------------------------------------------------

SHAPES = [(7,), (3, 5), (2, 3, 4), (2, 1, 3, 2)]


@pytest.mark.parametrize("gz", [True, False], ids=["gz", "plain"])
@pytest.mark.parametrize("shape", SHAPES, ids=[f"rank{len(s)}" for s in SHAPES])
def test_idx_round_trip(tmp_path, shape, gz):
    arr = np.random.default_rng(len(shape)).integers(0, 256, size=shape, dtype=np.uint8)
    arr.flat[0], arr.flat[-1] = 0, 255
    path = write_idx(tmp_path / ("a.idx.gz" if gz else "a.idx"), arr)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == gz
    back = data.read_idx(path)
    assert back.shape == shape and back.dtype == np.uint8
    assert back.flags.writeable
    np.testing.assert_array_equal(back, arr)


def test_read_idx_hand_written_bytes(tmp_path):
    # A 2x3 array written byte by byte (independent of the test helper): magic 00 00 08, two
    # dimensions, big-endian sizes 2 and 3, then the six values row by row.
    path = tmp_path / "hand.idx"
    path.write_bytes(bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 251, 252]))
    np.testing.assert_array_equal(
        data.read_idx(path), np.array([[1, 2, 3], [250, 251, 252]], np.uint8)
    )


def test_helper_writes_the_published_header():
    # The first 16 bytes of MNIST's train-images-idx3-ubyte: 0x00000803, 60000, 28, 28.
    header = idx_bytes(np.zeros((60000, 28, 28), np.uint8))[:16]
    assert header.hex() == "00000803" + "0000ea60" + "0000001c" + "0000001c"


def test_read_idx_detects_gzip_by_content_not_name(tmp_path):
    labels = np.array([3, 1, 4, 1, 5], np.uint8)
    path = tmp_path / "labels-idx1-ubyte"  # no .gz suffix, yet compressed
    path.write_bytes(gzip.compress(b"\x00\x00\x08\x01" + struct.pack(">i", 5) + labels.tobytes()))
    np.testing.assert_array_equal(data.read_idx(path), labels)
    plain = tmp_path / "labels-idx1-ubyte.gz"  # .gz suffix, yet plain
    plain.write_bytes(b"\x00\x00\x08\x01" + struct.pack(">i", 5) + labels.tobytes())
    np.testing.assert_array_equal(data.read_idx(plain), labels)


def test_read_idx_empty_array(tmp_path):
    path = write_idx(tmp_path / "empty.idx", np.zeros((0, 28, 28), np.uint8))
    assert data.read_idx(path).shape == (0, 28, 28)


GOOD = b"\x00\x00\x08\x02" + struct.pack(">ii", 2, 3) + bytes(range(6))

CORRUPT = {
    "truncated payload": (GOOD[:-1], "truncated"),
    "empty file": (b"", "truncated"),
    "short magic": (b"\x00\x00", "truncated"),
    "truncated dimensions": (GOOD[:9], "truncated"),
    "wrong magic (first bytes)": (b"\x01\x02" + GOOD[2:], "not an IDX file"),
    "not unsigned bytes (int16)": (b"\x00\x00\x0b" + GOOD[3:], "not an IDX file of unsigned"),
    "zero dimensions": (b"\x00\x00\x08\x00" + bytes(6), "0 dimensions"),
    "extra bytes (wrong size)": (GOOD + b"\x00", "wrong size"),
    # Header says 3 dimensions but only 2 were written: the payload is misread as a dimension.
    "wrong dimension count": (b"\x00\x00\x08\x03" + GOOD[4:], "truncated|wrong size"),
    "negative dimension": (b"\x00\x00\x08\x01" + struct.pack(">i", -1), "negative"),
    "impossible size": (b"\x00\x00\x08\x03" + struct.pack(">3i", *[2**31 - 1] * 3), "truncated"),
}


@pytest.mark.parametrize("gz", [True, False], ids=["gz", "plain"])
@pytest.mark.parametrize("case", list(CORRUPT))
def test_read_idx_rejects_corrupt_files_naming_them(tmp_path, case, gz):
    content, what = CORRUPT[case]
    path = tmp_path / ("bad-file.gz" if gz else "bad-file")
    path.write_bytes(gzip.compress(content) if gz else content)
    with pytest.raises(ValueError, match=path_in_message(path)) as info:
        data.read_idx(path)
    assert re.search(what, str(info.value)), str(info.value)


def test_read_idx_good_reference_is_readable(tmp_path):
    # The corrupt cases above are single edits of this file, which itself is fine.
    path = tmp_path / "good"
    path.write_bytes(GOOD)
    np.testing.assert_array_equal(data.read_idx(path), np.arange(6, dtype=np.uint8).reshape(2, 3))


def test_read_idx_rejects_damaged_gzip(tmp_path):
    packed = gzip.compress(GOOD * 50)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ValueError, match=path_in_message(cut)):
        data.read_idx(cut)
    garbled = tmp_path / "garbled.gz"
    garbled.write_bytes(packed[:10] + bytes(len(packed) - 10))
    with pytest.raises(ValueError, match=path_in_message(garbled)):
        data.read_idx(garbled)


def test_read_idx_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        data.read_idx(tmp_path / "nope")


# ----------------------------------------------------------------------------------------------
# Source 1: the data directory
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz, dotted", [(True, False), (False, False), (False, True)])
def test_mnist_from_data_dir_env(tmp_path, monkeypatch, gz, dotted):
    arrays = make_split(1)
    write_idx_set(tmp_path / "d" / "mnist", arrays, gz=gz, dotted=dotted)
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path / "d"))
    result = data.load_mnist()
    assert result.source == "data_dir"
    assert result.location == str(tmp_path / "d" / "mnist")
    assert result.tried == ()
    assert result.class_names == data.MNIST_CLASSES
    assert_same(result, arrays)


def test_explicit_data_dir_beats_environment(tmp_path, monkeypatch):
    env_arrays, arg_arrays = make_split(1), make_split(2)
    write_idx_set(tmp_path / "env" / "mnist", env_arrays)
    write_idx_set(tmp_path / "arg" / "mnist", arg_arrays)
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path / "env"))
    assert_same(data.load_mnist(data_dir=tmp_path / "arg"), arg_arrays)


def test_mnist_npz_in_data_dir(tmp_path, monkeypatch):
    x_train, y_train, x_test, y_test = arrays = make_split(3)
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    result = data.load_mnist()
    assert (result.source, result.location) == ("data_dir", str(tmp_path / "mnist.npz"))
    assert_same(result, arrays)


@pytest.mark.parametrize("folder", ["fashion-mnist", "fashion_mnist"])
def test_fashion_mnist_from_data_dir(tmp_path, monkeypatch, folder):
    arrays = make_split(4)
    write_idx_set(tmp_path / folder, arrays)
    write_idx_set(tmp_path / "mnist", make_split(5))  # must not be picked for Fashion-MNIST
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path))
    result = data.load_fashion_mnist()
    assert result.source == "data_dir"
    assert result.class_names == data.FASHION_MNIST_CLASSES
    assert result.name == "Fashion-MNIST"
    assert_same(result, arrays)


def test_subsetting_keeps_the_first_examples_as_uint8_copies(tmp_path):
    arrays = make_split(6, n_train=8, n_test=5)
    write_idx_set(tmp_path / "mnist", arrays)
    (x_train, y_train), (x_test, y_test) = data.load_mnist(data_dir=tmp_path, n_train=3, n_test=50)
    np.testing.assert_array_equal(x_train, arrays[0][:3])
    np.testing.assert_array_equal(y_train, arrays[1][:3])
    assert x_train.base is None  # a copy: the full array can be freed
    assert x_train.dtype == np.uint8 and len(x_test) == 5  # n_test larger than available: all


@pytest.mark.parametrize(
    "damage, message",
    [
        ("truncate", "truncated"),
        ("labels 2-D", "labels .* shape"),
        ("images 28x27", "images .* shape"),
        ("label 10", "0-9"),
        ("count mismatch", "match"),
    ],
)
def test_damaged_data_dir_raises_naming_the_file(tmp_path, damage, message):
    x_train, y_train, x_test, y_test = make_split(7)
    if damage == "labels 2-D":
        y_train = y_train.reshape(2, 3)
    elif damage == "images 28x27":
        x_train = x_train[:, :, :27]
    elif damage == "label 10":
        y_train = y_train.copy()
        y_train[2] = 10
    elif damage == "count mismatch":
        y_train = y_train[:5]
    paths = write_idx_set(tmp_path / "mnist", (x_train, y_train, x_test, y_test), gz=False)
    bad = paths[0] if damage in ("truncate", "images 28x27") else paths[1]
    if damage == "truncate":
        bad.write_bytes(bad.read_bytes()[:-10])
    with pytest.raises(ValueError, match=path_in_message(bad)) as info:
        data.load_mnist(data_dir=tmp_path)
    assert re.search(message, str(info.value)), str(info.value)


def test_incomplete_data_dir_falls_through_with_reason(tmp_path, isolated):
    paths = write_idx_set(tmp_path / "d" / "mnist", make_split(8))
    paths[3].unlink()  # t10k labels missing
    x_train, y_train, x_test, y_test = arrays = make_split(9)
    (isolated / "datasets").mkdir()
    np.savez(
        isolated / "datasets" / "mnist.npz",
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
    )
    result = data.load_mnist(data_dir=tmp_path / "d")
    assert result.source == "keras_cache"
    assert_same(result, arrays)
    assert len(result.tried) == 1
    assert "t10k-labels-idx1-ubyte" in result.tried[0]
    assert str(tmp_path / "d") in result.tried[0]


def test_data_dir_that_does_not_exist_is_reported(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(tmp_path / "missing"))
    result = data.load_mnist(verbose=False)
    assert result.source == "sklearn_digits"
    assert "is not a directory" in result.tried[0]
    assert capsys.readouterr().out == ""  # verbose=False silences the notice


# ----------------------------------------------------------------------------------------------
# Source 2: the Keras cache
# ----------------------------------------------------------------------------------------------


def test_mnist_from_keras_cache(isolated):
    x_train, y_train, x_test, y_test = arrays = make_split(10)
    (isolated / "datasets").mkdir()
    np.savez_compressed(
        isolated / "datasets" / "mnist.npz",
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
    )
    result = data.load_mnist()
    assert result.source == "keras_cache"
    assert result.location == str(isolated / "datasets" / "mnist.npz")
    assert result.tried == ("CNNLAB_DATA_DIR is not set",)
    assert_same(result, arrays)


def test_fashion_mnist_from_keras_cache(isolated):
    arrays = make_split(11)
    write_idx_set(isolated / "datasets" / "fashion-mnist", arrays)
    result = data.load_fashion_mnist()
    assert (result.source, result.location) == (
        "keras_cache",
        str(isolated / "datasets" / "fashion-mnist"),
    )
    assert_same(result, arrays)


def test_keras_cache_defaults_to_home(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert chain._keras_cache_dirs()[0] == tmp_path / ".keras" / "datasets"


def test_damaged_keras_cache_falls_through_with_reason(isolated):
    (isolated / "datasets").mkdir()
    (isolated / "datasets" / "mnist.npz").write_bytes(b"PK\x03\x04 half a download")
    result = data.load_mnist(verbose=False)
    assert result.source == "sklearn_digits"
    assert "unreadable" in result.tried[1] and "mnist.npz" in result.tried[1]


# ----------------------------------------------------------------------------------------------
# Source 3: the Keras download
# ----------------------------------------------------------------------------------------------


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dead_network_falls_back_to_digits_with_notice(monkeypatch, capsys):
    # The real probe, aimed at a local port nobody listens on: refused at once, and Keras
    # (TensorFlow) is never imported because the download is not even attempted.
    monkeypatch.setattr(chain, "_probe", REAL_PROBE)
    monkeypatch.setattr(chain, "_DOWNLOAD_HOST", "127.0.0.1")
    monkeypatch.setattr(chain, "_DOWNLOAD_PORT", _closed_port())
    result = data.load_mnist()
    assert result.source == "sklearn_digits"
    assert len(result.tried) == 3
    assert "unreachable" in result.tried[2]
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # a single line
    assert "MNIST not available" in out
    for reason in result.tried:
        assert reason in out
    assert "scikit-learn's 8x8 digits" in out and "1437 training and 360 test" in out


def test_failed_download_falls_back_with_the_error(monkeypatch, capsys):
    def broken(keras_name):
        assert keras_name == "fashion_mnist"
        raise OSError("simulated outage")

    monkeypatch.setattr(chain, "_probe", lambda host, port, timeout: None)
    monkeypatch.setattr(chain, "_keras_download", broken)
    result = data.load_fashion_mnist()
    assert result.source == "sklearn_digits"
    assert result.class_names == data.MNIST_CLASSES  # digits stand in: labels are digits
    out = capsys.readouterr().out
    assert "simulated outage" in out
    assert "digits, not clothing" in out


def test_successful_download(monkeypatch):
    arrays = make_split(12)

    def download(keras_name):
        assert keras_name == "mnist"
        # Keras's fashion loader returns read-only np.frombuffer arrays; imitate that.
        readonly = []
        for a in arrays:
            r = a.copy()
            r.flags.writeable = False
            readonly.append(r)
        return tuple(readonly)

    monkeypatch.setattr(chain, "_probe", lambda host, port, timeout: None)
    monkeypatch.setattr(chain, "_keras_download", download)
    result = data.load_mnist()
    assert (result.source, result.location) == ("keras_download", chain._DOWNLOAD_URL)
    assert_same(result, arrays)
    assert result.x_train.flags.writeable and result.y_test.flags.writeable


def _fake_keras(monkeypatch, load_data):
    fake = types.ModuleType("keras")
    fake.datasets = types.SimpleNamespace(mnist=types.SimpleNamespace(load_data=load_data))
    monkeypatch.setitem(sys.modules, "keras", fake)


def test_keras_download_runs_under_a_socket_timeout(monkeypatch):
    seen = []
    arrays = make_split(13)

    def load_data():
        seen.append(socket.getdefaulttimeout())
        return (arrays[0], arrays[1]), (arrays[2], arrays[3])

    _fake_keras(monkeypatch, load_data)
    before = socket.getdefaulttimeout()
    got = REAL_KERAS_DOWNLOAD("mnist")
    assert seen == [chain._DOWNLOAD_TIMEOUT]
    assert socket.getdefaulttimeout() == before
    assert all(g is a for g, a in zip(got, arrays, strict=True))


def test_keras_download_restores_timeout_after_failure(monkeypatch):
    def load_data():
        raise ConnectionError("reset")

    _fake_keras(monkeypatch, load_data)
    before = socket.getdefaulttimeout()
    with pytest.raises(ConnectionError):
        REAL_KERAS_DOWNLOAD("mnist")
    assert socket.getdefaulttimeout() == before


def test_probe_gives_up_on_a_hanging_connection(monkeypatch):
    # A connection attempt (e.g. a DNS lookup) that hangs: the probe must return its verdict
    # while the attempt is still stuck, instead of waiting for it.
    started, release = threading.Event(), threading.Event()

    def hang(address, timeout=None):
        started.set()
        release.wait(20)
        raise OSError("released")

    monkeypatch.setattr(socket, "create_connection", hang)
    try:
        reason = REAL_PROBE("example.invalid", 443, 0.2)
        assert started.is_set() and not release.is_set()
    finally:
        release.set()
    assert reason == "example.invalid:443 did not answer within 0.2 s"


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def test_probe_reports_reachable_and_refused(listener):
    assert REAL_PROBE("127.0.0.1", listener, 5.0) is None
    port = _closed_port()
    reason = REAL_PROBE("127.0.0.1", port, 5.0)
    assert reason.startswith(f"127.0.0.1:{port} unreachable")


def test_probe_goes_through_the_https_proxy(monkeypatch, listener):
    # The host name cannot resolve; only the proxy (the local listener) is contacted.
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{listener}")
    assert REAL_PROBE("host.invalid", 443, 5.0) is None
    port = _closed_port()
    monkeypatch.setenv("https_proxy", f"http://127.0.0.1:{port}")
    assert f"via proxy 127.0.0.1:{port}" in REAL_PROBE("host.invalid", 443, 5.0)


# ----------------------------------------------------------------------------------------------
# Source 4: scikit-learn's digits
# ----------------------------------------------------------------------------------------------


def test_digits_stand_in_is_mnist_like(capsys):
    from skimage.transform import resize
    from sklearn.datasets import load_digits

    result = data.load_mnist(sources=["sklearn_digits"])
    assert capsys.readouterr().out == ""  # asked for explicitly: nothing to explain
    (x_train, y_train), (x_test, y_test) = result
    assert x_train.shape == (1437, 28, 28) and x_test.shape == (360, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    digits = load_digits()
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), digits.target)
    # 20x20 digit centred in 28x28 with a 4-pixel empty border, like MNIST.
    images = np.concatenate([x_train, x_test])
    border = images.copy()
    border[:, 4:24, 4:24] = 0
    assert not border.any()
    assert images.max() == 255
    # Interior equals a bilinear resize of the 0-16 image scaled to 0-255.
    expected = resize(
        digits.images[:50] * (255 / 16),
        (50, 20, 20),
        order=1,
        mode="edge",
        anti_aliasing=False,
        preserve_range=True,
    )
    diff = np.abs(images[:50, 4:24, 4:24].astype(float) - expected)
    assert diff.max() <= 0.5 + 1e-9


def test_only_unavailable_sources_raise(tmp_path):
    with pytest.raises(data.DataUnavailableError, match="CNNLAB_DATA_DIR is not set"):
        data.load_mnist(sources=("data_dir", "keras_cache"))
    with pytest.raises(OSError, match="Keras cache"):
        data.load_fashion_mnist(sources="keras_cache")


# ----------------------------------------------------------------------------------------------
# Options and the result object
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        ({"sources": ["bogus"]}, ValueError, "sources .*'bogus'"),
        ({"sources": []}, ValueError, "sources"),
        ({"sources": 3}, TypeError, "sources .*3"),
        ({"n_train": 0}, ValueError, "n_train .*0"),
        ({"n_test": 2.5}, TypeError, "n_test .*2.5"),
    ],
)
def test_invalid_options(kwargs, error, text):
    with pytest.raises(error, match=text):
        data.load_mnist(**kwargs)


def test_dataset_describes_itself(tmp_path):
    write_idx_set(tmp_path / "mnist", make_split(14))
    result = data.load_mnist(data_dir=tmp_path)
    assert result.where == f"the data directory {tmp_path / 'mnist'}"
    assert str(result) == (
        f"MNIST from the data directory {tmp_path / 'mnist'}: 6 training and 4 test images, "
        "28x28 uint8"
    )
    assert repr(result).startswith("Dataset(name='MNIST', source='data_dir'")
    assert "train=(6, 28, 28)" in repr(result)


def test_loading_imports_neither_keras_nor_sklearn(tmp_path):
    write_idx_set(tmp_path / "mnist", make_split(15))
    code = (
        "import sys\nfrom cnnlab import data\n"
        f"data.load_mnist(data_dir={str(tmp_path)!r})\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'sklearn') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# ----------------------------------------------------------------------------------------------
# The real data (only where CNNLAB_DATA_DIR points at it)
# ----------------------------------------------------------------------------------------------


@needs_real_data
@pytest.mark.parametrize("loader", [data.load_mnist, data.load_fashion_mnist])
def test_real_data_from_the_data_dir(monkeypatch, loader):
    monkeypatch.setenv("CNNLAB_DATA_DIR", str(REAL_DATA))
    result = loader()
    assert result.source == "data_dir"
    (x_train, y_train), (x_test, y_test) = result
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    for labels in (y_train, y_test):
        counts = np.bincount(labels, minlength=10)
        assert len(counts) == 10 and counts.min() > 0.08 * len(labels)
    assert x_train.max() == 255 and x_train.min() == 0


@needs_real_data
def test_real_mnist_matches_published_md5():
    for name, md5 in MNIST_MD5.items():
        digest = hashlib.md5()
        with gzip.open(REAL_DATA / "mnist" / name, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        assert digest.hexdigest() == md5, name


@needs_real_data
def test_real_fashion_mnist_through_the_keras_cache_layout(isolated):
    (isolated / "datasets").mkdir()
    (isolated / "datasets" / "fashion-mnist").symlink_to(REAL_DATA / "fashion-mnist")
    result = data.load_fashion_mnist(sources=["keras_cache"], n_train=1000)
    assert result.x_train.shape == (1000, 28, 28) and result.x_test.shape == (10000, 28, 28)
    # First training image of Fashion-MNIST is an ankle boot (label 9), per its README.
    assert result.class_names[result.y_train[0]] == "Ankle boot"
