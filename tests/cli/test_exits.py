"""Exit codes (SPEC sections 6 and 10): one place maps every outcome, for every command.

A bug is exit 3 and one line with a hint to rerun with ``--debug``; ``--debug`` shows the
traceback. The bug is a real exception raised in a real command, run through click's runner
and as a subprocess; no part of Roster is replaced.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from helpers.cli import assert_clean_error, invoke
from helpers.gitcmd import GitRepo
from helpers.stories import one_version
from roster.cli.exits import EXIT_INTERNAL, EXIT_INTERRUPTED, RosterCommand, RosterGroup
from roster.cli.main import cli
from roster.cli.settings import Settings

CLI_SOURCES = Path(__file__).resolve().parents[2] / "src" / "roster" / "cli"
HINT = "(a bug; rerun with --debug for the traceback)"


def _app(error: BaseException) -> click.Group:
    """A ``roster``-like group whose one command raises ``error``, as a bug in a command would."""

    @click.group(cls=RosterGroup)
    @click.option("--debug", is_flag=True)
    @click.pass_context
    def app(ctx: click.Context, debug: bool) -> None:
        ctx.obj = Settings(None, None, debug)

    @app.command("boom")
    def boom() -> None:
        raise error

    return app


def _commands(group: click.Group) -> Iterator[click.Command]:
    for command in group.commands.values():
        yield command
        if isinstance(command, click.Group):
            yield from _commands(command)


# --- the one place ------------------------------------------------------------------------------

def test_every_command_goes_through_the_mapping() -> None:
    cli.load_all()  # the subcommands' modules are imported when a subcommand is run
    commands = list(_commands(cli))
    assert len(commands) >= 14  # every command of SPEC section 6, and schemas export
    for command in commands:
        wanted = RosterGroup if isinstance(command, click.Group) else RosterCommand
        assert isinstance(command, wanted), command.name


def test_no_command_exits_on_its_own() -> None:
    offenders = []
    for path in sorted(CLI_SOURCES.glob("*.py")):
        if path.name == "exits.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "exit":
                offenders.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and any(a.name == "exit" for a in node.names):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_no_cli_module_imports_a_private_name() -> None:
    private = []
    for path in sorted(CLI_SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("roster"):
                private += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                            if a.name.startswith("_") and not a.name.endswith("__")]
    assert private == []


# --- a bug: exit 3, one line; --debug: the traceback ---------------------------------------------

def test_a_bug_is_exit_3_in_one_line() -> None:
    result = CliRunner().invoke(_app(ValueError("broken\n  state")), ["boom"])
    assert result.exit_code == EXIT_INTERNAL
    assert result.stdout == ""
    assert result.stderr == f"roster: internal error: ValueError: broken state {HINT}\n"


def test_debug_shows_the_bug_itself() -> None:
    result = CliRunner().invoke(_app(ValueError("broken")), ["--debug", "boom"])
    assert isinstance(result.exception, ValueError) and str(result.exception) == "broken"
    assert "internal error" not in result.output


def test_interrupted_is_130() -> None:
    result = CliRunner().invoke(_app(KeyboardInterrupt()), ["boom"])
    assert (result.exit_code, result.stderr) == (EXIT_INTERRUPTED, "roster: interrupted\n")


def test_a_bug_in_a_real_command_is_exit_3(tmp_path: Path) -> None:
    # `show` handed something that is not the global options: a programming error, not a usage error
    from roster.cli.show_cmd import command

    result = CliRunner().invoke(command, ["a"], obj=object())
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("roster: internal error: AttributeError: ")
    assert result.stderr.endswith(f"{HINT}\n") and "Traceback" not in result.output


_BUGGY_ROSTER = textwrap.dedent("""
    import click
    from roster.cli.main import cli, main

    @click.command("boom")
    def boom():
        {}.pop("missing")

    cli.add_command(boom)
    main()
