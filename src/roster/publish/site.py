"""The HTML pages of a published history: all assistants, one timeline each, the releases.

Every page is self-contained: the stylesheet is inlined, the small filter
script is one file of the site (the pages' Content-Security-Policy forbids inline
script), links are relative, and nothing is fetched, so the site opens from
disk (file://) exactly as from GitHub Pages. Layout is fluid with one narrow
breakpoint, so it reads on a phone.

Pages are described before they are rendered (``Page.signature``): an
assistant page depends only on its own versions, tags and status, so a
re-publish can keep the previous file when the signature did not change.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from roster.diff import diff_values
from roster.publish.index import PublishedIndex
from roster.publish.shown import changes_shown, pruned, shown, yamlish
from roster.timeline import State, state_at

_HERE = Path(__file__).resolve().parent
# No inline script, no handlers, nothing from elsewhere: a slip in escaping cannot run.
# The one script is a file of the site ('self' also matches it when opened from disk).
CSP = ("default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'")
SCRIPT = "filter.js"
OPEN_DIFFS = 6  # newest versions whose diff is shown expanded; older ones are one click away


class KeptReleases(NamedTuple):
    upto: int  # chain position of the last release the kept sections cover
    html: str  # those sections, as the previous releases.html holds them


class Releases(NamedTuple):
    html: str
    upto: int  # chain position of the last release (-1: none): the sections up to it are the "older" part
    older: tuple[int, int]  # byte span of the older part in html (UTF-8)


class Page(NamedTuple):
    path: str  # relative to the site folder
    signature: str  # same signature, same bytes: lets a re-publish keep the old file
    render: Callable[[], str]


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    return (_HERE / "style.css").read_text(encoding="utf-8"), (_HERE / "filter.js").read_text(encoding="utf-8")


def script() -> str:
    """The text of the site's one script file, ``SCRIPT``."""
    return _assets()[1]


