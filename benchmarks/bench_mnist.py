"""MNIST training benchmark: >= 99.0 % test accuracy within 60 s of training on 2 CPU cores.

Run from the project root::

    CNNLAB_DATA_DIR=/path/to/datasets .venv/bin/python benchmarks/bench_mnist.py

It prints one line per epoch (seconds, training loss/accuracy, peak RSS) and, as its LAST line,
one JSON object with exactly the keys ``train_seconds``, ``epochs``, ``peak_rss_mib`` and
``test_accuracy``.

The recipe (shared with notebook 11 through :func:`cnnlab.networks.build_cnn`):

* ``build_cnn(filters=(16, 32), dense_units=128, dropout=0.25)``: the classic Keras MNIST
  convnet (conv 3x3 -> ReLU -> 2x2 max-pool, twice, then flatten -> dense -> softmax) at half
  its width (an epoch takes about 14 s instead of 42 s on 2 cores, and reaches the same
  accuracy within the time budget), with a hidden ``Dense(128)`` layer.
* No batch normalisation: on CPU Keras 3's ``BatchNormalization`` (not fused) made each epoch
  of this network about 1.7 times as long, for no better accuracy after 4 epochs
  (``--batch-norm`` to try it).
* Adam with a one-cycle learning rate: linear warm-up from ``max_lr / 10`` to ``max_lr``
  (5e-3, five times Adam's default) over the first 20 % of the steps, then cosine decay to 0
  (Keras's ``CosineDecay`` with ``warmup_target``), over 4 epochs of batches of 128. The
  schedule is laid out over a fixed number of epochs, so with the same seed the run makes the
  same updates whatever the machine's speed.
* uint8 images all the way: :func:`cnnlab.networks.make_dataset` gathers uint8 batches and the
  model's ``Rescaling(1/255)`` layer converts each batch to float32, so the training set is
  never copied to float.
* Two intra-op threads and one inter-op thread (2 cores); no XLA (``jit_compile`` makes these
  convolutions several times slower on CPU).

``train_seconds`` is the wall-clock time spent in ``fit`` (graph tracing included, data
loading and the final evaluation excluded). A guard stops training early if the ``--budget``
is used up (on a heavily loaded machine); the schedule is then cut short, so the accuracy
reported is that of a shorter run. ``peak_rss_mib`` is the process's peak resident memory
(``getrusage``'s ``ru_maxrss``), TensorFlow's own footprint included.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if "CNNLAB_DATA_DIR" not in os.environ and (ROOT.parent / "shared" / "datasets").is_dir():
    os.environ["CNNLAB_DATA_DIR"] = str(ROOT.parent / "shared" / "datasets")


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=4, help="length of the LR schedule")
    p.add_argument("--budget", type=float, default=60.0, help="training time limit, seconds")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--max-lr", type=float, default=5e-3)
    p.add_argument("--warmup", type=float, default=0.2, help="fraction of steps warming up")
    p.add_argument("--filters", default="16,32", help="blocks, e.g. 32,64 or 16+16,32")
    p.add_argument("--dropout", type=float, default=0.25)
    p.add_argument("--dense-units", type=int, default=128, help="hidden dense layer (0: none)")
    p.add_argument("--batch-norm", action="store_true", help="BatchNormalization after convs")
    p.add_argument("--steps-per-execution", type=int, default=1)
    p.add_argument("--threads", type=int, default=2, help="intra-op threads")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def parse_filters(text: str):
    blocks = []
    for block in text.split(","):
        convs = tuple(int(v) for v in block.split("+"))
        blocks.append(convs if len(convs) > 1 else convs[0])
    return tuple(blocks)


def main(argv=None) -> dict:
    args = parse_args(argv)
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras

    from cnnlab import networks as models
    from cnnlab.data import load_mnist

    print(
        f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs "
        "(other busy processes slow this benchmark down)",
        flush=True,
    )
    models.set_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = data = load_mnist(
        sources=("data_dir", "keras_cache", "keras_download")
    )
    print(
        f"data: {len(x_train)} train / {len(x_test)} test images, {x_train.dtype}, "
        f"from {data.where}; peak RSS {peak_rss_mib():.0f} MiB",
        flush=True,
    )

    model = models.build_cnn(
        (28, 28, 1),
        10,
        filters=parse_filters(args.filters),
        batch_norm=args.batch_norm,
        dropout=args.dropout,
        dense_units=args.dense_units or None,
        seed=args.seed,
    )
    steps_per_epoch = math.ceil(len(x_train) / args.batch_size)
    total = steps_per_epoch * args.epochs
    warmup = int(args.warmup * total)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=args.max_lr / 10,
        decay_steps=total - warmup,
        alpha=0.0,
        warmup_target=args.max_lr,
        warmup_steps=warmup,
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=args.steps_per_execution,
    )
    train = models.make_dataset(x_train, y_train, args.batch_size, shuffle=True, seed=args.seed)
    test = models.make_dataset(x_test, y_test, 1000)
    print(
        f"model: {model.count_params():,} parameters; {args.epochs} epochs x "
        f"{steps_per_epoch} steps of {args.batch_size}, Adam one-cycle max_lr={args.max_lr}, "
        f"{args.threads} threads",
        flush=True,
    )

    class Budget(keras.callbacks.Callback):
        """Stop training once ``budget`` seconds of fitting have been used."""

        def __init__(self, used: float):
            super().__init__()
            self.start = time.perf_counter() - used
            self.hit = False

        def on_train_batch_end(self, batch, logs=None):
            if time.perf_counter() - self.start > args.budget:
                self.model.stop_training = self.hit = True

    train_seconds, epochs_done = 0.0, 0.0
    for epoch in range(args.epochs):
        budget = Budget(train_seconds)
        t0 = time.perf_counter()
        logs = model.fit(train, epochs=1, verbose=0, shuffle=False, callbacks=[budget]).history
        train_seconds += time.perf_counter() - t0
        steps = int(model.optimizer.iterations.numpy())
        epochs_done = steps / steps_per_epoch
        print(
            f"epoch {epoch + 1}/{args.epochs}: {train_seconds:6.1f} s, "
            f"train loss {logs['loss'][-1]:.4f} acc {logs['accuracy'][-1]:.4f}, "
            f"peak RSS {peak_rss_mib():.0f} MiB",
            flush=True,
        )
        if budget.hit:
            print(f"budget of {args.budget:.0f} s used up after {epochs_done:.2f} epochs")
            break

    t0 = time.perf_counter()
    _, test_accuracy = model.evaluate(test, verbose=0)
    print(
        f"test accuracy {test_accuracy:.4f} (evaluated in {time.perf_counter() - t0:.1f} s); "
        f"CPU time {time.process_time():.0f} s; load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    result = {
        "train_seconds": round(train_seconds, 2),
        "epochs": round(epochs_done, 2),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "test_accuracy": round(float(test_accuracy), 4),
    }
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
