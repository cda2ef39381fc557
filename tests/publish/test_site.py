"""The published HTML: content, links, self-containment, and a real browser at two widths."""
from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import tools
from publish.story import Published, load_json

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "publish"
DESKTOP, PHONE = (1280, 900), (390, 844)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []  # (tag.attr, value)
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        for name, value in attrs:
            if name in ("href", "src", "action", "srcset", "poster", "data") and value is not None:
                self.refs.append((f"{tag}.{name}", value))
            if name == "id" and value:
                self.ids.add(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _text(path: Path) -> str:
    return " ".join(" ".join(_parse(path).text).split())


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_assistant_has_a_page_and_is_listed(published: Published):
    index = load_json(published.site / "index.json")
    front = _text(published.site / "index.html")
    for key, entry in index["assistants"].items():
        page = published.site / "a" / (key.replace("/", "~") + ".html")
        assert page.exists(), key
        assert key in front
        text = _text(page)
        for v in entry["versions"]:
            assert f"v{v['version']}" in text
            assert index["commits"][v["commit"]]["message"] in text
            assert v["commit"][:12] in text
    assert "Story assistants" in front and "3 assistants" in front


def test_assistant_page_shows_the_timeline_with_diffs(published: Published):
    page = (published.site / "a" / "blog-writer.html").read_text(encoding="utf-8")
    text = _text(published.site / "a" / "blog-writer.html")
    # Newest first, with author, date, tags and the diff from the version before.
    assert page.index('id="v4"') < page.index('id="v3"') < page.index('id="v2"') < page.index('id="v1"')
    assert "Ada Tester" in text and "2023-11-15" in text and "UTC" in text
    assert "v1.0.0" in text and "blog-writer@prod" in text
    assert "tweet-writer@staging" not in text  # another assistant's environment tag is not shown here
    assert '<span class="a">+Link two related posts.</span>' in page  # a prompt change is a line diff
    assert "config.configurable.temperature" in text and "0.5" in text and "0.8" in text
    renamed = _text(published.site / "a" / "docs-author.html")
    assert "renamed from team/author" in renamed and "renamed from" in renamed
    old = _text(published.site / "a" / "team~writer.html")
    assert "Renamed to team/author" in old
    gone = _text(published.site / "a" / "old-bot.html")
    assert "Deleted in" in gone and "last version was v1" in gone


def _release_sections(path: Path) -> dict[str, str]:
    """Release title -> the text of its section, in page order."""
    source = path.read_text(encoding="utf-8")
    out = {}
    for chunk in source.split('<section class="release">')[1:]:
        chunk = chunk.split("</section>")[0]
        parser = _Links()
        parser.feed(chunk)
        text = " ".join(" ".join(parser.text).split())
        out[text.split(" ")[0]] = text
    return out


def test_releases_page_says_what_each_release_changed(published: Published):
    sections = _release_sections(published.site / "releases.html")
    assert list(sections) == ["v2.0.0", "v1.1.0", "v1.0.0"]  # newest first
    assert "blog-writer added v2" in sections["v1.0.0"] and "since the beginning" in sections["v1.0.0"]
    assert "blog-writer v2 → v3" in sections["v1.1.0"] and "1 assistant changed since v1.0.0" in sections["v1.1.0"]
    assert "docs-author renamed from team/writer v1 → v4" in sections["v2.0.0"]
    assert "old-bot added and deleted" in sections["v2.0.0"]
    text = _text(published.site / "releases.html")
    envs = text[text.index("Environments"):]
    assert "blog-writer prod v2" in envs and "docs-author prod v4" in envs and "tweet-writer staging v2" in envs


def test_self_contained_and_every_link_resolves(published: Published):
    site = published.site
    for page in _pages(site):
        parsed = _parse(page)
        source = page.read_text(encoding="utf-8")
        assert "<style>" in source  # inlined, not linked
        assert "<script>" not in source and "<script src=" in source  # the CSP forbids inline script
        assert not re.search(r"<link\b", source), page
        for attr, ref in parsed.refs:
            ref = html.unescape(ref)
            assert not re.match(r"(?i)([a-z][a-z0-9+.-]*:|//)", ref), f"{page.name}: external {attr}={ref}"
            target, _, fragment = ref.partition("#")
            resolved = (page.parent / target).resolve() if target else page
            assert resolved.is_file(), f"{page.relative_to(site)}: broken link {ref}"
            assert site.resolve() in resolved.parents or resolved.parent == site.resolve()
            if fragment and resolved.suffix == ".html":
                assert fragment in _parse(resolved).ids, f"{page.relative_to(site)}: no #{fragment} in {target}"


# --- a real browser -------------------------------------------------------------


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    exe = tools.chromium()
    cmd = [str(exe), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.mark.parametrize("page", ["index.html", "releases.html", "a/blog-writer.html", "a/docs-author.html"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots_from_file_urls(published: Published, artifacts: Path, tmp_path: Path, page: str,
                                    size: tuple[int, int]):
    name = f"{page.replace('/', '_').removesuffix('.html')}-{'phone' if size == PHONE else 'desktop'}.png"
    shot = artifacts / name
    proc = _chromium(f"--screenshot={shot}", f"--window-size={size[0]},{size[1]}",
                     (published.site / page).as_uri(), profile=tmp_path / "profile")
    assert shot.exists(), proc.stderr[-2000:]
    assert _png_size(shot) == size
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank image


def test_rendered_dom_has_the_content_and_the_script_ran(published: Published, tmp_path: Path):
    proc = _chromium("--dump-dom", "--virtual-time-budget=3000", (published.site / "index.html").as_uri(),
                     profile=tmp_path / "profile")
    dom = proc.stdout
    assert "blog-writer" in dom and "docs-author" in dom and "tweet-writer" in dom, proc.stderr[-2000:]
    # The filter box is hidden until the script (a file of the site, under the page's CSP) shows it:
    # it ran from file://.
    box = re.search(r'<input[^>]*id="filter"[^>]*>', dom)
    assert box and "hidden" not in box.group(0)


@pytest.mark.parametrize("page", ["index.html", "releases.html", "a/blog-writer.html", "a/docs-author.html"])
def test_no_horizontal_scrolling_on_a_phone(published: Published, tmp_path: Path, page: str):
    """At 390 px wide the page fits: its scroll width is the frame's width."""
    probe = published.site / f"_probe_{page.replace('/', '_')}"
    probe.write_text(
        f'<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe id="f" src="{page}" style="width:{PHONE[0]}px;height:{PHONE[1]}px;border:0"></iframe>'
        "<script>document.getElementById('f').onload=function(){var d=this.contentDocument.documentElement;"
        "document.body.setAttribute('data-widths',d.scrollWidth+'/'+d.clientWidth);};</script></body></html>",
        encoding="utf-8")
    try:
        proc = _chromium("--allow-file-access-from-files", "--dump-dom", "--virtual-time-budget=5000",
                         f"--window-size={PHONE[0] + 40},{PHONE[1]}", probe.as_uri(), profile=tmp_path / "profile")
    finally:
        probe.unlink()
    found = re.search(r'data-widths="(\d+)/(\d+)"', proc.stdout)
    assert found, proc.stdout[-1000:] + proc.stderr[-1000:]
    scroll, client = map(int, found.groups())
    assert client == PHONE[0] and scroll <= client, f"{page}: {scroll}px of content in a {client}px screen"
