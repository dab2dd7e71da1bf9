"""The package's architecture rules, checked on the source (parsed with ast, nothing imported).

- the module-level import graph of ``helpers`` has no cycle;
- ``helpers/errors.py`` imports nothing from the package;
- only ``helpers/config/`` imports :mod:`yaml`;
- no module over 600 lines, no function over 60 lines unless ``# Long:`` on the line above
  says why;
- no function-level import of a helpers module unless ``# cycle:`` on the line above says why;
- the course map in ``helpers/__init__.py`` is true: each lesson has its text, its notebook,
  its subpackage (imported by the notebook, with a public API) and its test folder.
"""

from __future__ import annotations

import ast
import functools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import COURSE_MAP
from helpers.paths import LESSONS_DIR, PACKAGE_DIR, PROJECT_DIR, SOLUTIONS_DIR

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60

MODULES = sorted(PACKAGE_DIR.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


NAMES = {module_name(p): p for p in MODULES}


@functools.cache
def parse(path: Path) -> ast.Module:
    """The module's tree, parsed once per test process (the tests only read it)."""
    return _parse_text(path.read_text(encoding="utf-8"))


@functools.cache
def _parse_text(text: str) -> ast.Module:
    return ast.parse(text)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports executed when the module is imported (not in functions, not TYPE_CHECKING)."""
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node):
                stack.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            stack.extend(node.body + node.orelse + node.finalbody
                         + [s for h in node.handlers for s in h.body])
        elif isinstance(node, ast.With):
            stack.extend(node.body)


def imported_modules(node: ast.Import | ast.ImportFrom, current: str,
                     is_package: bool) -> set[str]:
    """The helpers modules an import statement executes (its package and named submodules)."""
    if isinstance(node, ast.Import):
        targets = {alias.name for alias in node.names}
    else:
        if node.level:
            base = current.split(".") if is_package else current.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        targets = {source} | {f"{source}.{a.name}" for a in node.names}
    return {t for t in targets if t in NAMES}


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in NAMES.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        for node in module_level_imports(parse(path)):
            edges |= imported_modules(node, name, is_package)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_find_cycle_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_import_graph_has_no_cycle():
    graph = import_graph()
    assert "helpers.errors" in graph and graph["helpers.capstone"]   # the graph is not empty
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_errors_module_imports_nothing_from_the_package():
    tree = parse(PACKAGE_DIR / "errors.py")
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert imports, "errors.py should import at least pandas/numpy"
    inside = [ast.unparse(n) for n in imports
              if imported_modules(n, "helpers.errors", False)
              or (isinstance(n, ast.ImportFrom) and n.level)
              or any(a.name.startswith("helpers") for a in n.names if isinstance(n, ast.Import))]
    assert inside == []


def test_only_the_config_package_imports_yaml():
    config = PACKAGE_DIR / "config"
    offenders = []
    for path in MODULES:
        if config in path.parents:
            continue
        for node in ast.walk(parse(path)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "yaml" or n.startswith("yaml.") for n in names):
                offenders.append(f"{path.relative_to(PROJECT_DIR)}:{node.lineno}")
    assert offenders == [], "read YAML with helpers.config.read_config / read_yaml"


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _line_above(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return lines[first - 2].strip() if first >= 2 else ""


def size_findings(text: str, where: str) -> list[str]:
    """Modules over 600 lines, functions over 60 lines without ``# Long:`` above them."""
    lines = text.splitlines()
    out = []
    if len(lines) > MAX_MODULE_LINES:
        out.append(f"{where}: module has {len(lines)} lines (max {MAX_MODULE_LINES})")
    for node in _functions(_parse_text(text)):
        n = (node.end_lineno or node.lineno) - node.lineno + 1
        if n > MAX_FUNCTION_LINES and not _line_above(lines, node).startswith("# Long:"):
            out.append(f"{where}:{node.lineno}: {node.name} has {n} lines "
                       f"(max {MAX_FUNCTION_LINES}, or say why in '# Long:' above the def)")
    return out


def test_size_rule_sees_long_functions_and_accepts_a_reason():
    body = "\n".join(f"    x{i} = {i}" for i in range(61))
    text = f"def long():\n{body}\n\n\n# Long: a table\n@staticmethod\ndef fine():\n{body}\n"
    findings = size_findings(text, "probe.py")
    assert len(findings) == 1 and "long has 62 lines" in findings[0]
    assert "module has" in size_findings("x = 1\n" * 601, "probe.py")[0]


def test_no_long_modules_or_functions():
    findings = [f for path in MODULES
                for f in size_findings(path.read_text(encoding="utf-8"),
                                       str(path.relative_to(PROJECT_DIR)))]
    assert findings == [], "\n".join(findings)


def test_no_function_level_import_of_helpers_unless_it_breaks_a_cycle():
    offenders = []
    for path in MODULES:
        lines = path.read_text(encoding="utf-8").splitlines()
        name = module_name(path)
        for func in _functions(parse(path)):
            for node in ast.walk(func):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                is_package = path.name == "__init__.py"
                if not imported_modules(node, name, is_package) and not (
                        isinstance(node, ast.ImportFrom) and node.level):
                    continue
                above = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
                if not above.startswith("# cycle:"):
                    offenders.append(f"{path.relative_to(PROJECT_DIR)}:{node.lineno}: "
                                     f"{ast.unparse(node)}")
    assert offenders == [], ("import at module level, or say which cycle it breaks in a "
                             "'# cycle:' comment above:\n" + "\n".join(offenders))


# ------------------------------------------------------------------------------ the course map


def notebook_imports(path: Path) -> set[str]:
    """The modules a notebook's code cells import (magics and shell lines skipped)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        code = "\n".join(line for line in source.splitlines()
                         if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
    return found


def test_course_map_covers_every_notebook_and_lesson():
    assert list(COURSE_MAP) == sorted(COURSE_MAP)
    notebooks = {p.name for p in SOLUTIONS_DIR.glob("[0-9][0-9]-*.ipynb")}
    lessons = {p.name for p in LESSONS_DIR.glob("[0-9][0-9]-*.md")}
    assert notebooks == {step.notebook for step in COURSE_MAP.values()}
    assert lessons == {step.lesson_text for step in COURSE_MAP.values()}


@pytest.mark.parametrize("lesson", sorted(COURSE_MAP))
def test_course_map_is_true(lesson):
    step = COURSE_MAP[lesson]
    assert (LESSONS_DIR / step.lesson_text).is_file()
    notebook = SOLUTIONS_DIR / step.notebook
    assert notebook.is_file()
    package = PACKAGE_DIR.parent.joinpath(*step.subpackage.split(".")) / "__init__.py"
    assert package.is_file(), f"{step.subpackage} is not a package"
    assert (PROJECT_DIR / step.tests).is_dir() and any((PROJECT_DIR / step.tests).glob("test_*.py"))
    assert step.subpackage in notebook_imports(notebook), (
        f"{step.notebook} does not import from {step.subpackage}")


@pytest.mark.parametrize("lesson", sorted(COURSE_MAP))
def test_notebooks_import_subpackages_not_their_modules(lesson):
    subpackages = {step.subpackage for step in COURSE_MAP.values()}
    step = COURSE_MAP[lesson]
    deep = sorted(m for m in notebook_imports(SOLUTIONS_DIR / step.notebook)
                  if any(m.startswith(sub + ".") for sub in subpackages))
    assert deep == [], f"{step.notebook}: import from the subpackage instead of {deep}"


@pytest.mark.parametrize("subpackage", sorted({s.subpackage for s in COURSE_MAP.values()}))
def test_subpackages_document_and_list_their_public_api(subpackage):
    path = PACKAGE_DIR.parent.joinpath(*subpackage.split(".")) / "__init__.py"
    tree = parse(path)
    doc = ast.get_docstring(tree) or ""
    assert len(doc.splitlines()) >= 3 and "tests/" in doc, (
        f"{subpackage}: the docstring says which lesson, which module does what, where the "
        "tests are")
    names = [t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)]
    assert "__all__" in names, f"{subpackage} lists its public API in __all__"
