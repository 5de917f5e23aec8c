"""The register imports no feature app: the school page, the partnership page and the profile
are filled by panels the feature apps register (``evenbetter.pages``). Walks the imports of
every module of ``evenbetter.schools`` (and of ``evenbetter.pages``) with ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

import evenbetter

ROOT = Path(evenbetter.__file__).parent
# Below the register, or the register itself: all it may import of Even Better.
REGISTER_MAY_IMPORT = {"accounts", "schools", "vocabulary", "pages"}


def _imported_apps(package: str) -> dict[str, set[str]]:
    """Module path -> the evenbetter packages it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[str(path.relative_to(ROOT))] = {name.split(".")[1] for name in names if name.startswith("evenbetter.")}
    return found


def test_the_register_imports_no_feature_app() -> None:
    imports = _imported_apps("schools")
    assert {"schools/views.py", "schools/profile.py", "schools/profile_pdf.py"} <= set(imports)
    beyond = {module: apps - REGISTER_MAY_IMPORT for module, apps in imports.items() if apps - REGISTER_MAY_IMPORT}
    assert beyond == {}


def test_the_panel_framework_imports_no_app_of_even_better() -> None:
    beyond = {module: apps - {"pages"} for module, apps in _imported_apps("pages").items() if apps - {"pages"}}
    assert beyond == {}
