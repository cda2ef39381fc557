#!/usr/bin/env bash
# Run `langgraph dev` offline on 127.0.0.1 for a folder with a langgraph.json.
#
#   scripts/langgraph-server.sh [DIR] [PORT]
#
# DIR defaults to tests/langgraph_fixture; PORT to a free port chosen now. The folder is
# copied to a temporary directory first (`langgraph dev` writes .langgraph_api/ state
# into its working folder). No browser, no analytics, no version check, no tracing, no
# API keys passed on. Stops on Ctrl-C. LANGGRAPH_CLI overrides the `langgraph` executable.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$here/tests/langgraph_fixture}"
port="${2:-}"
cli="${LANGGRAPH_CLI:-}"
if [[ -z "$cli" ]]; then
  if [[ -x "$here/.venv-langgraph/bin/langgraph" ]]; then cli="$here/.venv-langgraph/bin/langgraph"
  elif command -v langgraph >/dev/null; then cli="$(command -v langgraph)"
  else echo "langgraph-cli not found: run 'make langgraph-deps' (or set LANGGRAPH_CLI)" >&2; exit 2
  fi
fi
[[ -f "$dir/langgraph.json" ]] || { echo "$dir has no langgraph.json" >&2; exit 2; }
if [[ -z "$port" ]]; then
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/roster-langgraph.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -R "$dir"/. "$work"/
rm -rf "$work/.langgraph_api"
cd "$work"
echo "LangGraph dev server: http://127.0.0.1:$port  (graphs from $dir)" >&2
env -u LANGSMITH_API_KEY -u LANGGRAPH_API_KEY -u LANGCHAIN_API_KEY \
  LANGGRAPH_CLI_NO_ANALYTICS=1 LANGGRAPH_NO_VERSION_CHECK=true LANGSMITH_TRACING=false \
  "$cli" dev --no-browser --no-reload --host 127.0.0.1 --port "$port"
