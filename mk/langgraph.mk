# LangGraph integration: a local dev server for the tests, and its targets.
# Included from the top-level Makefile (`include mk/langgraph.mk`), which defines $(UV).
#
#   make langgraph-deps     langgraph-cli[inmem] into .venv-langgraph (the test server), from
#                           tests/langgraph/requirements-server.lock (pinned, with hashes);
#                           langgraph + langgraph-sdk themselves come with .venv (uv.lock)
#   make test-langgraph     the tests marked `langgraph` (real `langgraph dev` server)
#   make langgraph-server   a dev server on the test graphs, 127.0.0.1, free port
#
# The server gets a venv of its own: langgraph-api is an application with ~50 pinned
# transitive dependencies (grpc, opentelemetry, uvicorn...). Keeping them out of .venv keeps
# it what a user has.

LG_VENV        ?= .venv
LG_PYTHON      ?= $(LG_VENV)/bin/python
LG_SERVER_VENV ?= .venv-langgraph
LG_STAMPS      ?= .stamps

.PHONY: langgraph-deps test-langgraph langgraph-server

langgraph-deps: $(LG_STAMPS)/langgraph-server-venv

$(LG_STAMPS)/langgraph-server-venv: tests/langgraph/requirements-server.lock $(LG_STAMPS)/uv
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(LG_SERVER_VENV)
	$(UV) pip sync --quiet --compile-bytecode --python $(LG_SERVER_VENV)/bin/python --require-hashes \
		tests/langgraph/requirements-server.lock
	@mkdir -p $(LG_STAMPS) && touch $@

test-langgraph: langgraph-deps $(LG_STAMPS)/venv
	ROSTER_LANGGRAPH_CLI=$(LG_SERVER_VENV)/bin/langgraph $(LG_PYTHON) -m pytest tests/langgraph -m langgraph

langgraph-server: $(LG_STAMPS)/langgraph-server-venv
	LANGGRAPH_CLI=$(LG_SERVER_VENV)/bin/langgraph scripts/langgraph-server.sh tests/langgraph_fixture
