# Everything the project needs is installed by these targets, from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps

.PHONY: demo test bench setup clean

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

setup: $(STAMPS)/venv

## demo: set up and check the repo's own assistants, then show their history
demo: setup
	$(BIN)/roster check
	$(BIN)/roster list
	$(BIN)/roster history blog-writer
	$(BIN)/roster show blog-writer

## test: set up and run every test
test: setup
	$(BIN)/python -m pytest

## bench: the benchmarks of bench/ (figures go into bench/README.md)
bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(STAMPS) _site
