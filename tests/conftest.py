"""Shared fixtures: the repo's params and the demo file."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from helpers import FREE_TEXT, PLANTED, QA_PACK, REPO
from qa_lib.inputs.demo import write_demo
from qa_lib.inputs.params import Params, load_params

# The run cache (qa_lib.run.cache) never reaches the user's own: the session's runs share a throwaway one, and
# each test gets an empty one of its own, so a test that needs notebooks to run is never served from the cache.
os.environ["QA_PACK_CACHE"] = tempfile.mkdtemp(prefix="qa-pack-test-cache-")
# The install's secret (auditor codes) is the tests' own, never the user's: a fixed key, so codes are the same in
# every test process and every real run the tests start.
_SECRET = Path(tempfile.mkdtemp(prefix="qa-pack-test-secret-")) / "secret.key"
_SECRET.write_text("7e" * 32, encoding="utf-8")
_SECRET.chmod(0o600)
os.environ["QA_PACK_SECRET"] = str(_SECRET)


def pytest_configure(config: pytest.Config) -> None:
    """jsonschema (under nbformat) builds 39 grammars for rfc3987_syntax at import, about 1 s a test process, for
    an "iri" string format no notebook schema uses; the pack's notebook workers leave it out the same way
    (`qa_lib.run.execute.start_worker`), so the tests import nbformat as the runs do."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def own_run_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("QA_PACK_CACHE", str(path))
    return path


@pytest.fixture(params=["one set of every key", pytest.param("looked up in batches", marks=pytest.mark.slow)])
def either_lookup(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A search for identifiers made both ways `KeySet` answers it: from a Python set of every key (a file of
    fewer than `LOOK_UP_FROM` keys, as the demo), and from its candidates looked up in batches (a larger file;
    the whole suite, as `tests/inputs/test_key_set.py` is in the fast tier)."""
    from qa_lib.inputs import personal

    if request.param == "looked up in batches":
        monkeypatch.setattr(personal, "LOOK_UP_FROM", 0)
    return str(request.param)


@pytest.fixture(scope="session")
def params() -> Params:
    return load_params(REPO / "params" / "demo.yml")


@pytest.fixture(scope="session")
def demo_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_figures(demo_csv, params):
    """The demo's figures for October to December 2021, computed once per test process (never changed in place:
    a test that needs other figures builds its own)."""
    from qa_lib.figures import compute_all
    from qa_lib.inputs.load import load_audits
    from qa_lib.inputs.period import Period

    period = Period("2021-10", "2021-12")
    data = load_audits(demo_csv, params, period_end=period.end)
    return compute_all(data.frame, params, period, data.summary())


@pytest.fixture(scope="session")
def planted_csv(demo_csv, tmp_path_factory) -> Path:
    """The demo file with a name and an e-mail address planted in every free-text cell that has text."""
    df = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    for col in FREE_TEXT:
        has = df[col].ne("")
        df.loc[has, col] = f"{PLANTED} (zq@example.org): " + df.loc[has, col]
    path = tmp_path_factory.mktemp("planted") / "audits.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def published(planted_csv, tmp_path_factory) -> Path:
    """One real `qa-pack run` of the demo params on the planted file, shared by the end-to-end tests."""
    out = tmp_path_factory.mktemp("runs") / "demo"
    proc = subprocess.run(
        [QA_PACK, "run", "--params", str(REPO / "params" / "demo.yml"), "--audits", str(planted_csv), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Report written to {out}" in proc.stdout
    return out


REAL_RUN_FIXTURES = {"published", "quoted", "hostile_run"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reads a real published run is a slow test (make test-fast leaves it out)."""
    for item in items:
        if REAL_RUN_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