""")


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_as_a_subprocess(tmp_path: Path, debug: bool) -> None:
    env = dict(os.environ, PYTHONPATH=str(CLI_SOURCES.parents[1]))
    args = ["--debug", "boom"] if debug else ["boom"]
    proc = subprocess.run([sys.executable, "-c", _BUGGY_ROSTER, *args], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert proc.stdout == ""
    if debug:
        assert proc.returncode == 1  # Python's own exit for an uncaught exception
        assert proc.stderr.startswith("Traceback (most recent call last):")
        assert proc.stderr.rstrip().endswith("KeyError: 'missing'")
    else:
        assert proc.returncode == EXIT_INTERNAL
        assert proc.stderr == f"roster: internal error: KeyError: 'missing' {HINT}\n"


def test_a_reader_that_went_away_is_not_an_error(tmp_path: Path) -> None:
    # `roster list | head -0`: the pipe is closed before roster writes (it takes far longer to start)
    g, _ = one_version(tmp_path / "repo")
    env = dict(os.environ, PYTHONPATH=str(CLI_SOURCES.parents[1]))
    proc = subprocess.Popen([sys.executable, "-m", "roster", "--repo", str(g.path), "list"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert (proc.wait(timeout=60), err) == (0, b"")


# --- the codes of SPEC section 6, through real commands ------------------------------------------

@pytest.mark.parametrize("mode", ["runner", "subprocess"])
def test_the_codes_of_real_commands(tmp_path: Path, mode: str) -> None:
    g, _ = one_version(tmp_path / "repo")
    repo = ["--repo", str(g.path)]
    assert invoke(mode, *repo, "list")[0] == 0
    code, _, err = invoke(mode, *repo, "show", "nobody")
    assert_clean_error(code, err, 2)
    code, _, err = invoke(mode, *repo, "list", "--metadata", "no-equals-sign")
    assert_clean_error(code, err, 2)
    g.write_assistant("bad", extra="unknown_top_level_key: 1\n")
    g.commit("bad")
    code, out, err = invoke(mode, *repo, "check", "--ref", "HEAD")
    assert (code, err) == (1, "") and "unknown_top_level_key" in out


def _staging_without_url(path: Path) -> GitRepo:
    g, _ = one_version(path)
    g.write("environments/staging.yaml", "assistants:\n  a: 1\n")
    g.commit("staging")
    return g


@pytest.mark.parametrize("mode", ["runner", "subprocess"])
def test_sync_detailed_exitcode_turns_an_error_into_1(tmp_path: Path, mode: str) -> None:
    g = _staging_without_url(tmp_path / "repo")
    message = ("roster: error: environment 'staging' names no url (add url: to environments/staging.yaml, "
               "or pass --url)\n")
    assert invoke(mode, "--repo", str(g.path), "sync", "--env", "staging", "--dry-run") == (2, "", message)
    assert invoke(mode, "--repo", str(g.path), "sync", "--env", "staging", "--dry-run",
                  "--detailed-exitcode") == (1, "", message)


# --- flags are named by the CLI, things by the library ------------------------------------------

@pytest.mark.parametrize("command", ["sync", "pull", "import"])
def test_a_bad_url_names_the_flag_before_git_is_touched(tmp_path: Path, command: str) -> None:
    code, out, err = invoke("runner", "--repo", str(tmp_path / "nothing-here"), command,
                            "--url", "http://ci:pw-secret@127.0.0.1:9/?token=1")
    assert code == 2 and out == ""
    assert "Invalid value for '--url': server URL must not have a query or fragment: " \
           "'http://127.0.0.1:9/?token=1'" in err
    assert "pw-secret" not in err and "not a repository" not in err and "Traceback" not in err


def test_a_bad_url_in_an_environment_file_names_no_flag(tmp_path: Path) -> None:
    g, _ = one_version(tmp_path / "repo")
    g.write("environments/prod.yaml", "url: http://127.0.0.1:9/?x=1\nassistants:\n  a: 1\n")
    g.commit("prod")
    code, out, err = invoke("runner", "--repo", str(g.path), "sync", "--env", "prod", "--dry-run")
    assert (code, out, err) == (2, "", "roster: error: server URL must not have a query or fragment: "
                                       "'http://127.0.0.1:9/?x=1'\n")


def test_a_root_outside_the_repository_names_the_folder(tmp_path: Path) -> None:
    g, _ = one_version(tmp_path / "repo")
    code, _, err = invoke("runner", "--repo", str(g.path), "--root", "../elsewhere", "list")
    assert (code, err) == (2, "roster: error: root folder '../elsewhere' leaves the repository\n")


def test_a_foreign_output_folder_names_the_folder(tmp_path: Path) -> None:
    g, _ = one_version(tmp_path / "repo")
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine\n")
    code, _, err = invoke("runner", "--repo", str(g.path), "publish", "--out", str(site))
    assert (code, err) == (2, f"roster: error: output folder {site} is not empty and holds no published Roster "
                              "site (no index.json written by roster); empty it or choose another folder\n")
    assert (site / "notes.txt").read_text() == "mine\n"


def test_a_missing_langgraph_json_names_the_flag_in_the_cli_only(tmp_path: Path) -> None:
    from roster.errors import UsageError
    from roster.langgraph.export import read_langgraph_json

    missing = tmp_path / "langgraph.json"
    with pytest.raises(UsageError) as info:
        read_langgraph_json(str(missing))
    assert str(info.value) == f"{missing}: no such file (the langgraph.json that lists the graphs)"
    code, out, err = invoke("runner", "schemas", "export", "--check", cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == f"roster: error: {missing}: no such file (give the langgraph.json with --config)\n"
