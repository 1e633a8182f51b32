"""The floors of the house, kept by CI (README, "Repository layout"): the platform (hazardtrack/)
imports no app; no app imports another app's private (`_name`) name; the apps import each other
one way only (no two apps, directly or round a loop, import each other).

Read from the source with `ast` (nothing is imported or run): every import statement of every
module of hazardtrack/ and of the apps (the folders with an apps.py), at any depth — inside
functions and `if TYPE_CHECKING:` too — and `importlib.import_module("…")` with a literal name.
The URLs and settings name apps in strings (include("hazards.urls"), INSTALLED_APPS): that is
wiring, not an import.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = "hazardtrack"
APPS = frozenset(d.name for d in ROOT.iterdir() if (d / "apps.py").is_file()) - {PLATFORM}


@dataclass(frozen=True)
class Import:
    where: str  # "path:line"
    module: str  # absolute dotted module imported from (or imported)
    names: tuple[str, ...] = ()  # names taken from it (`from module import a, b`)

    @property
    def floor(self) -> str:
        return self.module.split(".")[0]


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(source: str, *, module: str, is_package: bool = False, where: str = "") -> list[Import]:
    """Every import in `source` (the module named `module`), relative ones made absolute, and the
    attributes read through an imported module (`import hazards.services as s; s._plain` is a use
    of `hazards.services._plain`)."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    bound: dict[str, str] = {}  # local name -> module it stands for
    for node in ast.walk(tree):
        at = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(at, alias.name))
                bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source_module = ".".join(base + ([node.module] if node.module else []))
            else:
                source_module = node.module or ""
            names = tuple(alias.name for alias in node.names)
            found.append(Import(at, source_module, names))
            for alias in node.names:
                if is_module(f"{source_module}.{alias.name}"):  # `from accounts import jurisdiction`
                    bound[alias.asname or alias.name] = f"{source_module}.{alias.name}"
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
              in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            found.append(Import(at, node.args[0].value))
    for node in ast.walk(tree):  # module.attribute chains through a bound module name
        if isinstance(node, ast.Attribute) and _private(node.attr):
            chain, value = [node.attr], node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in bound:
                dotted = ".".join([bound[value.id], *reversed(chain[1:])])
                found.append(Import(f"{where}:{node.lineno}", dotted, (node.attr,)))
    return found


def platform_violations(imports: list[Import]) -> list[str]:
    return [f"{i.where}: the platform imports {i.module}" for i in imports if i.floor in APPS]


def private_violations(imports: list[Import], *, app: str) -> list[str]:
    """Another app's private names: `from other.mod import _x`, `other._mod`, `other.mod._x`."""
    out = []
    for i in imports:
        if i.floor not in APPS or i.floor == app:
            continue
        private = [n for n in i.names if _private(n)] + [p for p in i.module.split(".") if _private(p)]
        if private:
            out.append(f"{i.where}: {app} takes {', '.join(private)} from {i.module}")
    return out


def app_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The loops of the app → app graph (each once, from its smallest name)."""
    cycles, seen = [], set()

    def walk(path: list[str]) -> None:
        for nxt in sorted(edges.get(path[-1], ())):
            if nxt == path[0]:
                loop = tuple(path)
                if min(loop) == loop[0] and frozenset(loop) not in seen:
                    seen.add(frozenset(loop))
                    cycles.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:
                walk([*path, nxt])

    for start in sorted(edges):
        walk([start])
    return cycles


def house() -> dict[str, list[Import]]:
    """{folder: the imports of its modules} for the platform and every app; tests are no rooms."""
    out: dict[str, list[Import]] = {}
    for folder in sorted(APPS | {PLATFORM}):
        for path in sorted((ROOT / folder).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            out.setdefault(folder, []).extend(imports_of(path.read_text(encoding="utf-8"), module=module_name(path),
                                                         is_package=path.name == "__init__.py", where=where))
    return out


# --- the rules, on the house as it is ---------------------------------------------------------------

def test_the_platform_imports_no_app():
    assert APPS >= {"accounts", "hazards", "notices", "demo"}  # the folders were found
    assert platform_violations(house()[PLATFORM]) == []


def test_no_app_imports_another_apps_private_name():
    assert [v for app, found in house().items() if app in APPS for v in private_violations(found, app=app)] == []


def test_the_apps_import_each_other_one_way():
    edges = {app: {i.floor for i in found if i.floor in APPS and i.floor != app}
             for app, found in house().items() if app in APPS}
    assert "demo" not in {b for targets in edges.values() for b in targets}  # the top floor: nothing imports it
    assert app_cycles(edges) == []


# --- the checker itself sees what it must ------------------------------------------------------------

def test_the_checker_sees_an_app_imported_by_the_platform_however_it_is_written():
    source = '''
import hazards.selectors
from notices.catchup import claim_missed_night

def later():
    from incidents import services
    import importlib
    importlib.import_module("tipoffs.views")
'''
    found = imports_of(source, module="hazardtrack.views", where="hazardtrack/views.py")
    assert [v.split(": ")[1] for v in platform_violations(found)] == [
        "the platform imports hazards.selectors", "the platform imports notices.catchup",
        "the platform imports incidents", "the platform imports tipoffs.views"]
    relative = imports_of("from .dates import local_today\nfrom . import errors\n", module="hazardtrack.views")
    assert platform_violations(relative) == []


def test_the_checker_sees_a_private_name_taken_from_another_app():
    source = '''
from hazards.views import _page_size
from hazards.services import transition
import hazards.services as hs
from accounts import jurisdiction
from ._common import helper
hs._require(1)
jurisdiction._cache
'''
    found = imports_of(source, module="incidents.services", where="incidents/services.py")
    assert sorted(v.split(": ", 1)[1] for v in private_violations(found, app="incidents")) == [
        "incidents takes _cache from accounts.jurisdiction", "incidents takes _page_size from hazards.views",
        "incidents takes _require from hazards.services"]
    # a model's _meta is Django's, not the app's private name
    assert private_violations(imports_of("from hazards.models import Hazard\nHazard._meta\n", module="incidents.x"),
                              app="incidents") == []
    assert private_violations(imports_of("from ._x import y\nfrom .models import _z\n", module="hazards.api.views"),
                              app="hazards") == []


def test_the_checker_sees_two_apps_that_import_each_other():
    assert app_cycles({"hazards": {"notices", "accounts"}, "notices": {"accounts"}}) == []
    assert app_cycles({"hazards": {"notices"}, "notices": {"tipoffs"}, "tipoffs": {"hazards"}}) == [
        ["hazards", "notices", "tipoffs", "hazards"]]