def assets_digest() -> str:
    css, js = _assets()
    templates = "".join(p.read_text(encoding="utf-8") for p in sorted((_HERE / "templates").glob("*.html")))
    return hashlib.sha256((css + js + templates).encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _environment() -> Any:
    """The one Jinja2 environment of the site (each template compiled once per process)."""
    # lazy: loads jinja2
    import jinja2

    class Environment(jinja2.Environment):
        def getattr(self, obj: Any, attribute: str) -> Any:
            # The templates read plain dicts built here (``v.text``): the key first. Jinja2 tries
            # the attribute first, and a failed getattr (an AttributeError raised and caught) was
            # a fifth of rendering. No key of these dicts is the name of a dict method.
            if type(obj) is dict:
                try:
                    return obj[attribute]
                except KeyError:
                    pass
            return super().getattr(obj, attribute)

    # Compiling the templates was ~40 ms of every publish: Jinja2's bytecode cache keeps them in its
    # per-user folder (created private, refused when another user owns it), checked against the source.
    return Environment(loader=jinja2.FileSystemLoader(str(_HERE / "templates")), autoescape=True,
                       undefined=jinja2.StrictUndefined, bytecode_cache=_bytecode_cache(jinja2))


def _bytecode_cache(jinja2: Any) -> Any:
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None  # no private folder to be had: compile every time


@lru_cache(maxsize=8)
def _template(name: str) -> Any:
    """A page template; Jinja2 escapes every value put into it (autoescape), markup must be ``Markup``."""
    return _environment().get_template(name)


def page_path(key: str) -> str:
    """``team/writer`` -> ``a/team~writer.html``: '~' never occurs in an id, so this never collides.

    From another assistant page (in ``a/``), the link is the same without ``a/``.
    """
    return f"a/{key.replace('/', '~')}.html"


def pages(index: PublishedIndex, *, title: str, kept: KeptReleases | None = None,
          notes: dict[str, Releases] | None = None) -> list[Page]:
    """Every page of the site; assistant pages carry a signature of everything they show.

    ``kept``: the older part of the previous releases.html, when it is still right; what
    the releases page was made of goes into ``notes["releases"]`` (for the manifest).
    """
    site = _Site(index, title)
    out = [Page("index.html", "", site.index_page),
           Page("releases.html", "", functools.partial(_releases, site, kept, {} if notes is None else notes))]
    base = f"{index.data['generator']}|{assets_digest()}|{title}"
    for key, entry in index.assistants.items():
        out.append(Page(page_path(key), site.signature(key, entry, base), functools.partial(_render, site, key)))
    return out


def _releases(site: _Site, kept: KeptReleases | None, notes: dict[str, Releases]) -> str:
    notes["releases"] = made = site.releases_parts(kept)
    return made.html


def _render(site: _Site, key: str) -> str:
    # An entry kept from the previous publish has no content until asked for.
    return site.assistant_page(key, site.index.full(key))


def framed_page(index: PublishedIndex, site_title: str, title: str, template: str, *, depth: int, here: str,
                **values: Any) -> str:
    """A page in the site's frame (navigation, stylesheet, CSP) whose body is ``template``
    rendered with ``values``, for pages built outside this module (``envpage``)."""
    return _Site(index, site_title).page(title, _template(template).render(**values), depth=depth, here=here)


class _Site:
    def __init__(self, index: PublishedIndex, title: str) -> None:
        self.index = index
        self.data = index.data
        self.title = title
        self.commits: dict[str, Any] = self.data["commits"]
        self.pos: dict[str, int] = {c: i for i, c in enumerate(self.data["chain"])}
        self.env_tags, tags = _split_tags(self.data["tags"], index.assistants)
        for env, info in (self.data.get("environments") or {}).items():  # a file wins over a tag (SPEC 4)
            for key, run in info["runs"].items():
                if run.get("commit") and key in index.assistants:
                    self.env_tags.setdefault(key, {})[env] = run["commit"]
        # Release tags on the published chain; the others (other branches) are only listed.
        self.releases = {n: c for n, c in tags.items() if c in self.pos}
        self.stray = {n: c for n, c in tags.items() if c not in self.pos}

    # --- shared pieces --------------------------------------------------------

    def page(self, title: str, body: str, *, depth: int, here: str) -> str:
        """The frame of every page; ``body`` is the output of another template (already escaped)."""
        # lazy: loads markupsafe
        from markupsafe import Markup

        css, _ = _assets()
        # Assistant pages say nothing about the publish itself, so they stay byte-identical
        # (and reusable) until the assistant changes.
        published = None
        if depth == 0:
            head = self.data["head"]
            published = {"ref": self.data["ref"], "head": head, "date": self.date(head)}
        return _template("page.html").render(
            generator=self.data["generator"], csp=CSP, title=title, css=Markup(css), up="../" * depth,
            site_title=self.title, nav=self.nav(), here=here,
            body=Markup(body), published=published, script=SCRIPT) + "\n"

    def nav(self) -> list[tuple[str, str]]:
        out = [("index.html", "Assistants"), ("releases.html", "Releases")]
        if self.data.get("environments"):
            out.append(("environments.html", "Environments"))
        return out

    def date(self, commit: str | None) -> str:
        info = self.commits.get(commit or "")
        return when(info["date"]) if info else ""

    def version_at(self, entry: dict[str, Any], commit: str) -> int | None:
        """The version of ``entry`` at ``commit`` (None: not on the chain, not there yet, or deleted)."""
        pos = self.pos.get(commit)
        if pos is None:
            return None
        count, exists, _ = self.state(entry, pos)
        return count if exists else None

    def signature(self, key: str, entry: dict[str, Any], base: str) -> str:
        parts = [base, key, entry["status"], entry["renamed_to"] or "", entry["ended_at"] or "",
                 self.date(entry["ended_at"])]
        for v in entry["versions"]:
            parts.append(f'{v["version"]}:{v["commit"]}:{v["assistant_id"]}:{v["kind"]}:'
                         f'{",".join(self.index.tags_at.get(v["commit"], ()))}')
        for label, commit in sorted(self.env_tags.get(key, {}).items()):
            parts.append(f"env:{label}:{commit}:{self.version_at(entry, commit)}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    # --- index.html -----------------------------------------------------------

    def index_page(self) -> str:
        assistants = self.index.assistants
        active = [a for a in assistants.values() if a["status"] == "active"]
        gone = [a for a in assistants.values() if a["status"] != "active"]
        versions = sum(len(a["versions"]) for a in assistants.values() if a["status"] != "renamed")
        summaries = self.index.summaries  # (name, graph_id) of the newest version: no content is read
        graphs = sorted({summaries[a["assistant_id"]][1] for a in active if a["versions"]})
        rows = []
        for a in active:
            last = a["versions"][-1] if a["versions"] else None
            name, graph = summaries[a["assistant_id"]] if last else ("", "")
            rows.append({"href": page_path(a["assistant_id"]), "id": a["assistant_id"], "name": name,
                         "envs": self.envs(a), "graph": graph,
                         "version": f"v{last['version']}" if last else "?",
                         "date": self.date(last["commit"]) if last else ""})
        gone_rows = []
        for a in gone:
            renamed_to = a["renamed_to"] if a["status"] == "renamed" else None
            gone_rows.append({"href": page_path(a["assistant_id"]), "id": a["assistant_id"], "renamed_to": renamed_to,
                              "renamed_href": page_path(renamed_to) if renamed_to in assistants else None,
                              "date": self.date(a["ended_at"])})
        body = _template("index.html").render(
            title=self.title, active=len(active), versions=versions, graphs=len(graphs), releases=len(self.releases),
            cut=self.data["cut"], rows=rows, gone=gone_rows)
        return self.page(self.title, body, depth=0, here="index.html")

    def envs(self, entry: dict[str, Any]) -> list[tuple[str, int | None]]:
        return [(label, self.version_at(entry, commit))
                for label, commit in sorted(self.env_tags.get(entry["assistant_id"], {}).items())]

    # --- a/<id>.html ----------------------------------------------------------

    def assistant_page(self, key: str, entry: dict[str, Any]) -> str:
        versions = entry["versions"]
        last = versions[-1] if versions else None
        content = last["content"] if last else {}
        status, target = entry["status"], entry["renamed_to"]
        items = []
        total = len(versions)
        # What each version shows, made once: a version is compared with the one before and the one after.
        views = [shown(v) for v in versions]
        for i in range(total - 1, -1, -1):
            v = versions[i]
            prev = versions[i - 1] if i > 0 else None
            # A version right after a gap (the renamed stub keeps only some) is shown whole.
            if prev is not None and prev["version"] != v["version"] - 1:
                prev = None
            items.append(self.version_item(key, v, prev, expanded=total - i <= OPEN_DIFFS,
                                           views=(views[i - 1] if prev is not None else None, views[i])))
        last_text = ""
        if last:
            # The oldest version of a one-version page is shown whole already: the same text.
            last_text = items[0]["text"] if total == 1 and items[0]["changes"] is None else yamlish(views[-1])
        body = _template("assistant.html").render(
            key=key, graph=content.get("graph_id", "?"), last=last, status=status, envs=self.envs(entry),
            name=content.get("name") if content.get("name") != key else None,
            description=content.get("description"), renamed_to=target,
            renamed_href=page_path(target)[2:] if status == "renamed" and target in self.index.assistants else None,
            ended_at=entry["ended_at"] or "", ended_date=self.date(entry["ended_at"]),
            last_text=last_text, items=items)
        return self.page(f"{key} · {self.title}", body, depth=1, here="")

    def version_item(self, key: str, v: dict[str, Any], prev: dict[str, Any] | None, *, expanded: bool,
                     views: tuple[dict[str, Any] | None, dict[str, Any]] | None = None) -> dict[str, Any]:
        """What assistant.html shows of one version (plain values; the template escapes them).

        ``views``: ``shown`` of ``prev`` and of ``v``, when the caller made them already.
        """
        old_view, new_view = views if views is not None else (shown(prev) if prev is not None else None, shown(v))
        info = self.commits[v["commit"]]
        kind = v["kind"]
        note, note_cls = "", ""
        if kind == "renamed" and prev is not None and prev["assistant_id"] != v["assistant_id"]:
            note, note_cls = f"renamed from {prev['assistant_id']}", "renamed"
        elif kind in ("added", "re-added"):
            note, note_cls = kind, kind
        elif kind == "renamed":
            note, note_cls = f"renamed (as {v['assistant_id']})", "renamed"
        item: dict[str, Any] = {
            "n": v["version"], "note": note, "note_cls": note_cls,
            "as_id": v["assistant_id"] if v["assistant_id"] != key and kind != "renamed" else None,
            "date": info["date"], "when": when(info["date"]), "message": info["message"],
            "author": info["author"]["name"], "commit": v["commit"], "file": v["file"], "expanded": expanded,
            # Release tags, and this assistant's own environment tags (not other assistants' ones).
            "tags": [t for t in self.index.tags_at.get(v["commit"], ())
                     if t in self.releases or t.partition("@")[0] in (key, v["assistant_id"])]}
        if prev is None or old_view is None:
            item.update(changes=None, text=yamlish(new_view), label="content")
        else:
            changes = diff_values(*pruned(old_view, new_view))
            item.update(changes=changes_shown(changes),
                        label=f'{len(changes)} change{"s" if len(changes) != 1 else ""} from v{prev["version"]}')
        return item

    # --- releases.html --------------------------------------------------------

    def releases_parts(self, kept: KeptReleases | None = None) -> Releases:
        """releases.html, and what the next publish needs to keep its older part.

        Sections are listed newest first; the released ones (up to the last release tag)
        only change when history before that tag does, so ``kept`` (the previous page's
        bytes of them, which the caller vouches for) stands in for rendering them again.
        """
        # Every (position, key) at which an assistant changed: a release only looks at the keys
        # that changed inside its interval (not at all of them, for each of ~100 releases).
        events = sorted((p, k) for k, a in self.index.assistants.items() if a["status"] != "renamed"
                        for p in [v["pos"] for v in a["versions"]] + self.index.planned[k].deletions)
        event_pos = [p for p, _ in events]
        groups: dict[str, list[str]] = {}
        for name, commit in self.releases.items():
            groups.setdefault(commit, []).append(name)
        on_chain = sorted((c for c in groups if c in self.pos), key=lambda c: self.pos[c])
        stops = [(c, sorted(groups[c])) for c in on_chain]
        released = self.pos[stops[-1][0]] if stops else -1  # the position of the last release
        head = self.data["head"]
        if not stops or stops[-1][0] != head:
            stops.append((head, []))
        older: list[dict[str, Any]] = []
        newest: list[dict[str, Any]] = []
        prev_pos = -1
        prev_name = ""
        for commit, names in stops:
            pos = self.pos[commit]
            if kept is not None and pos <= kept.upto:
                prev_pos, prev_name = pos, names[0] if names else prev_name  # inside the kept part
                continue
            lo, hi = bisect.bisect_right(event_pos, prev_pos), bisect.bisect_right(event_pos, pos)
            touched = sorted({k for _, k in events[lo:hi]})
            rows = [r for k in touched if (r := self.release_row(k, prev_pos, pos))]
            if not names and not rows:
                prev_pos = pos
                continue
            (older if pos <= released else newest).append(
                {"names": names, "commit": commit, "date": self.date(commit), "rows": rows,
                 "since": f"since {prev_name}" if prev_name else "since the beginning"})
            prev_pos = pos
            prev_name = names[0] if names else prev_name
        sections = _template("release_sections.html")
        older_html = sections.render(sections=list(reversed(older))) + (kept.html if kept is not None else "")
        # A mark no value from history can hold: where the older sections go, to record their span.
        mark = f"\x00{secrets.token_hex(8)}\x00"
        # lazy: loads markupsafe
        from markupsafe import Markup

        body = _template("releases.html").render(
            has_releases=bool(self.releases), newest=Markup(sections.render(sections=list(reversed(newest)))),
            older=Markup(mark), envs=self.environments(), stray=sorted(self.stray.items()), ref=self.data["ref"],
            env_files=bool(self.data.get("environments")))
        before, after = self.page(f"Releases · {self.title}", body, depth=0, here="releases.html").split(mark)
        start = len(before.encode("utf-8"))
        return Releases(before + older_html + after, released, (start, start + len(older_html.encode("utf-8"))))

    def release_row(self, key: str, before: int, after: int) -> dict[str, Any] | None:
        """What changed for ``key`` between two chain positions (None: nothing), for the template."""
        entry = self.index.assistants[key]
        old = self.state(entry, before)
        new = self.state(entry, after)
        if old == new:
            return None
        (n0, alive0, id0), (n1, alive1, id1) = old, new
        row: dict[str, Any] = {"href": f"{page_path(key)}#v{n1}", "text": id1 or key, "n0": n0, "n1": n1}
        if alive1 and not alive0:
            row.update(kind="added", badge="re-added" if n0 else "added")
        elif alive0 and not alive1:
            row.update(kind="deleted", href=page_path(key), text=id0 or key)
        elif alive0 and alive1:
            row.update(kind="changed", renamed_from=id0 if id0 != id1 else None)
        else:
            row.update(kind="both")
        return row

    def state(self, entry: dict[str, Any], pos: int) -> State:
        """Where an assistant stands at chain position ``pos`` (the one rule: ``timeline.state_at``)."""
        planned = self.index.planned.get(entry["assistant_id"])
        return state_at(self.index.chain, planned.lineage if planned else None, pos)

    def environments(self) -> list[dict[str, Any]]:
        """Each per-assistant tag and the version it points at, for the releases page."""
        rows = []
        for key in sorted(self.env_tags):
            entry = self.index.assistants[key]
            for label, commit in sorted(self.env_tags[key].items()):
                rows.append({"href": page_path(key), "id": key, "label": label,
                             "n": self.version_at(entry, commit), "date": self.date(commit)})
        return rows


# --- helpers ------------------------------------------------------------------


def _split_tags(tags: dict[str, str], assistants: dict[str, Any]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """(per-assistant tags ``id@label`` by id, repo-wide tags): ``x@y`` is per-assistant when ``x`` is an id."""
    env: dict[str, dict[str, str]] = {}
    releases: dict[str, str] = {}
    for name, commit in tags.items():
        ident, at, label = name.partition("@")
        if at and ident in assistants:
            env.setdefault(ident, {})[label] = commit
        else:
            releases[name] = commit
    return env, releases


def when(iso: str) -> str:
    """``2024-01-02T03:04:05Z`` -> ``2024-01-02 03:04 UTC`` (the exact time stays in ``datetime=``)."""
    if len(iso) == 20 and iso.endswith("Z"):
        return f"{iso[:10]} {iso[11:16]} UTC"
    return iso
