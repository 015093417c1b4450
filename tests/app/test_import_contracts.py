"""The import rules (pyproject.toml [tool.importlinter], docs/architecture.md) hold for the
tree, and each contract breaks when a module breaks its rule: a copy of the code gets one
offending import and `lint-imports` must fail naming that contract."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("bot", "handlers", "storage", "demo")

# contract name -> lines appended to files (path: line) that break it
VIOLATIONS = {
    "storage imports nothing above it": {"storage/models/core.py": "import bot.core.config"},
    "bot never imports handlers (handlers compose the app)": {
        "bot/core/errors.py": "import handlers"
    },
    "the product never imports the demo or the Slack emulator": {
        "bot/org/directory.py": "import demo.slack_emulator"
    },
    "layers inside bot: composition, features, shared pieces, core": {
        "bot/core/periods.py": "import bot.org.directory"
    },
    "a feature reaches another only through its service module": {
        "bot/kpi/chat.py": "import bot.feedback.parsing"
    },
    "views import no services and no database sessions": {
        "bot/pulse/views.py": "from sqlmodel import Session"
    },
    "no import cycles between the modules of any package": {
        "bot/kpi/charts.py": "import bot.kpi.views",
        "bot/kpi/views.py": "import bot.kpi.charts",
    },
}


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), str(root / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_code_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in VIOLATIONS:
        assert f"{name} KEPT" in result.stdout


def test_every_feature_package_is_in_the_feature_layer_and_kept_independent():
    """A feature added to the layer is also kept from reaching into the others."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}
    layers = contracts["layers inside bot: composition, features, shared pieces, core"]
    independent = contracts["a feature reaches another only through its service module"]
    feature_layer = next(layer for layer in layers["layers"] if "kudos" in layer)
    packages = {f"bot.{name.strip()}" for name in feature_layer.split(":")}
    assert packages == set(independent["modules"])


@pytest.mark.parametrize("contract", VIOLATIONS)
def test_each_contract_breaks_on_an_offending_import(contract, tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    for path, line in VIOLATIONS[contract].items():
        with (tmp_path / path).open("a", encoding="utf-8") as source:
            source.write(f"\n{line}\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract} BROKEN" in result.stdout
