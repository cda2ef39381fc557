# LangGraph integration: test dependencies, tests, a local dev server.
# Included from the top-level Makefile (`include mk/langgraph.mk`).
#
#   make langgraph-deps     langgraph + langgraph-sdk into .venv (= roster[langgraph]),
#                           langgraph-cli[inmem] into .venv-langgraph (the test server)
#   make test-langgraph     the tests marked `langgraph` (real `langgraph dev` server)
#   make langgraph-server   a dev server on the test graphs, 127.0.0.1, free port
#
# The server gets a venv of its own: langgraph-api is an application with ~50 pinned
# transitive dependencies (grpc, opentelemetry, uvicorn...). They do not conflict with
# Roster's today, but keeping them out of .venv keeps it what a user has.

LG_VENV        ?= .venv
LG_PYTHON      ?= $(LG_VENV)/bin/python
LG_SERVER_VENV ?= .venv-langgraph
LG_STAMPS      ?= .stamps
LG_PIP_FLAGS   ?= --quiet --disable-pip-version-check

.PHONY: langgraph-deps test-langgraph langgraph-server

langgraph-deps: $(LG_STAMPS)/langgraph-deps $(LG_STAMPS)/langgraph-server-venv

$(LG_STAMPS)/langgraph-deps: tests/langgraph/requirements.txt
	$(LG_PYTHON) -m pip install $(LG_PIP_FLAGS) -r tests/langgraph/requirements.txt
	@mkdir -p $(LG_STAMPS) && touch $@

$(LG_STAMPS)/langgraph-server-venv: tests/langgraph/requirements-server.txt
	test -x $(LG_SERVER_VENV)/bin/python || $(LG_PYTHON) -m venv $(LG_SERVER_VENV)
	$(LG_SERVER_VENV)/bin/python -m pip install $(LG_PIP_FLAGS) -r tests/langgraph/requirements-server.txt
	$(LG_SERVER_VENV)/bin/python -m pip check
	@mkdir -p $(LG_STAMPS) && touch $@

test-langgraph: langgraph-deps
	ROSTER_LANGGRAPH_CLI=$(LG_SERVER_VENV)/bin/langgraph $(LG_PYTHON) -m pytest tests/langgraph -m langgraph

langgraph-server: $(LG_STAMPS)/langgraph-server-venv
	LANGGRAPH_CLI=$(LG_SERVER_VENV)/bin/langgraph scripts/langgraph-server.sh tests/langgraph_fixture
