"""reporters/text.py: one problem per line as ``file:line:column: severity: where: message``."""
from __future__ import annotations

from reporters.conftest import Made
from roster.reporters.text import plural, render_check, summary_line


def test_problems_then_changes_then_the_summary(made: Made) -> None:
    # one line per problem, also when a YAML key holds a line break (Problem.format escapes it)
    lines = render_check(made.report).splitlines()
    source = made.report.source
    assert source.endswith(" against HEAD~1")
    assert lines == [
        "assistants/leaky.yaml:10:10: error: metadata.token: looks like a secret (Anthropic API key); keep "
        "credentials out of git and read them from the environment at run time",
        "assistants/new.yaml:9:1: error: evil\\u000a::error file=x::pwned|`x`: unknown field "
        "'evil\\n::error file=x::pwned|`x`'; allowed: graph_id, name, description, config, context, metadata, "
        "server_id",
        "assistants/keep.yaml: modified, 2 field(s)",
        "assistants/leaky.yaml: added, 3 field(s)",
        "assistants/moved.yaml: renamed (from move)",
        "assistants/new.yaml: added, 3 field(s)",
        "assistants/gone.yaml: deleted",
        f"FAILED: checked 4 assistants ({source}): 2 errors, 0 warnings",
    ]


def test_summary_of_a_passing_check(made: Made) -> None:
    report = made.roster.check(ref="HEAD~1")
    assert render_check(report) == summary_line(report) == \
        f"ok: checked 3 assistants ({report.source}): 0 errors, 0 warnings"


def test_plural() -> None:
    assert [plural(n, "error") for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
