"""The ``Roster`` facade: the library API of SPEC section 5."""
from __future__ import annotations

from roster.check import CheckReport, check_source
from roster.project import Project, open_project
from roster.source import FolderSource, Source


class Roster:
    """Assistants of one repository: resolve, list, history, diff and check.

    ``path`` is a worktree or a bare repository (or any folder inside one);
    ``root`` is the folder holding ``assistants/`` and ``schemas/`` when it is
    not discovered (bare repositories, monorepos).
    """

    def __init__(self, path: str = ".", *, root: str | None = None) -> None:
        self._project: Project = open_project(path, root=root)

    @property
    def project(self) -> Project:
        return self._project

    def _source(self, ref: str | None) -> Source:
        project = self._project
        if ref is None and project.top is not None:
            return FolderSource(project.top)
        from roster.git import TreeSource
        from roster.refs import resolve_commit

        repo = self._require_repo()
        commit = resolve_commit(repo, ref or "HEAD")
        return TreeSource(repo, commit)

    def _require_repo(self):  # type: ignore[no-untyped-def]
        from roster.errors import NotARepository

        if self._project.repo is None:
            raise NotARepository(f"{self._project.folder}: not a git repository (needed for refs and history)")
        return self._project.repo

    def check(self, ref: str | None = None, base: str | None = None, *, strict: bool = False) -> CheckReport:
        """Validate every assistant at ``ref`` (the working tree when None)."""
        report = check_source(self._source(ref), self._project.layout, strict=strict)
        if base is not None:
            from roster.changes import changes_against

            report = changes_against(self, report, base=base, ref=ref, strict=strict)
        return report
