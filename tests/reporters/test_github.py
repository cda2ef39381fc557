"""reporters/github.py: workflow annotations, escaped, at most 10 of each severity per step."""
from __future__ import annotations

from reporters.conftest import Made
from roster import CheckReport, Problem
from roster.reporters.github import render_check


def test_annotations_escape_every_field(made: Made) -> None:
    lines = render_check(made.report).splitlines()
    assert lines[0] == ("::error file=assistants/leaky.yaml,line=10,col=10,title=roster%3A leaky::metadata.token: "
                        "looks like a secret (Anthropic API key); keep credentials out of git and read them from the "
                        "environment at run time")
    # the key's line break is %0A: the workflow command it carries stays inside this annotation's message
    assert lines[1].startswith("::error file=assistants/new.yaml,line=9,col=1,title=roster%3A new::evil%0A")
    assert lines[2] == f"FAILED: checked 4 assistants ({made.report.source}): 2 errors, 0 warnings"
    assert len(lines) == 3


def test_property_values_cannot_end_the_property(made: Made) -> None:
    hostile = Problem("warning", "assistants/a,line=1::x.yaml", 2, 3, "", "100% sure\r\nnext", "a:b")
    [line, _] = render_check(CheckReport(1, [hostile])).splitlines()
    assert line == "::warning file=assistants/a%2Cline=1%3A%3Ax.yaml,line=2,col=3,title=roster%3A a%3Ab::100%25 " \
                   "sure\\u000d%0Anext"  # CR escaped first (clean_text), then the line feed


def test_ten_of_each_severity_then_one_notice(made: Made) -> None:
    [secret, _] = made.report.problems
    errors = [Problem("error", secret.path, n, 1, "", secret.message) for n in range(1, 13)]
    warnings = [Problem("warning", secret.path, n, 2, "", secret.message) for n in range(1, 12)]
    lines = render_check(CheckReport(2, errors + warnings)).splitlines()
    kinds = [line.split(" ", 1)[0] for line in lines[:-2]]
    assert (kinds.count("::error"), kinds.count("::warning"), len(kinds)) == (10, 10, 20)
    assert lines[-2] == ("::notice title=roster::2 errors, 1 warning more, not shown as annotations (GitHub keeps 10 "
                         "of each per step): see the job summary or the log")
