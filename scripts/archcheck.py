#!/usr/bin/env python3
"""Check the architecture rules of src/roster (HELPERS.md, "How we write code"); exit 1 on a finding.

    python scripts/archcheck.py [SRC]       # SRC: the folder holding the roster package (default: src)

Prints one line per finding, ``path:line: rule: what``, then a count per rule:

- ``size``: a module over 450 lines;
- ``cycle``: an import cycle among roster modules, counting imports inside functions
  (they run too) but not those under ``if TYPE_CHECKING:``;
- ``private-import``: a private name (``_x``) imported from another module;
- ``private-attr``: a private attribute reached on an object other than ``self``/``cls``/``super()``
  (namedtuple's ``_replace``, ``_asdict``, ``_fields``, ``_make``, ``_field_defaults`` are public API);
- ``lazy-unneeded``: an import inside a function of a module that is neither heavy (pygit2,
  jsonschema, pydantic, yaml, ruamel, jinja2, markupsafe, re2, langgraph*, langchain*, multiprocessing) nor a
  roster module whose top-level imports reach a heavy one, transitively, and has no ``# lazy:`` comment
  saying why it stays out of a start-up path: it belongs at the top;
- ``lazy-comment``: a needed import inside a function without a ``# lazy: <why>`` comment on its
  line, or on the line before it or before the block of imports it belongs to.
"""
from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

MAX_LINES = 450
HEAVY = ("pygit2", "jsonschema", "pydantic", "yaml", "ruamel", "jinja2", "markupsafe", "re2", "multiprocessing")
NAMEDTUPLE_API = frozenset({"_replace", "_asdict", "_fields", "_make", "_field_defaults"})
# A third-party library's private attribute that has no public equivalent, each with its reason.
# jsonschema: a keyword function cannot look a $ref up otherwise; its own unevaluatedProperties
# makes the same call, and the locked version is tested (tests/test_schemas.py, hostile cases).
# os._exit is public despite its name: how a forked child ends without the parent's cleanup.
THIRD_PARTY_PRIVATE = frozenset({("roster.unevaluated", "validator._resolver"), ("roster.checkpool", "os._exit")})
PACKAGE = "roster"


class Import(NamedTuple):
    module: str  # the importing module
    target: str  # the module imported (absolute)
    names: tuple[str, ...]  # for ``from X import a, b``: a, b
    line: int
    top: bool  # at module level (not inside a function or class body run later)
    typing_only: bool  # under ``if TYPE_CHECKING:``


class Finding(NamedTuple):
    path: str
    line: int
    rule: str
    what: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.what}"


def is_heavy(module: str) -> bool:
    top = module.split(".")[0]
    return top in HEAVY or top.startswith(("langgraph", "langchain"))  # the optional langgraph extra


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# --- reading the package -----------------------------------------------------------------------


def modules(src: Path) -> dict[str, Path]:
    """Dotted name -> file of every module of the package below ``src``."""
    out = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def lazy_exports(trees: dict[str, ast.Module], files: dict[str, Path]) -> dict[str, dict[str, str]]:
    """package -> {name: submodule} for a package that re-exports names lazily (a ``_WHERE``
    dict literal read by its ``__getattr__``, as roster.git does): ``from roster.git import Repo``
    loads ``roster.git.repo``, and whatever that loads."""
    out: dict[str, dict[str, str]] = {}
    for module, tree in trees.items():
        if files[module].name != "__init__.py":
            continue
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id == "_WHERE" and isinstance(node.value, ast.Dict)):
                pairs = zip(node.value.keys, node.value.values, strict=True)
                out[module] = {k.value: f"{module}.{v.value}" for k, v in pairs
                               if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)}
    return out


