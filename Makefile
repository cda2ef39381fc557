# Everything the project needs is installed by these targets, from a fresh clone with only
# Python, git and make: uv (pinned with hashes), the locked Python packages (uv.lock), the
# LangGraph test server (its own hashed lock), Debian's chromium and actionlint (mk/ci.mk).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
UV_VENV := .venv-uv
UV := $(UV_VENV)/bin/uv
# uv uses the machine's python3 and never downloads an interpreter of its own.
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test test-latest lint bench setup lock clean coverage

include mk/langgraph.mk
include mk/ci.mk

# uv itself, from requirements/uv.txt (pinned, with hashes), in a venv of its own so that
# `uv sync` never removes the tool that runs it.
$(STAMPS)/uv: requirements/uv.txt
	@mkdir -p $(STAMPS)
	test -x $(UV_VENV)/bin/python || $(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		-r requirements/uv.txt
	@touch $@

# The project venv: exactly what uv.lock pins (hashes checked), with the LangGraph extra and
# the dev group (pytest, hypothesis, ruff, mypy...). --locked fails if uv.lock is stale.
# --compile-bytecode: like pip, so that no process (a test's subprocess, a benchmark's anchor)
# compiles the libraries again where PYTHONDONTWRITEBYTECODE is set.
$(STAMPS)/venv: pyproject.toml uv.lock $(STAMPS)/uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --quiet --locked --all-extras --compile-bytecode --python $(PYTHON)
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

## lint: ruff and mypy, clean (part of `make test`)
lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy

## test: set up, lint (ruff, mypy), then run every test (LangGraph server, chromium, actionlint)
test: setup langgraph-deps ci-tools
	$(MAKE) --no-print-directory lint
	ROSTER_LANGGRAPH_CLI=$(CURDIR)/$(LG_SERVER_VENV)/bin/langgraph $(BIN)/python -m pytest

## coverage: the suite under coverage.py (in-process code only), then a report per module of src/roster
## (PYTEST_ARGS="tests/test_changes.py" measures a part of the suite)
coverage: setup langgraph-deps ci-tools
	ROSTER_LANGGRAPH_CLI=$(CURDIR)/$(LG_SERVER_VENV)/bin/langgraph $(BIN)/python -m coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m coverage report

## test-latest: the suite against the newest release of every dependency (not locked; not in CI)
test-latest: $(STAMPS)/uv ci-tools
	rm -rf .venv-latest .venv-langgraph-latest
	$(UV) venv --quiet --python $(PYTHON) .venv-latest
	$(UV) pip install --quiet --python .venv-latest/bin/python --upgrade --no-cache -e '.[langgraph]' --group dev
	$(UV) venv --quiet --python $(PYTHON) .venv-langgraph-latest
	$(UV) pip install --quiet --python .venv-langgraph-latest/bin/python --upgrade --no-cache \
		-r tests/langgraph/requirements-server.in
	ROSTER_LANGGRAPH_CLI=$(CURDIR)/.venv-langgraph-latest/bin/langgraph .venv-latest/bin/python -m pytest

## lock: re-resolve every lock file (uv.lock, the server's and uv's own), newest releases
lock: $(STAMPS)/uv
	$(UV) lock --upgrade
	$(UV) pip compile --quiet --upgrade --generate-hashes --universal --python-version 3.10 \
		--custom-compile-command "make lock" \
		-o tests/langgraph/requirements-server.lock tests/langgraph/requirements-server.in
	$(UV) pip compile --quiet --upgrade --generate-hashes --no-header -o requirements/uv.txt requirements/uv.in

## bench: the benchmarks of bench/ (figures go into bench/README.md)
bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(UV_VENV) $(LG_SERVER_VENV) .venv-latest .venv-langgraph-latest $(STAMPS) _site
