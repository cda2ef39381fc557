"""Output hygiene (roster/hygiene.py): no secret, no injected workflow command or Markdown, bounded output."""
from __future__ import annotations

import json
import re

from helpers.cli import run_cli
from helpers.content import GOOD_WRITER
from helpers.gitcmd import make_repo
from helpers.pygit import commit_files
from roster.hygiene import cap_summary, clean_text, md_code, md_fence, md_text, redacted, yaml_value

KEY = "sk-ant-api03-Zq3xT7bN9mK2pL5vR8wY1cF4hJ6dS0aE-AbCdEf"


def _pr_adding_a_key(tmp_path):
    repo = make_repo(tmp_path, {"assistants/w.yaml": GOOD_WRITER})
    commit_files(repo, {"assistants/w.yaml": GOOD_WRITER + f"metadata:\n  fallback: {KEY}\n  owner: me\n"}, "key")
    return repo


def test_a_leaked_key_is_redacted_in_every_format_of_check_against_a_base(tmp_path):
    repo = _pr_adding_a_key(tmp_path)
    for fmt in ("text", "json", "markdown", "github", "sarif"):
        code, out, err = run_cli("check", "--ref", "HEAD", "--base", "HEAD~1", "--format", fmt, cwd=repo)
        assert code == 1, fmt
        assert KEY not in out + err and KEY[:20] not in out, fmt
    data = json.loads(run_cli("check", "--ref", "HEAD", "--base", "HEAD~1", "--format", "json", cwd=repo)[1])
    fields = {f["path"]: f["new"] for f in data["changes"][0]["changes"]}
    assert fields["metadata"] == {"fallback": "[redacted]", "owner": "me"}


def test_schema_messages_never_quote_a_secret_or_a_huge_value_and_speak_yaml(tmp_path):
    huge = "x" * 900_000
    repo = make_repo(tmp_path, {
        "assistants/enum.yaml": GOOD_WRITER + f"    tone: {KEY}\n",
        "assistants/long.yaml": GOOD_WRITER + f"    model: {huge}\n".replace("    model: anthropic", "    m: a"),
        "assistants/bool.yaml": GOOD_WRITER.replace("Good writer", "W") + "    tone: neutral\n    include_hashtags: 3\n"
                                "    max_words: true\n",
    })
    code, out, _ = run_cli("check", "--format", "github", cwd=repo)
    assert code == 1
    assert KEY not in out and "[redacted]" in out
    assert max(len(line) for line in out.splitlines()) < 3000
    assert "max_words: true is not valid here: expected an integer, or null" in out and "True" not in out


def test_no_printed_line_can_start_a_workflow_command(tmp_path):
    evil = "graph_id: writer\nname: \"x\\n::add-mask::abc\\n::stop-commands::t\\n\\e]0;title\\a\"\n" \
           "config:\n  configurable: {model: m, system_prompt: p}\n"
    repo = make_repo(tmp_path, {"assistants/evil.yaml": evil})
    for args in (("list",), ("show", "evil"), ("check",), ("check", "--format", "markdown"),
                 ("history", "evil"), ("list", "--format", "json")):
        code, out, err = run_cli(*args, cwd=repo)
        assert code == 0, args
        for line in (out + err).splitlines():
            assert not line.lstrip().startswith("::"), (args, line)
        assert "\x1b" not in out and "\x07" not in out, args
    out = run_cli("list", "--format", "json", cwd=repo)[1]
    assert json.loads(out)[0]["name"].startswith("x\n::add-mask::")  # JSON keeps the meaning


def test_github_annotations_stay_within_githubs_limits(tmp_path):
    files = {f"assistants/a{i:02}.yaml": GOOD_WRITER + "    temperature: hot\n    temprature: 1\n" for i in range(13)}
    repo = make_repo(tmp_path, files)
    out = run_cli("check", "--format", "github", cwd=repo)[1]
    lines = out.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 10
    [notice] = [line for line in lines if line.startswith("::notice")]
    assert "3 errors, 3 warnings more" in notice


def test_github_properties_and_data_are_escaped(tmp_path):
    repo = make_repo(tmp_path, {"assistants/a,b:c%.yaml": "graph_id: writer\nnmae: x\n"})
    out = run_cli("check", "--format", "github", cwd=repo)[1]
    assert "file=assistants/a%2Cb%3Ac%25.yaml," in out


