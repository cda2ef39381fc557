# Everything the project needs is installed by these targets, from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps

.PHONY: demo test bench setup clean

include mk/langgraph.mk
include mk/ci.mk

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

## test: set up and run every test (LangGraph server, chromium and actionlint included)
test: setup langgraph-deps ci-tools
	ROSTER_LANGGRAPH_CLI=$(CURDIR)/$(LG_SERVER_VENV)/bin/langgraph $(BIN)/python -m pytest

## bench: the benchmarks of bench/ (figures go into bench/README.md)
bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(LG_SERVER_VENV) $(STAMPS) _site

# The fragments' installs use the project venv: make it first.
$(STAMPS)/langgraph-deps $(STAMPS)/langgraph-server-venv: $(STAMPS)/venv
