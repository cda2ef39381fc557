"""The docs keep up with the command line: every command has help and is in the README."""
from __future__ import annotations

import re

import click
import pytest

from helpers.cli import run_cli, run_roster_subprocess
from helpers.paths import ROOT
from roster.cli.main import cli


def all_commands() -> list[tuple[str, click.Command]]:
    """Every command and subcommand, by its full name (``schemas export``)."""
    found: list[tuple[str, click.Command]] = []
    todo: list[tuple[str, click.Command]] = [(name, cmd) for name, cmd in cli.load_all().items()]
    while todo:
        name, cmd = todo.pop()
        found.append((name, cmd))
        if isinstance(cmd, click.Group):
            todo.extend((f"{name} {sub}", subcmd) for sub, subcmd in cmd.commands.items())
    return sorted(found, key=lambda item: item[0])


COMMANDS = all_commands()
SPEC_COMMANDS = {"check", "validate", "show", "list", "history", "diff", "publish"}


def test_the_commands_of_spec_section_6_exist():
    assert SPEC_COMMANDS <= {name for name, _ in COMMANDS}


@pytest.mark.parametrize("name, command", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_help_text(name, command):
    assert (command.help or "").strip(), f"roster {name} has no help text"
    assert command.get_short_help_str().strip()
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"roster {name} {param.opts[0]} has no help text"
    code, out, err = run_cli(*name.split(), "--help")
    assert (code, err) == (0, "")
    assert out.startswith(f"Usage: roster {name}")
    first_line = command.help.strip().splitlines()[0]
    assert " ".join(first_line.split()[:4]) in " ".join(out.split())


def test_the_group_help_lists_every_command_and_the_exit_codes():
    code, out, _ = run_cli("--help")
    assert code == 0
    for name in cli.load_all():
        assert re.search(rf"^\s+{re.escape(name)}\s", out, re.M), name
    assert "Exit codes: 0 ok, 1 invalid assistants" in " ".join(out.split())


def test_help_and_version_as_a_subprocess():
    proc = run_roster_subprocess("--help")
    assert proc.returncode == 0 and proc.stdout.startswith("Usage: roster")
    proc = run_roster_subprocess("--version")
    assert proc.returncode == 0 and re.fullmatch(r"roster \d+\.\d+\.\d+\S*\n", proc.stdout)


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_every_command_is_in_the_readme(name):
    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing"
    assert f"roster {name}" in readme.read_text(encoding="utf-8"), f"README.md does not mention `roster {name}`"


def test_every_global_option_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for param in cli.params:
        if isinstance(param, click.Option) and param.opts[0] not in ("--help", "--version"):
            assert param.opts[0] in readme, param.opts[0]