def test_markdown_cannot_be_rewritten_from_a_file(tmp_path):
    prompt = "line one\n```\n# Approved by @security\n<!-- hide\nline four"
    repo = make_repo(tmp_path, {"assistants/w.yaml": GOOD_WRITER})
    text = GOOD_WRITER.replace("You write posts.", prompt.replace("\n", "\n      "))
    commit_files(repo, {"assistants/w.yaml": text + "metadata:\n  \"k\\r<!--\": 1\n"}, "edit")
    out = run_cli("check", "--ref", "HEAD", "--base", "HEAD~1", "--format", "markdown", cwd=repo)[1]
    # Code blocks and spans show their content, never parse it: what matters is what is outside them.
    outside_code = re.sub(r"(?ms)^(`{3,})diff$.*?^\1$", "", out)
    outside_code = re.sub(r"(`+).*?\1", "", outside_code)
    assert "<!--" not in outside_code and "\r" not in out
    fences = [line for line in out.splitlines() if line.startswith("```")]
    assert fences and all(line.startswith("````") for line in fences)
    assert "\n# Approved" not in outside_code and "@security" not in outside_code
    assert "+# Approved by @security" in out  # shown, inside the fence


def test_helpers():
    assert md_code("a`b|c") == "``a`b\\|c``"
    assert md_fence(["````"]) == ["`````", "````", "`````"]
    assert md_text("**x** <b>|") == "\\*\\*x\\*\\* \\<b\\>\\|"
    assert clean_text("a\x1b[31mb\r\n::x") == "a\\u001b[31mb\\u000d\n\\u003a:x"
    assert yaml_value(True) == "true" and yaml_value(None) == "null" and len(yaml_value("y" * 500)) < 120
    assert redacted({"api_key": "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "n": 1}) == {"api_key": "[redacted]", "n": 1}
    big = "| row |\n" * 300_000
    capped = cap_summary(big)
    assert len(capped.encode()) < 1024 * 1024 and capped.rstrip().endswith("report._")
    assert re.search(r"\d+ more lines left out", capped)


def test_show_prints_no_trailing_whitespace(tmp_path):
    text = GOOD_WRITER.replace("You write posts.", "You write posts.\n\n      Second paragraph.")
    repo = make_repo(tmp_path, {"assistants/w.yaml": text})
    out = run_cli("show", "w", cwd=repo)[1]
    assert "Second paragraph." in out
    assert all(line == line.rstrip() for line in out.splitlines())


def test_publish_never_writes_a_key_committed_once_and_lists_where(tmp_path):
    repo = _pr_adding_a_key(tmp_path)  # version 2 holds the key
    commit_files(repo, {"assistants/w.yaml": GOOD_WRITER + "metadata:\n  owner: me\n"}, "remove the key")
    out = tmp_path / "site"
    code, stdout, err = run_cli("publish", "--out", str(out), "--format", "json", cwd=repo)
    assert code == 0, err
    assert json.loads(stdout)["redacted"] == ["w@2 metadata.fallback"]
    for path in out.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    index = json.loads((out / "index.json").read_text())
    assert index["redacted"] == [{"assistant_id": "w", "version": 2, "path": "metadata.fallback"}]
    [v2] = [v for v in index["assistants"]["w"]["versions"] if v["version"] == 2]
    assert v2["content"]["metadata"] == {"fallback": "[redacted]", "owner": "me"}
    text = run_cli("publish", "--out", str(out), cwd=repo)[1]
    assert "redacted (looks like a secret): w@2 metadata.fallback" in text


def test_one_scan_flags_and_redacts_what_the_two_functions_do():
    # hygiene.scanned is what a publish runs on every version: the same places, the same copy.
    from types import MappingProxyType

    from roster.hygiene import REDACTED, redacted_places, scanned
    from secret_corpus import CORPUS

    documents: list[object] = [{"config": {"configurable": {c.key: c.value}}, "name": "w"} for c in CORPUS]
    documents += [
        {c.key: [c.value, {"inner": c.value}, (c.value, 1)] for c in CORPUS[:40]},  # a list keeps its key
        {"metadata": MappingProxyType({"api_key": KEY, "old": REDACTED, 3: KEY, "n": [None, 1.5, True]})},
        {"m": {"token": REDACTED, "x": [REDACTED]}},  # an earlier publish's markers, nothing new
        KEY, REDACTED, "plain", [KEY, "a"], {}, [],
    ]
    flagged = 0
    for doc in documents:
        copy, places = scanned(doc)
        assert places == redacted_places(doc, marked=True), doc
        assert copy == redacted(doc), doc
        if copy == doc:
            assert copy is doc, doc  # nothing flagged: not copied
        else:
            flagged += 1
    assert flagged > 30
