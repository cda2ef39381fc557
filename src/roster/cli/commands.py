"""The list of subcommands; each lives in a module of its own."""
from __future__ import annotations

import importlib

import click

_MODULES = ("check_cmd", "validate_cmd", "show_cmd", "list_cmd", "history_cmd", "diff_cmd", "promote_cmd",
            "status_cmd", "schemas_cmd", "sync_cmd", "pull_cmd", "import_cmd", "publish_cmd")


def all_commands() -> list[click.Command]:
    found = []
    for name in _MODULES:
        module = importlib.import_module(f"roster.cli.{name}")
        found.append(module.command)
    return found
