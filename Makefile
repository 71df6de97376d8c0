# Two commands do all set-up (see README.md):
#   make lab    create .venv on first use, install cnnlab, open JupyterLab on the index
#   make test   create .venv on first use, install cnnlab with its test extra, run every check
# Requires Python >= 3.10 with the venv module (Debian/Ubuntu: apt-get install python3-venv).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cnnlab-installed
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-k conv -x"`.
PYTEST_ARGS ?=

.PHONY: lab test lint format figures nav benchmarks clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "cnnlab needs Python >= 3.10; found " + sys.version.split()[0])'
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/index.ipynb

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/bench_conv.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_notebooks.py
	$(BIN)/python benchmarks/bench_mnist.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