def imports(module: str, path: Path, tree: ast.Module, known: dict[str, Path],
            lazy: dict[str, dict[str, str]] | None = None) -> list[Import]:
    """Every import statement of a module, with whether it runs at import time."""
    is_package = path.name == "__init__.py"
    lazy = lazy or {}
    out: list[Import] = []

    def visit(node: ast.AST, top: bool, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    out.append(Import(module, alias.name, (), child.lineno, top, typing_only))
            elif isinstance(child, ast.ImportFrom):
                target = _absolute(module, is_package, child)
                names = tuple(a.name for a in child.names)
                # ``from roster import errors`` imports the module roster.errors; a name a package
                # re-exports lazily imports the submodule that defines it.
                subs = [lazy[target][n] if n in lazy.get(target, {}) else f"{target}.{n}" for n in names
                        if f"{target}.{n}" in known or n in lazy.get(target, {})]
                if subs:
                    for sub in subs:
                        out.append(Import(module, sub, (), child.lineno, top, typing_only))
                    rest = tuple(n for n in names if f"{target}.{n}" not in known and n not in lazy.get(target, {}))
                    if rest:
                        out.append(Import(module, target, rest, child.lineno, top, typing_only))
                else:
                    out.append(Import(module, target, names, child.lineno, top, typing_only))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(child, False, typing_only)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit(ast.Module(body=[stmt], type_ignores=[]), top, True)
                for stmt in child.orelse:
                    visit(ast.Module(body=[stmt], type_ignores=[]), top, typing_only)
            else:
                visit(child, top, typing_only)

    visit(tree, True, False)
    return out


# --- the rules -----------------------------------------------------------------------------------


def check_sizes(files: dict[str, Path], texts: dict[str, str], root: Path) -> Iterator[Finding]:
    for module, path in files.items():
        lines = texts[module].count("\n")
        if lines > MAX_LINES:
            yield Finding(_rel(path, root), 1, "size", f"{module} has {lines} lines (limit {MAX_LINES})")


def _sccs(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative) with more than one module, or a self-loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return found


def _a_cycle(graph: dict[str, set[str]], members: list[str]) -> list[str]:
    """One shortest cycle through the first member, inside its component (breadth first)."""
    inside = set(members)
    start = members[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & inside):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return members


def check_cycles(all_imports: list[Import], files: dict[str, Path], root: Path) -> Iterator[Finding]:
    graph: dict[str, set[str]] = {m: set() for m in files}
    where: dict[tuple[str, str], int] = {}
    for imp in all_imports:
        if imp.typing_only or imp.target not in files or imp.target == imp.module:
            continue
        graph[imp.module].add(imp.target)
        where.setdefault((imp.module, imp.target), imp.line)
    for members in _sccs(graph):
        cycle = _a_cycle(graph, members)
        first = cycle[0]
        line = where.get((first, cycle[1]), 1) if len(cycle) > 1 else 1
        yield Finding(_rel(files[first], root), line, "cycle",
                      f"{' -> '.join(cycle)} (component of {len(members)}: {', '.join(members)})")


def check_private_imports(all_imports: list[Import], files: dict[str, Path], root: Path) -> Iterator[Finding]:
    for imp in all_imports:
        for name in imp.names:
            if is_private(name) and imp.target != imp.module:
                yield Finding(_rel(files[imp.module], root), imp.line, "private-import",
                              f"{name} from {imp.target}")


def check_private_attrs(module: str, tree: ast.Module, path: Path, root: Path) -> Iterator[Finding]:
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and is_private(node.attr)) or node.attr in NAMEDTUPLE_API:
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id in ("self", "cls"):
            continue
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super":
            continue
        if (module, f"{ast.unparse(value)}.{node.attr}") in THIRD_PARTY_PRIVATE:
            continue
        yield Finding(_rel(path, root), node.lineno, "private-attr", f"{ast.unparse(value)}.{node.attr}")


