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

## demo: set up, build a throwaway repository with a real history (.demo/repo), run the README quick start in it
demo: setup
	$(BIN)/python scripts/demo_repo.py .demo/repo
	cd .demo/repo && $(CURDIR)/$(BIN)/roster check
	cd .demo/repo && $(CURDIR)/$(BIN)/roster history blog-writer
	cd .demo/repo && $(CURDIR)/$(BIN)/roster show blog-writer@prod
	cd .demo/repo && $(CURDIR)/$(BIN)/roster diff blog-writer@1 blog-writer@3
	cd .demo/repo && $(CURDIR)/$(BIN)/roster status
	cd .demo/repo && $(CURDIR)/$(BIN)/roster promote blog-writer 3 --to prod
	cd .demo/repo && git --no-pager diff

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
