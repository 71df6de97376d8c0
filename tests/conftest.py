"""Settings shared by every test module: quiet TensorFlow, reproducible hypothesis runs."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# TensorFlow prints C++ start-up chatter unless told otherwise (set before its first import).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Property tests: the same examples on every run (CI reproducible), few enough to stay fast.
settings.register_profile(
    "cnnlab",
    derandomize=True,
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
settings.load_profile("cnnlab")

# tests/notebook_guards/*.py run inside an executed notebook's kernel (tests/test_notebooks.py),
# where the notebook's variables exist; they are not modules to import or collect.
collect_ignore_glob = ["notebook_guards/*.py"]
