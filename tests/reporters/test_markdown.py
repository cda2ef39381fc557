"""reporters/markdown.py: the job summary, escaped, problems before changes, under GitHub's limit."""
from __future__ import annotations

from reporters.conftest import Made
from roster import CheckReport, Problem
from roster.hygiene import SUMMARY_LIMIT
from roster.reporters.markdown import cell, render_check


def test_summary_problems_then_changes(made: Made) -> None:
    out = render_check(made.report)
    lines = out.splitlines()
    assert lines[0] == "## ❌ Roster check"
    assert lines[2] == f"Checked 4 assistants ({made.report.source.replace('~', chr(92) + '~')}): **2 errors**, " \
                       "0 warnings."
    rows = [line for line in lines if line.startswith("| ❌ |")]
    assert rows[0] == ("| ❌ | `assistants/leaky.yaml` | 10:10 | `metadata.token` | looks like a secret \\(Anthropic "
                       "API key\\); keep credentials out of git and read them from the environment at run time |")
    # the hostile key: one row (no line break), its pipes escaped so the row keeps five cells
    assert rows[1].startswith("| ❌ | `assistants/new.yaml` | 9:1 | `` evil \\u003a:error file=x::pwned\\|`x` `` |")
    assert rows[1].count(" | ") - rows[1].count("\\| ") == 4
    assert out.index("| ❌ |") < out.index("### Changes")


def test_a_passing_check(made: Made) -> None:
    report = made.roster.check(ref="HEAD~1")
    assert render_check(report).splitlines() == [
        "## ✅ Roster check", "", f"Checked 3 assistants ({cell(report.source)}): **0 errors**, 0 warnings."]


def test_a_huge_report_stays_under_the_limit(made: Made) -> None:
    [secret, _] = made.report.problems
    report = CheckReport(1, [Problem("error", secret.path, n, 10, "", secret.message) for n in range(1, 20_000)])
    out = render_check(report)
    assert len(out.encode("utf-8")) <= SUMMARY_LIMIT
    assert out.startswith("## ❌ Roster check") and "| ❌ | `assistants/leaky.yaml` | 1:10 |" in out


def test_cell_escapes_markdown_and_html() -> None:
    assert cell("a|b *c* <i>d</i> @e") == "a\\|b \\*c\\* \\<i\\>d\\</i\\> @\u200be"
