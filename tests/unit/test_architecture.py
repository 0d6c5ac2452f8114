"""The house rules that keep the layout readable (issue 9): notebooks call only steps, views and render;
no module reaches into another module's private names; every public definition says what it does."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "helpers"
NOTEBOOK_LAYERS = ("helpers.steps", "helpers.views", "helpers.render")


def _imports(tree: ast.AST) -> list[tuple[str, str]]:
    """(module, name) for every `from module import name` and ("module", "") for `import module`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_notebooks_import_only_steps_views_and_render():
    wrong = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for module, name in _imports(ast.parse(code)):
            full = f"{module}.{name}" if module == "helpers" else module
            if full.startswith("helpers") and not full.startswith(NOTEBOOK_LAYERS):
                wrong.append(f"{notebook.name}: {full}")
    assert wrong == []


def test_no_module_imports_another_modules_private_name():
    wrong = []
    for path in _modules():
        for module, name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module.startswith("helpers") and name.startswith("_"):
                wrong.append(f"{path.relative_to(PACKAGE)}: from {module} import {name}")
    assert wrong == []


def test_every_subpackage_and_module_has_a_docstring():
    missing = [str(p.relative_to(PACKAGE)) for p in _modules()
               if not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))]
    assert missing == []


#: The layers, lowest first: a module imports from its own layer or a lower one, never a higher one.
LAYERS = {"core": 0, "cartography": 1, "openness": 1, "consultation": 1, "steps": 2, "views": 3, "render": 4,
          "build": 5}


def _layer(module: str) -> str | None:
    """The layer of a ``helpers`` module name (``helpers.render.html`` → ``render``); None outside them."""
    parts = module.split(".")
    return parts[1] if parts[0] == "helpers" and len(parts) > 1 and parts[1] in LAYERS else None


def test_layers_do_not_import_upwards():
    """core ← domain (cartography, openness, consultation) ← steps ← views ← render ← build: no module imports
    a module of a higher layer, at module level or inside a function (``from helpers import views`` included)."""
    assert set(LAYERS) == {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    wrong = []
    for path in _modules():
        layer = path.relative_to(PACKAGE).parts[0]
        if layer not in LAYERS:
            continue
        for module, name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            target = _layer(f"helpers.{name}" if module == "helpers" else module)
            if target is not None and LAYERS[target] > LAYERS[layer]:
                wrong.append(f"{path.relative_to(PACKAGE)} → {module}{'.' + name if module == 'helpers' else ''}")
    assert wrong == []


def test_the_layering_rule_sees_function_level_imports():
    tree = ast.parse("def f():\n    from helpers.render import html\n    import helpers.build.runner\n")
    assert [_layer(m) for m, _ in _imports(tree)] == ["render", "build"]


def _public_definitions(tree: ast.Module):
    """Module-level public functions and classes, and the public methods of public classes."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            yield node
            if isinstance(node, ast.ClassDef):
                yield from (n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                            and not n.name.startswith("_"))


def test_every_public_definition_has_a_docstring():
    definitions = [(path, node) for path in _modules()
                   for node in _public_definitions(ast.parse(path.read_text(encoding="utf-8")))]
    missing = [f"{path.relative_to(PACKAGE)}: {node.name}" for path, node in definitions if not ast.get_docstring(node)]
    assert len(definitions) > 300  # the count covers the whole package
    assert missing == []


HTML_TAG = re.compile(r"</?(a|br|blockquote|details|div|dl|dt|dd|figure|h[1-6]|img|li|p|section|span|strong|summary|"
                      r"table|td|th|tr|ul)\b[^>]*>")


def test_views_return_data_and_render_writes_the_html():
    """Views return frames, sentences and structures; markup is written by render, through its templates: no view
    imports IPython's HTML or holds an HTML tag in a string (docstrings aside)."""
    wrong = []
    for path in sorted((PACKAGE / "views").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and ast.get_docstring(node)}
        wrong += [f"{path.name}: {module}" for module, _ in _imports(tree) if module.startswith("IPython")]
        wrong += [f"{path.name}:{node.lineno}" for node in ast.walk(tree) if isinstance(node, ast.Constant)
                  and isinstance(node.value, str) and id(node) not in docstrings and HTML_TAG.search(node.value)]
    assert wrong == []
