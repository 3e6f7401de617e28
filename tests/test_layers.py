"""The package's layers and their dependency rule (see ingest/__init__.py), read from the code's imports.

    cli -> build -> {read, warehouse} -> {contract, paths}
    orchestrate -> build, warehouse, {contract, paths}

read and warehouse never import each other, nothing imports cli or orchestrate, the PDF libraries are
imported by read only, click and rich by cli only, dagster by orchestrate only (an optional extra), the
light commands load no PDF library and no command loads dagster.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ingest"

# which layers each layer may import ("common" is ingest/__init__, contract, paths)
ALLOWED = {
    "common": {"common"},
    "read": {"read", "common"},
    "warehouse": {"warehouse", "common"},
    "build": {"build", "read", "warehouse", "common"},
    "cli": {"cli", "build", "warehouse", "common"},
    "orchestrate": {"orchestrate", "build", "warehouse", "common"},  # the Dagster definitions
}
# third-party packages only one layer may import
OWNED = {"camelot": "read", "playa": "read", "pypdfium2": "read", "pypdf": "read", "rapidocr": "read",
         "onnxruntime": "read", "click": "cli", "rich": "cli",
         "dagster": "orchestrate", "dagster_dbt": "orchestrate"}
PDF_LIBRARIES = ("camelot", "playa", "pypdfium2", "pypdf", "cv2", "rapidocr", "onnxruntime")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    if module == "ingest.__main__":  # `python -m ingest` runs the command line
        return "cli"
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ALLOWED and parts[1] != "common":
        return parts[1]
    return "common"


def _imports(path: Path) -> list[tuple[str, bool, int]]:
    """(imported module, at module level?, line) for every import in the file, relative ones resolved."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    # imports under `if TYPE_CHECKING:` are for annotations only
    typing_only = {id(n) for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for n in ast.walk(node)}
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out += [(alias.name, id(node) in top_level, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [f"{target}.{alias.name}" for alias in node.names]
            # `from . import cells` imports a module; `from .x import name` the module x
            out += [(n if _is_module(n) else target, id(node) in top_level, node.lineno) for n in names]
    return out


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_belongs_to_a_layer():
    layers = {_layer(_module_name(p)) for p in _modules()}
    assert layers == set(ALLOWED)


def test_layers_import_only_what_the_rule_allows():
    breaches = []
    for path in _modules():
        module = _module_name(path)
        for target, _, line in _imports(path):
            top = target.split(".")[0]
            if top == "ingest":
                if _layer(target) not in ALLOWED[_layer(module)]:
                    breaches.append(f"{path.relative_to(ROOT)}:{line} ({_layer(module)}) imports {target}")
            elif top in OWNED and OWNED[top] != _layer(module):
                breaches.append(f"{path.relative_to(ROOT)}:{line} ({_layer(module)}) imports {top}, "
                                f"which only {OWNED[top]} may")
    assert not breaches, "\n".join(breaches)


def test_no_import_cycles():
    graph = {}
    for path in _modules():
        module = _module_name(path)
        # imports inside functions count too: a cycle of modules is a cycle, whenever it is loaded
        graph[module] = {t for t, _, _ in _imports(path) if t.startswith("ingest") and t != module}
    # a package's __init__ imported by its own modules is not a cycle of code
    for module in graph:
        graph[module] = {t for t in graph[module] if not module.startswith(t + ".")}
    cycles = []

    def visit(node, stack, seen):
        for nxt in graph.get(node, ()):
            if nxt in stack:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in seen:
                seen.add(nxt)
                visit(nxt, stack + [nxt], seen)

    for module in graph:
        visit(module, [module], {module})
    assert not cycles, "\n".join(sorted(set(cycles)))


@pytest.mark.parametrize("args", [
    ["--help"],
    ["status", "--help"],
    ["query", "--help"],
    ["export", "--help"],
    ["build", "--help"],
])
def test_light_commands_load_no_pdf_library(args, tmp_path):
    code = ("import sys; sys.argv = ['juesuan', *sys.argv[1:]]\n"
            "from ingest.cli import cli\n"
            "try:\n    cli()\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {PDF_LIBRARIES!r}))")
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"]])
def test_the_command_line_loads_no_dagster(args):
    code = ("import sys; sys.argv = ['juesuan', *sys.argv[1:]]\n"
            "from ingest.cli import cli\n"
            "try:\n    cli()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dagster', 'dagster_dbt')))")
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def test_status_and_query_of_a_warehouse_load_no_pdf_library(sample_warehouse):
    for args in (["status", "-w", str(sample_warehouse)],
                 ["query", "-w", str(sample_warehouse), "select count(*) from marts.dim_report"]):
        code = ("import sys; sys.argv = ['juesuan', *sys.argv[1:]]\n"
                "from ingest.cli import cli\n"
                "try:\n    cli()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
                f"print(sorted(m for m in sys.modules if m.split('.')[0] in {PDF_LIBRARIES!r}))")
        out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


def test_a_reading_worker_holds_only_what_reading_needs(samples_dir):
    """A local worker is a fresh interpreter: it reads a report without the command line's modules, the
    warehouse's database or pypdf (only decrypting needs it), and no helper process runs beside it."""
    code = ("import sys; from ingest.build import executors; from tests.test_layers import _read_in_worker\n"
            "print(list(executors.run_local(_read_in_worker, [sys.argv[1]], 1)))")
    out = subprocess.run([sys.executable, "-c", code, str(samples_dir / "jiaozuo-2024.pdf")], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    (modules, helpers), = ast.literal_eval(out.stdout)
    assert modules == [], modules
    assert helpers == 1  # the worker itself, not a resource tracker beside it


def _read_in_worker(path: str):
    import os

    from ingest.build.ingest import extract_file
    from ingest.build.inputs import collect_inputs

    (item,) = collect_inputs([Path(path)])
    assert extract_file(item).report is not None
    loaded = sorted({m.split(".")[0] for m in sys.modules} & {"click", "rich", "duckdb", "pypdf", "dbt"}
                    | {m for m in sys.modules if m.startswith("ingest.cli")})
    parent = os.getppid()
    children = {c for task in Path(f"/proc/{parent}/task").iterdir()
                for c in (task / "children").read_text().split()}
    return loaded, len(children)


def test_a_worker_started_in_a_folder_holding_a_module_named_like_a_library_still_reads(tmp_path, monkeypatch,
                                                                                      samples_dir):
    """`python -c` puts the current folder first on the module path; a worker must not take a cv2.py or a
    pandas/ found there for the library."""
    from ingest.build import executors

    (tmp_path / "cv2.py").write_text("raise ImportError('the cv2.py of the current folder')\n")
    (tmp_path / "pandas").mkdir()
    (tmp_path / "pandas" / "__init__.py").write_text("raise ImportError('the pandas/ of the current folder')\n")
    monkeypatch.chdir(tmp_path)
    (result,) = executors.run_local(_read_in_worker, [str(samples_dir / "jiaozuo-2024.pdf")], 1)
    assert result[0] == []
