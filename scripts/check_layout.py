"""Take the measures of qualcode's layout (issue 21, "Done means") and print them as a table.

Run from the repository root (or pass it): ``python scripts/check_layout.py [ROOT]``. The exit
status is 1 when any measure is violated, 0 otherwise; ``--only NAME`` takes one measure.

The measures, each a plain rule on the source (read with :mod:`ast`, nothing is imported):

cycles
    No import cycles among qualcode's modules. The graph's edges are all imports, at module
    level and inside functions (a circle closed by a function-level import is still a circle),
    except those in ``if TYPE_CHECKING:`` blocks and the upward imports listed in
    :data:`LAZY_UPWARD`.
layers
    No import from a lower layer to a higher one (:data:`LAYERS`, the order of DESIGN.md). A
    module-level import may only point at the same layer or below; an import inside a function
    that points upwards must be listed in :data:`LAZY_UPWARD` with the reason it is there.
    ``TYPE_CHECKING`` imports are checked like module-level ones. Every module must have a layer.
size
    No module in qualcode/ over :data:`MAX_LINES` lines.
kappa
    One kappa function: exactly one function in qualcode/ computes Cohen's kappa's ratio
    ``(po - pe) / (1 - pe)`` (a division of ``a - b`` by ``1 - b``); every other kappa calls it.
cli
    The CLI commands each parse options and call library functions, and do no table work: in
    qualcode/cli/, pandas and numpy appear only in type annotations (no ``pd.x``/``np.x`` at
    run time), no call of a table-work method (:data:`TABLE_WORK`: ``.groupby()``,
    ``.merge()``, ``.apply()``, ...), and every command module (cli/*_cmd.py) imports from
    the library (a qualcode module outside qualcode/cli/).
private
    No import of another module's private name: no ``from qualcode.x import _y``, no
    ``x._y`` on a name bound to a qualcode module, and no import of a private module
    (``qualcode.a._b``) from outside its package ``qualcode.a``. Dunder names do not count.
public
    ``__all__`` in every public module (one whose dotted name has no part starting with ``_``,
    ``__main__`` aside).
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "LAYERS",
    "LAZY_UPWARD",
    "MAX_LINES",
    "MEASURES",
    "TARGET_LINES",
    "Module",
    "check",
    "layer_of",
    "main",
    "read_modules",
]

MAX_LINES = 600
#: The size DESIGN.md aims at ("about 500 lines"): modules over it are listed, not counted.
TARGET_LINES = 500

#: The floors of the house, lowest first (DESIGN.md). A module belongs to the floor of the
#: longest prefix listed; ``qualcode`` itself (the package face) is the roof.
LAYERS: list[tuple[str, list[str]]] = [
    (
        "ground",
        [
            "qualcode._version",
            "qualcode.schema",
            "qualcode.errors",
            "qualcode.fileio",
            "qualcode.progress",
            "qualcode.display",
            "qualcode.languages",
            "qualcode.tables",
            "qualcode.kappa",
            "qualcode.provenance",
            "qualcode.titles",
            "qualcode.case_labels",
        ],
    ),
    (
        "transcripts, codebook",
        ["qualcode.transcripts", "qualcode.codebook"],
    ),
    ("coding", ["qualcode.coding", "qualcode.tokenindex"]),
    (
        "agreement, cases, reports, search",
        [
            "qualcode.agreement",
            "qualcode.codingframe",
            "qualcode.span_agreement",
            "qualcode.cases",
            "qualcode.reports",
            "qualcode.summaries",
            "qualcode.evaluation",
            "qualcode.pseudonyms",
            "qualcode.searchindex",
            "qualcode.textsearch",
            "qualcode.wordcount",
        ],
    ),
    ("plots", ["qualcode.plots"]),
    ("project", ["qualcode.project"]),
    ("exchange", ["qualcode.exchange"]),
    ("engine", ["qualcode.engine"]),
    ("web, cli", ["qualcode.web", "qualcode.cli", "qualcode.__main__"]),
    ("package face", ["qualcode"]),
]

#: Imports inside functions that point upwards, each with its reason:
#: (importer, imported) -> why.
LAZY_UPWARD: dict[tuple[str, str], str] = {
    ("qualcode.project.project", "qualcode.exchange.adjudication"): (
        "Project.adjudication_sheet/adjudicate: the project's face offers the adjudication sheet, "
        "which is an exchange format; imported when called"
    ),
    ("qualcode.codebook.reader", "qualcode.exchange.refi.qdc"): (
        "read_codebook reads a REFI-QDA .qdc too; the QDA-XML code tree and its safe parsing "
        "live in exchange/refi and are imported only when a .qdc is given"
    ),
    ("qualcode.project.views", "qualcode.web.server"): (
        "Project.workbench(): opens the web workbench over the project in Jupyter; the web "
        "layer is imported only when asked for"
    ),
    ("qualcode.engine.dask.cluster", "qualcode"): (
        "the Dask workers' PYTHONPATH: the folder of the qualcode package this process imported"
    ),
}

MEASURES = ["cycles", "layers", "size", "kappa", "cli", "private", "public"]


@dataclass
class Import:
    """One import statement's target inside qualcode."""

    target: str  # the qualcode module imported
    names: list[str]  # the names taken from it (``from target import names``)
    line: int
    lazy: bool  # inside a function
    typing: bool  # inside ``if TYPE_CHECKING:``


