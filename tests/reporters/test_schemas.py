"""reporters/schemas.py: what ``roster schemas export`` wrote, or found stale with ``--check``."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from roster.langgraph.export import stale_schemas, write_schemas
from roster.reporters.schemas import render_schema_check, render_schema_export, shown_path

SCHEMAS = {"echo": {"graph_id": "echo", "config_schema": None},
           "writer": {"graph_id": "writer", "config_schema": {"type": "object"}}}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path / "schemas"


def _files(folder: Path) -> dict[str, str]:
    return {gid: str(folder / f"{gid}.json") for gid in sorted(SCHEMAS)}


def test_written_then_unchanged(folder: Path) -> None:
    files = _files(folder)
    written = set(write_schemas(str(folder), SCHEMAS))
    assert render_schema_export(files, written, "langgraph.json", "text").splitlines() == [
        f"wrote schemas{os.sep}echo.json", f"wrote schemas{os.sep}writer.json"]
    again = set(write_schemas(str(folder), SCHEMAS))
    assert render_schema_export(files, again, "langgraph.json", "text").splitlines() == [
        f"unchanged schemas{os.sep}echo.json", f"unchanged schemas{os.sep}writer.json"]
    assert json.loads(render_schema_export(files, written, "http://127.0.0.1:9", "json")) == {
        "source": "http://127.0.0.1:9", "written": [f"schemas{os.sep}echo.json", f"schemas{os.sep}writer.json"],
        "unchanged": []}


def test_check_names_missing_and_stale_files(folder: Path) -> None:
    files = _files(folder)
    write_schemas(str(folder), {"writer": {"graph_id": "writer", "config_schema": None}})
    stale = stale_schemas(str(folder), SCHEMAS)
    assert render_schema_check(files, stale, "langgraph.json", "text").splitlines() == [
        f"schemas{os.sep}echo.json: missing (graph 'echo' from langgraph.json)",
        f"schemas{os.sep}writer.json: stale (graph 'writer' from langgraph.json)",
        "2 of 2 schema file(s) out of date; run `roster schemas export`."]
    data = json.loads(render_schema_check(files, stale, "langgraph.json", "json"))
    assert data == {"ok": False, "source": "langgraph.json",
                    "stale": [{"graph_id": "echo", "path": f"schemas{os.sep}echo.json"},
                              {"graph_id": "writer", "path": f"schemas{os.sep}writer.json"}],
                    "checked": [f"schemas{os.sep}echo.json", f"schemas{os.sep}writer.json"]}
    write_schemas(str(folder), SCHEMAS)
    assert render_schema_check(files, [], "langgraph.json", "text") == \
        "2 schema file(s) up to date with langgraph.json."


def test_paths_far_away_stay_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert shown_path(str(tmp_path / "a" / "x.json")) == os.path.join("..", "x.json")
    assert shown_path(str(tmp_path / "x.json")) == str(tmp_path / "x.json")
