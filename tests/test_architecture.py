"""The shape of the house: lib/ is UI-free, config matches code, lint is clean."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import lib
from lib.read import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parent.parent


def test_no_lib_module_imports_streamlit() -> None:
    code = (
        "import sys, importlib, pkgutil, lib\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'streamlit' or name.startswith('streamlit.'):\n"
        "            raise ImportError('lib must not import streamlit')\n"
        "sys.meta_path.insert(0, Block())\n"
        "for module in pkgutil.walk_packages(lib.__path__, 'lib.'):\n"
        "    if not module.name.endswith('__main__'):\n"
        "        importlib.import_module(module.name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed")
    done = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_upload_limit_in_config_equals_the_reader_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"


def test_every_lib_module_imports() -> None:
    for module in pkgutil.walk_packages(lib.__path__, "lib."):
        if not module.name.endswith("__main__"):  # the parse child's entry point
            importlib.import_module(module.name)


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(command: list[str]) -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    done = subprocess.run(
        [ruff, *command, "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- Tests share builders through tests/fixtures.py, never through one another ----------------

TESTS = ROOT / "tests"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _is_test_module(name: str) -> bool:
    """A test module or a conftest, under any of the names it can be imported by
    (`tests.test_store`, `test_store`, `e2e.conftest`, ...)."""
    last = name.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def imported_test_modules(source: str, module: str) -> list[str]:
    """The test modules and conftests that the code of `module` imports."""
    package = module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package upward
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        found += [name for name in names if _is_test_module(name)]
    return found


def test_the_import_check_finds_imports_of_test_modules() -> None:
    module = "tests.e2e.test_views"
    assert imported_test_modules("from tests.test_store import frame", module)
    assert imported_test_modules("import tests.test_store", module)
    assert imported_test_modules("from tests import test_store", module)
    assert imported_test_modules("from conftest import make_workbook", module)
    assert imported_test_modules("from tests.e2e.conftest import ROOT", module)
    assert imported_test_modules("from . import conftest", module)
    assert imported_test_modules("from .test_smoke import x", module)
    assert imported_test_modules("from ..test_store import frame", module)
    assert not imported_test_modules("from tests.fixtures import frame", module)
    assert not imported_test_modules("from tests.e2e.browser import ROOT", module)
    assert not imported_test_modules("import pytest\nfrom lib import queries", module)


def test_no_test_module_imports_another_test_module() -> None:
    """Shared builders live in tests/fixtures.py and tests/e2e/browser.py, fixtures in the
    conftests; a test module importing another would run its tests' module code twice."""
    offenders = {
        _module_name(path): imported
        for path in sorted(TESTS.rglob("*.py"))
        if (imported := imported_test_modules(path.read_text(), _module_name(path)))
    }
    assert offenders == {}
