"""Settings shared by every test module: quiet TensorFlow, reproducible hypothesis runs."""

from __future__ import annotations

import os

import pytest
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


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium (Playwright), shared by the browser tests of one module.

    Module scope: Playwright's sync API runs an event loop in this thread until it stops.
    """
    from _jupyter import CHROMIUM, CHROMIUM_ARGS
    from test_browser import ARTIFACTS, _require_browser

    _require_browser()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()
