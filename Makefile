# The README's two first commands are `make demo` and `make test`; both work on a machine with only Python.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo/psmctl-demo.db

.PHONY: demo test lint bench bench-quick clean sample-data

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	bash sample_data/demo.sh $(DEMO_DB)

lint: $(STAMP)
	$(BIN)/ruff format --check psmctl tests benchmarks sample_data
	$(BIN)/ruff check psmctl tests benchmarks sample_data
	$(BIN)/mypy --strict psmctl

# pytest-xdist: one worker per core, each test file whole on one worker (a file's tests may share a module fixture).
test: lint
	$(BIN)/python -m pytest -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks.run --quick

sample-data: $(STAMP)
	$(BIN)/python sample_data/generate.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
