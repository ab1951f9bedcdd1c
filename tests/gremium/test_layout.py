"""gremium's modules import each other without cycles, and each imports on its own."""

import ast
import subprocess
import sys
from pathlib import Path

import gremium

ROOT = Path(gremium.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and "templates" not in path.parts
    }


def _top_level_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """gremium modules imported at module level (imports inside functions run later)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def test_gremium_has_no_import_cycles():
    modules = _modules()
    graph = {name: _top_level_imports(name, path, set(modules)) for name, path in modules.items()}
    cycles = []
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_seam_packages_exist():
    for package in ("models", "services", "selectors", "views", "forms", "admin", "oparl"):
        assert (ROOT / package / "__init__.py").exists(), package
    for seam in ("committees", "meetings", "papers", "minutes", "votes", "statements"):
        assert (ROOT / "services" / f"{seam}.py").exists(), seam
    assert not list(ROOT.glob("*_votes.py")) and not list(ROOT.glob("*_invitations.py"))


def test_every_module_imports_in_a_fresh_interpreter():
    """Every module imports after django.setup() in a fresh process, from this repository."""
    names = sorted(n for n in _modules() if n != "gremium")
    code = (
        "import importlib, os, sys, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'erfurt_srp.settings')\n"
        "django.setup()\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
        "    module = sys.modules[name]\n"
        f"    assert module.__file__.startswith({str(ROOT)!r}), module.__file__\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *names], capture_output=True, text=True, cwd=ROOT.parent
    )
    assert done.returncode == 0, done.stderr[-2000:]
