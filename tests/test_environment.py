"""environment.yml (conda) carries the same dependencies as pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import yaml

from helpers import REPO


def _name_spec(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_conda_environment_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = dict(_name_spec(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            conda.update(_name_spec(r) for r in dep["pip"])
        else:
            name, spec = _name_spec(dep)
            if name not in {"python", "pip"}:
                conda[name] = spec
    assert conda == wanted
    assert "conda-forge" in env["channels"]


def test_every_package_ships_in_the_wheel():
    """A new sub-package left out of pyproject's list would be missing from `pip install .` (not editable)."""
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "qa_lib").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
