"""Shared fixtures: the repo's params and the demo file."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO

from qa_lib.demo import write_demo
from qa_lib.params import Params, load_params


@pytest.fixture(scope="session")
def params() -> Params:
    return load_params(REPO / "params" / "demo.yml")


@pytest.fixture(scope="session")
def demo_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo"))
