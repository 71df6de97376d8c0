"""Regenerate every figure in imgs/ from code: ``python tools/make_figures.py [names] [--out DIR]``.

The figures themselves are defined in ``tools/figures.py``; this script only runs them with the
non-interactive Agg backend.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ itself: figures.py

from figures import main

if __name__ == "__main__":
    sys.exit(main())
