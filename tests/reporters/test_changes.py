"""reporters/changes.py: what ``check --base`` found changed, as Markdown (a table, then each diff)."""
from __future__ import annotations

from reporters.conftest import KEY, Made
from roster.diff import FieldChange
from roster.reporters.changes import render_changes_markdown, safe_fields


def test_the_table_has_one_row_per_change(made: Made) -> None:
    out = render_changes_markdown(made.report.changes)
    assert out[:9] == [
        "### Changes", "", "| assistant | change | graph | fields |", "|---|---|---|---|",
        "| `keep` | ✏️ modified | writer | 2 |",
        "| `leaky` | 🆕 added | writer | 3 |",
        "| `moved` | 🔀 renamed from `move` | writer | - |",
        "| `new` | 🆕 added | writer | 3 |",
        "| `gone` | 🗑️ deleted | writer | - |",
    ]


def test_each_changed_assistant_gets_a_closed_block(made: Made) -> None:
    out = render_changes_markdown(made.report.changes)
    opened = [line for line in out if line.startswith("<details")]
    assert opened == ["<details open><summary><code>keep</code>: modified</summary>",
                      "<details open><summary><code>leaky</code>: added</summary>",
                      "<details open><summary><code>new</code>: added</summary>"]
    # the prompt's own "</details>" sits inside the fence: only the three real ones close a block
    assert out.count("</details>") == 3


def test_a_multi_line_prompt_is_a_fenced_line_diff_no_line_can_close(made: Made) -> None:
    out = render_changes_markdown(made.report.changes)
    start = out.index("`config.configurable.system_prompt`:")
    fence = out[start + 2]
    assert fence == "`````diff"  # longer than the prompt's own ```` line
    body = out[start + 3:out.index("`````", start + 3)]
    assert body == ["@@ -1,2 +1,5 @@", " Line one.", "-Line two.", "+````", "+</details>", "+| a | b |", "+Line two!"]


def test_hostile_values_are_escaped_in_cells(made: Made) -> None:
    out = render_changes_markdown(made.report.changes)
    assert "| `name` | changed | `\"Keep\"` | ``\"Pipe \\| *bold* <b>x</b> @team `tick`\"`` |" in out
    rows = [line for line in out if line.startswith("| `` evil")]
    assert rows == ["| `` evil \\u003a:error file=x::pwned\\|`x` `` | added |  | `1` |"]


def test_secrets_are_redacted_in_the_diff_and_the_data_is_not(made: Made) -> None:
    leaky = next(c for c in made.report.changes if c.assistant_id == "leaky")
    out = "\n".join(render_changes_markdown(made.report.changes))
    assert KEY not in out and '| `metadata` | added |  | `{"token": "[redacted]"}` |' in out
    assert leaky.fields[2] == FieldChange("metadata", "added", None, {"token": KEY})


def test_safe_fields_judges_each_value_under_its_own_key() -> None:
    token = "Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE"  # flagged under a key that names a credential, not under "name"
    fields = [FieldChange("metadata.api_key", "changed", "plain", token),
              FieldChange("config.configurable.tools[0]", "added", None, KEY),
              FieldChange("name", "changed", "a", token)]
    assert safe_fields(fields) == [FieldChange("metadata.api_key", "changed", "plain", "[redacted]"),
                                   FieldChange("config.configurable.tools[0]", "added", None, "[redacted]"),
                                   FieldChange("name", "changed", "a", token)]
