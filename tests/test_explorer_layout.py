"""The house rules of explorer/, checked on its source: imports go one way (the assembly -> the
features -> the base -> model/), no API module imports a tab builder or the header, no module grows
past ~300 lines, and no feature keeps state on the session by getattr/setattr."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXPLORER = ROOT / "explorer"
ASSEMBLY = {"ui", "registry", "header", "api"}   # builds the app from the features
FEATURES = {"training", "inside", "lecture", "layers"}  # one package per feature
TABS = {"tab", "view", "attention", "softmax", "sampling"}  # modules that build components
MAX_LINES = 320


def modules():
    for path in sorted(EXPLORER.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield path, parts[:-1] if parts[-1] == "__init__" else parts


def imported(path: Path, parts: tuple) -> set[tuple]:
    """Every explorer module path that a module imports, absolute."""
    package = parts if path.name == "__init__.py" else parts[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else ()
            mod = tuple(node.module.split(".")) if node.module else ()
            target = base + mod if node.level else mod
            out.add(target)
            out.update(target + (a.name,) for a in node.names)  # "from . import x" names a module
        elif isinstance(node, ast.Import):
            out.update(tuple(a.name.split(".")) for a in node.names)
    return {m for m in out if m[:1] == ("explorer",) and len(m) > 1}


def is_module(target: tuple) -> bool:
    """A module or package of explorer/, not a name imported from one."""
    path = EXPLORER.joinpath(*target[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer(parts: tuple) -> str:
    name = parts[1] if len(parts) > 1 else ""
    return "assembly" if name in ASSEMBLY else "feature" if name in FEATURES else "base"


ALL = list(modules())


@pytest.mark.parametrize("path, parts", ALL, ids=[str(p.relative_to(ROOT)) for p, _ in ALL])
def test_imports_go_one_way(path, parts):
    for target in filter(is_module, imported(path, parts)):
        mine, theirs = layer(parts), layer(target)
        if mine == "base":
            assert theirs == "base", f"{path.name}: the base imports {'.'.join(target)}"
        if mine == "feature":
            assert theirs != "assembly", f"{path.name}: a feature imports {'.'.join(target)}"
            if theirs == "feature":
                assert target[1] == parts[1], f"{path.name}: one feature imports another ({'.'.join(target)})"


@pytest.mark.parametrize("path, parts", [(p, m) for p, m in ALL if m[-1] == "api"],
                         ids=[str(p.relative_to(ROOT)) for p, m in ALL if m[-1] == "api"])
def test_api_modules_import_no_tab_builder(path, parts):
    for target in filter(is_module, imported(path, parts)):
        assert target[-1] not in TABS | {"header", "ui"}, f"{path.name} imports {'.'.join(target)}"


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=[str(p.relative_to(ROOT)) for p, _ in ALL])
def test_modules_stay_small(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES


def test_no_state_kept_on_the_session_by_name():
    for path, _ in ALL:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("getattr", "setattr", "hasattr"):
                first = node.args[0] if node.args else None
                assert not (isinstance(first, ast.Name) and first.id == "session"), \
                    f"{path.name}:{node.lineno} keeps state on the session by name"


def test_every_feature_is_declared_once_in_the_registry():
    from explorer.feature import Feature
    from explorer.registry import FEATURES as REGISTERED, every_feature

    ids = [f.id for f in REGISTERED]
    assert len(ids) == len(set(ids)) and all(isinstance(f, Feature) for f in every_feature())
    for f in every_feature():
        assert f.build is not None and f.title_key
