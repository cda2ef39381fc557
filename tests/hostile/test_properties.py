"""Hypothesis properties: the ref grammar and the site's escapers hold for any text."""
from __future__ import annotations

import html
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from roster.errors import RosterError
from roster.ids import id_problem
from roster.publish.site import _template, page_path
from roster.refs import is_version_number, parse_spec


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80), st.one_of(st.none(), st.text(max_size=20)))
def test_parse_spec_accepts_or_refuses_cleanly(spec: str, ref: str | None) -> None:
    try:
        parsed = parse_spec(spec, ref)
    except RosterError:
        return
    assert id_problem(parsed.assistant_id) is None
    assert "@" not in parsed.assistant_id
    if parsed.ref is not None:
        assert parsed.ref and not parsed.ref.startswith("-") and " " not in parsed.ref


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_a_version_number_is_always_small_enough_for_int(text: str) -> None:
    if is_version_number(text):
        assert 0 <= int(text) < 10**9


_segment = st.from_regex(r"[A-Za-z0-9_\-][A-Za-z0-9._\-]{0,15}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(_segment, min_size=1, max_size=4).map("/".join))
def test_a_valid_id_names_one_page_inside_the_site(assistant_id: str) -> None:
    if id_problem(assistant_id):
        return
    path = page_path(assistant_id)
    assert path.startswith("a/") and path.count("/") == 1 and ".." not in path.split("/")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)


def _render(source: str, text: str) -> str:
    """``source`` rendered by the site's own template environment (the one with autoescape)."""
    return str(_template("page.html").environment.from_string(source).render(t=text))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_escaped_text_is_text_in_content_and_in_attributes(text: str) -> None:
    for markup in (_render("<p>{{ t }}</p>", text), _render('<a href="{{ t }}" title="{{ t }}">x</a>', text)):
        parser = _Tags()
        parser.feed(markup)
        parser.close()
        assert parser.tags in (["p"], ["a"])  # no element or attribute came out of the value
        assert all(name in ("href", "title") for name, _ in parser.attrs)
    assert html.unescape(_render("{{ t }}", text)) == text