@dataclass
class Module:
    """One module of qualcode, read."""

    name: str
    path: Path
    tree: ast.Module
    lines: int
    imports: list[Import] = field(default_factory=list)
    #: names bound to qualcode modules at any level: local name -> module
    bound: dict[str, str] = field(default_factory=dict)


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if module.path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _collect(module: Module, names: set[str]) -> None:
    def visit(node: ast.AST, lazy: bool, typing: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "qualcode" or alias.name.startswith("qualcode."):
                    module.imports.append(Import(alias.name, [], node.lineno, lazy, typing))
                    if alias.asname:
                        module.bound[alias.asname] = alias.name
            return
        if isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            if source != "qualcode" and not source.startswith("qualcode."):
                return
            plain = []
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if sub in names:  # ``from qualcode.x import submodule``
                    module.imports.append(Import(sub, [], node.lineno, lazy, typing))
                    module.bound[alias.asname or alias.name] = sub
                else:
                    plain.append(alias.name)
            if plain or not node.names:
                module.imports.append(Import(source, plain, node.lineno, lazy, typing))
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            lazy = True
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for stmt in node.body:
                visit(stmt, lazy, True)
            for stmt in node.orelse:
                visit(stmt, lazy, typing)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, lazy, typing)

    visit(module.tree, False, False)


def read_modules(root: Path) -> dict[str, Module]:
    """Read every module of ``root/qualcode``; return them by dotted name."""
    package = root / "qualcode"
    paths = sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    modules = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        name = _module_name(root, path)
        tree = ast.parse(text, filename=str(path))
        modules[name] = Module(name, path, tree, len(text.splitlines()))
    for module in modules.values():
        _collect(module, set(modules))
    return modules


def layer_of(name: str) -> int | None:
    """Return the index in :data:`LAYERS` of module ``name`` (None when it has no floor)."""
    best: tuple[int, int] | None = None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            inside = name == prefix or (prefix != "qualcode" and name.startswith(prefix + "."))
            if inside and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def _target(modules: dict[str, Module], name: str) -> str | None:
    """The module an import's target names (itself, or its nearest enclosing package)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


# -- the measures: each returns a list of violations (strings) ------------------------------


def check_cycles(modules: dict[str, Module]) -> list[str]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module in modules.values():
        for imp in module.imports:
            target = _target(modules, imp.target)
            if not target or target == module.name or imp.typing:
                continue
            if imp.lazy and (module.name, target) in LAZY_UPWARD:
                continue
            graph[module.name].add(target)
    # Tarjan's strongly connected components, iteratively
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(sorted(component))
    return [" <-> ".join(c) for c in sorted(cycles)]


def check_layers(modules: dict[str, Module]) -> list[str]:
    problems = []
    for module in modules.values():
        mine = layer_of(module.name)
        if mine is None:
            problems.append(f"{module.name}: has no floor in LAYERS")
            continue
        for imp in module.imports:
            target = _target(modules, imp.target)
            if target is None or target == module.name:
                continue
            theirs = layer_of(target)
            if theirs is None or theirs <= mine:
                continue
            if imp.lazy and (module.name, target) in LAZY_UPWARD:
                continue
            how = "in a function" if imp.lazy else "module level"
            problems.append(
                f"{module.name}:{imp.line} imports {target} "
                f"({LAYERS[mine][0]} -> {LAYERS[theirs][0]}, {how})"
            )
    for (importer, imported), _reason in sorted(LAZY_UPWARD.items()):
        if importer not in modules:
            continue  # a tree without it (the test's small trees); its test checks the list
        used = any(
            imp.lazy and _target(modules, imp.target) == imported
            for imp in modules[importer].imports
        )
        if not used:
            problems.append(f"LAZY_UPWARD lists {importer} -> {imported}, which is not imported")
    return sorted(problems)


def check_size(modules: dict[str, Module]) -> list[str]:
    return [
        f"{m.path.as_posix().split('qualcode/', 1)[-1]}: {m.lines} lines"
        for m in sorted(modules.values(), key=lambda m: -m.lines)
        if m.lines > MAX_LINES
    ]


def _is_one_minus(node: ast.expr) -> ast.expr | None:
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Sub)
        and isinstance(node.left, ast.Constant)
        and node.left.value == 1
    ):
        return node.right
    return None


def kappa_functions(modules: dict[str, Module]) -> list[str]:
    """Return the functions (``module.function``) that compute ``(a - b) / (1 - b)``."""
    found = []
    for module in modules.values():
        for func in ast.walk(module.tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)):
                    continue
                chance = _is_one_minus(node.right)
                left = node.left
                if (
                    chance is not None
                    and isinstance(left, ast.BinOp)
                    and isinstance(left.op, ast.Sub)
                    and ast.dump(left.right) == ast.dump(chance)
                ):
                    found.append(f"{module.name}.{func.name}")
                    break
    return sorted(set(found))


def check_kappa(modules: dict[str, Module]) -> list[str]:
    found = kappa_functions(modules)
    if len(found) == 1:
        return []
    if not found:
        return ["no function computes (po - pe) / (1 - pe)"]
    return [f"{name}: computes kappa, and so do others" for name in found]


#: DataFrame methods that are table work (the library's job), not option parsing or printing.
#: (``apply`` and ``merge`` are left out: ``Pseudonyms.apply`` and ``Project.merge`` are the
#: library functions the commands call.)
TABLE_WORK = {
    "agg",
    "aggregate",
    "concat",
    "crosstab",
    "groupby",
    "melt",
    "pivot",
    "pivot_table",
    "unique",
    "value_counts",
}


def _annotations(tree: ast.AST) -> set[int]:
    """The ids of every node inside a type annotation."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        notes: list[ast.expr | None] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            notes = [a.annotation for a in every if a is not None] + [node.returns]
        elif isinstance(node, ast.AnnAssign):
            notes = [node.annotation]
        for note in notes:
            if note is not None:
                inside.update(id(n) for n in ast.walk(note))
    return inside


