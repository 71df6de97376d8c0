# Two commands do all set-up (see README.md):
#   make lab         create .venv on first use, install cnnlab, open JupyterLab on the index
#                    (as root, e.g. in a container, it adds --allow-root and says so)
#                    with RISE slides (jupyterlab-rise): View → Render as Reveal Slideshow
#   make test        create .venv on first use, install cnnlab with its test extra, run every
#                    check: lint, unit tests, doctests, notebooks, browser tests (what CI runs)
# For contributors:
#   make check       the quick loop: lint + unit tests and doctests (no notebooks, no browser)
#   make lint        ruff check + ruff format --check;  make format: fix what ruff can
#   make figures     regenerate imgs/;  make nav: regenerate navigation links and the index
#   make site        the course as a static site in site/ whose explorers still respond with
#                    no kernel (tools/site/); SITE_ARGS="--only 01 03" builds a part
#   make assignments student notebooks without solutions (assignments/student/) and an Otter
#                    autograder per notebook (assignments/autograder/); tools/assignments/
#   make benchmarks  print speed and memory figures (import time, conv2d, explorers, notebooks,
#                    MNIST); measurements, not pass/fail tests
# Requires Python >= 3.10 with the venv module (Debian/Ubuntu: apt-get install python3-venv).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cnnlab-installed
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k conv -x"`.
PYTEST_ARGS ?=
# Extra arguments for JupyterLab, e.g. `make lab LAB_ARGS="--no-browser --port=8890"`.
LAB_ARGS ?=
# The unit tests: everything except executing notebooks, training models and driving a browser.
QUICK_TESTS := -m "not slow and not browser"

.PHONY: lab test check lint format figures nav assignments site benchmarks clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "cnnlab needs Python >= 3.10; found " + sys.version.split()[0])'
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

# The server's root is the repository, not notebooks/ (JupyterLab's default when given a file):
# the notebooks show figures through relative links to ../imgs/.
# JupyterLab refuses to start as root unless told --allow-root. Root is normal in containers
# and cloud VMs, so say why and allow it there. `exec` lets Ctrl+C reach JupyterLab directly.
LAB := $(BIN)/jupyter lab --ServerApp.root_dir='$(CURDIR)' notebooks/index.ipynb
lab: $(STAMP)
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "Running as root (as in a container): starting JupyterLab with --allow-root."; \
	  set -- --allow-root; \
	fi; \
	echo "$(LAB) $$* $(LAB_ARGS)"; \
	exec $(LAB) "$$@" $(LAB_ARGS)

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: lint
	$(BIN)/python -m pytest $(QUICK_TESTS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

figures: $(STAMP)
	$(BIN)/python tools/make_figures.py

nav: $(STAMP)
	$(BIN)/python tools/make_nav.py

# Executes every notebook (minutes; the executed copies are cached in site/_cache under a hash
# of the notebook and of cnnlab, so a rebuild runs only what changed), exports each explorer
# over a small grid of settings and prints the pages' sizes. Offline; see tools/site/README.md.
SITE_ARGS ?=
site: $(STAMP)
	$(BIN)/python tools/site/build.py $(SITE_ARGS)

# Otter-Grader (in the test extra) writes them from the notebooks' exercise, check and solution
# cells; tools/assignments/assignments.yml says which notebooks and how many points.
assignments: $(STAMP)
	$(BIN)/python tools/assignments/make_assignments.py

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_conv.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_browser.py --stability-seconds 40
	$(BIN)/python benchmarks/bench_notebooks.py
	$(BIN)/python benchmarks/bench_mnist.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