def reaches_heavy(all_imports: list[Import], files: dict[str, Path]) -> dict[str, str | None]:
    """module -> how its import-time imports reach a heavy module (``a -> b -> yaml``), or None."""
    direct: dict[str, list[str]] = {m: [] for m in files}
    for imp in all_imports:
        if imp.top and not imp.typing_only:
            direct[imp.module].append(imp.target)
    for module in files:
        # Importing roster.a.b runs roster/a/__init__.py first (roster itself is always loaded).
        parts = module.split(".")
        direct[module] += [".".join(parts[:i]) for i in range(2, len(parts)) if ".".join(parts[:i]) in files]
    out: dict[str, str | None] = {}
    for start in files:
        came_from: dict[str, str] = {}
        queue, seen, hit = [start], {start}, None
        while queue and hit is None:
            node = queue.pop(0)
            for target in direct[node]:
                if is_heavy(target):
                    hit = (node, target)
                    break
                if target in files and target not in seen:
                    seen.add(target)
                    came_from[target] = node
                    queue.append(target)
        if hit is None:
            out[start] = None
            continue
        chain, node = [hit[1]], hit[0]
        while node != start:
            chain.append(node)
            node = came_from[node]
        out[start] = " -> ".join(reversed(chain))
    return out


def _commented(lines: list[str], line: int, import_lines: set[int]) -> bool:
    """``# lazy:`` on the import's line, or on the line before the block of imports it is in."""
    if "# lazy:" in lines[line - 1]:
        return True
    before = line - 1
    while before >= 1 and before in import_lines:
        if "# lazy:" in lines[before - 1]:
            return True
        before -= 1
    while before >= 1 and lines[before - 1].strip().startswith("#"):
        if "# lazy:" in lines[before - 1]:
            return True
        before -= 1
    return False


def check_lazy(all_imports: list[Import], files: dict[str, Path], texts: dict[str, str],
               heavy: dict[str, str | None], root: Path) -> Iterator[Finding]:
    import_lines: dict[str, set[int]] = {}
    for imp in all_imports:
        import_lines.setdefault(imp.module, set()).add(imp.line)
    seen: set[tuple[str, int, str]] = set()
    for imp in all_imports:
        if imp.top or imp.typing_only or (imp.module, imp.line, imp.target) in seen:
            continue
        seen.add((imp.module, imp.line, imp.target))
        path = _rel(files[imp.module], root)
        if is_heavy(imp.target):
            why: str | None = imp.target
        elif imp.target in files:
            why = heavy[imp.target]
        else:
            why = None
        commented = _commented(texts[imp.module].splitlines(), imp.line, import_lines[imp.module])
        if why is None and not commented:
            # A light module may still be kept out of a start-up path on purpose (the checker out of
            # `roster show`); its comment says so. Without one, it belongs at the top.
            kind = "a roster module that loads nothing heavy" if imp.target in files else "not a heavy module"
            yield Finding(path, imp.line, "lazy-unneeded", f"import of {imp.target} inside a function: {kind}")
        elif why is not None and not commented:
            yield Finding(path, imp.line, "lazy-comment",
                          f"import of {imp.target} inside a function (heavy: {why}) has no '# lazy:' comment")


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def run(src: Path) -> list[Finding]:
    root = src.parent
    files = modules(src)
    texts = {m: p.read_text(encoding="utf-8") for m, p in files.items()}
    trees = {m: ast.parse(texts[m], filename=str(p)) for m, p in files.items()}
    lazy = lazy_exports(trees, files)
    all_imports = [imp for m, p in files.items() for imp in imports(m, p, trees[m], files, lazy)]
    found = [*check_sizes(files, texts, root), *check_cycles(all_imports, files, root),
             *check_private_imports(all_imports, files, root)]
    for m, p in files.items():
        found.extend(check_private_attrs(m, trees[m], p, root))
    found.extend(check_lazy(all_imports, files, texts, reaches_heavy(all_imports, files), root))
    return found


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "src"
    if not (src / PACKAGE).is_dir():
        print(f"archcheck: no {PACKAGE}/ package in {src}", file=sys.stderr)
        return 2
    found = run(src)
    for finding in found:
        print(finding.format())
    counts: dict[str, int] = {}
    for finding in found:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    summary = ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())) or "none"
    print(f"archcheck: {len(found)} finding(s): {summary}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
