"""scripts/archcheck.py finds each kind of finding in a small package written for it, and nothing else."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from helpers.files import write_files
from helpers.paths import ROOT

SCRIPT = ROOT / "scripts" / "archcheck.py"


def _archcheck() -> ModuleType:
    spec = importlib.util.spec_from_file_location("archcheck", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["archcheck"] = module  # dataclass-like NamedTuples look their module up
    spec.loader.exec_module(module)
    return module


PACKAGE = {
    "roster/__init__.py": "",
    # a -> b at the top, b -> a inside a function: a cycle all the same.
    "roster/a.py": "from roster.b import helper\n",
    "roster/b.py": "def helper() -> None:\n    from roster import a\n",
    # a light module kept out of a start-up path on purpose, saying why: accepted.
    "roster/f.py": "def g() -> None:\n    from roster import e  # lazy: keeps the checker out of show\n",
    # heavy at the top, so a function-level import of it is needed; c imports it without a comment.
    "roster/heavy.py": "import yaml\n",
    "roster/c.py": ("def f() -> None:\n"
                    "    from roster.heavy import yaml as y\n"
                    "    import os\n"
                    "    # lazy: the CLI's start-up\n"
                    "    import pygit2\n"
                    "    import jsonschema\n"
                    "    import langgraph_sdk  # lazy: an extra\n"
                    "    from roster import a\n"),
    "roster/d.py": ("from typing import TYPE_CHECKING\n"
                    "from roster.c import _private, public\n"
                    "if TYPE_CHECKING:\n"
                    "    from roster.e import E\n"
                    "class K:\n"
                    "    def m(self, other: 'E') -> None:\n"
                    "        self._mine, other._theirs, super()._base\n"
                    "        other.row._replace(), other._asdict(), other.__class__\n"),
    "roster/e.py": "from roster.d import K\nE = K\n",  # a cycle only through TYPE_CHECKING: none
    "roster/big.py": "x = 1\n" * 451,
}


def test_each_rule_is_found_where_it_is_broken_and_nowhere_else(tmp_path: Path) -> None:
    write_files(tmp_path / "src", PACKAGE)
    found = sorted(f.format() for f in _archcheck().run(tmp_path / "src"))
    assert found == sorted([
        "src/roster/big.py:1: size: roster.big has 451 lines (limit 450)",
        "src/roster/a.py:1: cycle: roster.a -> roster.b -> roster.a (component of 2: roster.a, roster.b)",
        "src/roster/d.py:2: private-import: _private from roster.c",
        "src/roster/d.py:7: private-attr: other._theirs",
        "src/roster/b.py:2: lazy-unneeded: import of roster.a inside a function: a roster module that loads "
        "nothing heavy",
        "src/roster/c.py:3: lazy-unneeded: import of os inside a function: not a heavy module",
        "src/roster/c.py:2: lazy-comment: import of roster.heavy inside a function (heavy: yaml) has no "
        "'# lazy:' comment",
    ])


def test_the_script_exits_1_on_a_finding_and_0_on_a_clean_package(tmp_path: Path) -> None:
    write_files(tmp_path / "dirty", {"roster/__init__.py": "", "roster/x.py": "def f() -> None:\n    import os\n"})
    write_files(tmp_path / "clean", {"roster/__init__.py": "", "roster/x.py": "import os\n"})
    dirty = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "dirty")], capture_output=True, text=True)
    clean = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "clean")], capture_output=True, text=True)
    assert dirty.returncode == 1 and "lazy-unneeded" in dirty.stdout
    assert dirty.stderr.strip() == "archcheck: 1 finding(s): lazy-unneeded 1"
    assert (clean.returncode, clean.stdout, clean.stderr.strip()) == (0, "", "archcheck: 0 finding(s): none")