def check_cli(modules: dict[str, Module]) -> list[str]:
    problems = []
    for module in modules.values():
        if not module.name.startswith("qualcode.cli"):
            continue
        aliases: set[str] = set()
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                aliases.update(
                    a.asname or a.name for a in node.names if a.name in {"pandas", "numpy"}
                )
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {
                "pandas",
                "numpy",
            }:
                problems.append(f"{module.name}:{node.lineno} imports from {node.module}")
        notes = _annotations(module.tree)
        for node in ast.walk(module.tree):
            if id(node) in notes:
                continue
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
            ):
                problems.append(f"{module.name}:{node.lineno} uses {node.value.id}.{node.attr}")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in TABLE_WORK
            ):
                problems.append(f"{module.name}:{node.lineno} calls .{node.func.attr}()")
        if module.name.endswith("_cmd"):
            library = [
                imp
                for imp in module.imports
                if not imp.typing and not imp.target.startswith("qualcode.cli")
            ]
            if not library:
                problems.append(f"{module.name}: calls no library module")
    return sorted(set(problems))


def check_private(modules: dict[str, Module]) -> list[str]:
    problems = []

    def private(name: str) -> bool:
        return name.startswith("_") and not name.endswith("__")

    for module in modules.values():
        for imp in module.imports:
            target = _target(modules, imp.target) or imp.target
            parts = imp.target.split(".")
            for depth, part in enumerate(parts):
                if private(part):
                    package = ".".join(parts[:depth])
                    inside = module.name == package or module.name.startswith(package + ".")
                    if not inside:
                        problems.append(
                            f"{module.name}:{imp.line} imports private module {imp.target}"
                        )
                    break
            if target != module.name:
                for name in imp.names:
                    if private(name):
                        problems.append(f"{module.name}:{imp.line} imports {imp.target}.{name}")
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in module.bound
                and private(node.attr)
                and module.bound[node.value.id] != module.name
            ):
                problems.append(
                    f"{module.name}:{node.lineno} uses {module.bound[node.value.id]}.{node.attr}"
                )
    return sorted(set(problems))


def check_public(modules: dict[str, Module]) -> list[str]:
    problems = []
    for module in modules.values():
        if any(part.startswith("_") for part in module.name.split(".")):
            continue
        defines = any(
            isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign))
            and any(
                isinstance(t, ast.Name) and t.id == "__all__"
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
            for node in module.tree.body
        )
        if not defines:
            problems.append(f"{module.name}: no __all__")
    return sorted(problems)


CHECKS = {
    "cycles": check_cycles,
    "layers": check_layers,
    "size": check_size,
    "kappa": check_kappa,
    "cli": check_cli,
    "private": check_private,
    "public": check_public,
}


def check(root: Path, only: list[str] | None = None) -> dict[str, list[str]]:
    """Take the measures of the tree at ``root``; return each measure's violations."""
    modules = read_modules(root)
    return {name: CHECKS[name](modules) for name in only or MEASURES}


def main(argv: list[str] | None = None) -> int:
    """Print the table of measures; return 1 when any is violated."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", nargs="?", type=Path, default=Path.cwd())
    parser.add_argument("--only", action="append", choices=MEASURES)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    results = check(root, args.only)
    width = max(len(n) for n in results)
    print(f"{'measure':<{width}}  {'result':<6}  violations")
    for name, problems in results.items():
        print(f"{name:<{width}}  {'ok' if not problems else 'FAIL':<6}  {len(problems)}")
    for name, problems in results.items():
        if problems:
            print(f"\n{name}:")
            for problem in problems:
                print(f"  {problem}")
    if "size" in results:
        big = [
            f"{m.path.relative_to(root / 'qualcode').as_posix()} ({m.lines})"
            for m in sorted(read_modules(root).values(), key=lambda m: -m.lines)
            if TARGET_LINES < m.lines <= MAX_LINES
        ]
        if big:
            print(f"\nover {TARGET_LINES} lines (the aim, not a violation): {', '.join(big)}")
    return 1 if any(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
