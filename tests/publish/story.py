"""A real repository with every shape a published history must show."""
from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from helpers.content import assistant_yaml
from helpers.gitcmd import GitRepo
from helpers.stories import Story


class Published(NamedTuple):
    story: Story
    repo: GitRepo
    site: Path
    extra: dict[str, str]  # commit ids of the commits added on top of the Story


def build_repo(path: Path) -> tuple[Story, dict[str, str]]:
    """The shared Story (merges, squash, rename, delete and re-add, release tags) plus:
    a per-assistant tag, an assistant deleted for good, a version that fails its schema,
    and an id in a subfolder that is renamed across folders."""
    story = Story(path)
    g = story.g
    extra: dict[str, str] = {}
    g.tag("blog-writer@prod", story.merge1)
    g.tag("tweet-writer@staging")
    g.write_assistant("old-bot", name="Old bot", prompt="Retired soon.")
    extra["old_add"] = g.commit("Add old-bot")
    # Not valid against the writer schema (temperature > 2): history still shows it.
    g.write_assistant("tweet-writer", text=assistant_yaml(name="Tweet writer", model="openai:gpt-4.1-mini",
                                                          temperature=5, prompt="Too hot.",
                                                          extra="metadata:\n  owner: social\n"))
    extra["tweet_bad"] = g.commit("tweet-writer: too hot")
    g.git("rm", "-q", "assistants/old-bot.yaml")
    extra["old_delete"] = g.commit("Remove old-bot")
    g.write_assistant("tweet-writer", text=assistant_yaml(name="Tweet writer", model="openai:gpt-4.1-mini",
                                                          temperature=0.9, prompt="One post.\nNo hashtags.",
                                                          extra="metadata:\n  owner: social\n"))
    extra["tweet_fix"] = g.commit("tweet-writer: cool down")
    g.git("mv", "assistants/team/author.yml", "assistants/docs-author.yml")
    extra["move"] = g.commit("Move team/author out of team/")
    g.tag("v2.0.0", annotated=True)
    g.tag("docs-author@prod")
    return story, extra


def load_json(path: Path) -> Any:
    import json

    return json.loads(path.read_text(encoding="utf-8"))


def site_tree(root: Path) -> dict[str, bytes]:
    """Every file of a site, to compare two publishes: index.json without its date, and the
    manifest without what signs that date (its signature and its index.json entry) and without
    the file system's stamps."""
    import json
    import marshal

    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            if p.name == "index.json":
                data = json.dumps({**json.loads(data), "generated_at": None}).encode()
            if p.name == ".roster-publish":
                # A signed header line, then the body; each file's stamp is the file system's, not ours.
                manifest = marshal.loads(data.partition(b"\n")[2])
                files = {f: r[0] for f, r in manifest["files"].items() if f != "index.json"}
                data = json.dumps(manifest | {"files": files}).encode()
            out[str(p.relative_to(root))] = data
    return out
