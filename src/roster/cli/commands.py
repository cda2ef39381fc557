"""The list of subcommands; each lives in a module of its own, imported when it is run.

``roster show`` need not build the options of a dozen other commands (~2 ms of every
start: SPEC section 8); ``roster --help`` lists them all, and loads them all.
"""
from __future__ import annotations

import importlib

import click

MODULES = {"check": "check_cmd", "validate": "validate_cmd", "show": "show_cmd", "list": "list_cmd",
           "history": "history_cmd", "diff": "diff_cmd", "promote": "promote_cmd", "status": "status_cmd",
           "schemas": "schemas_cmd", "sync": "sync_cmd", "pull": "pull_cmd", "import": "import_cmd",
           "publish": "publish_cmd"}


def load(name: str) -> click.Command:
    """The command ``name`` (a key of ``MODULES``), its module imported."""
    command: click.Command = importlib.import_module(f"roster.cli.{MODULES[name]}").command
    return command


def all_commands() -> list[click.Command]:
    return [load(name) for name in MODULES]
