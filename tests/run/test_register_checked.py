"""The action register is the QA lead's text: an identifier from the data in it stops the run before anything is
published, on a first run and on a re-run that takes its figures from the run cache (the register is checked as
this run read it, the figures' own copy)."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace

import pandas as pd
import pytest

from helpers import REPO
from qa_lib.errors import QAPackError
from qa_lib.inputs import load
from qa_lib.inputs.params import load_params
from qa_lib.run import runner


@pytest.mark.slow
def test_an_identifier_typed_into_the_register_stops_a_run_and_a_cached_re_run(tmp_path, demo_csv, monkeypatch):
    monkeypatch.setenv("QA_PACK_CACHE", str(tmp_path / "cache"))
    register = tmp_path / "register.yml"
    shutil.copy(REPO / "params" / "register.yml", register)
    params = replace(load_params(REPO / "params" / "demo.yml"), notebooks=(), actions=register)  # no notebook: quick
    runner.run(params, audits=demo_csv, out=tmp_path / "first", quiet=True)  # fills the cache with the figures
    child = str(pd.read_csv(demo_csv, dtype=str)["child_id"].iloc[0]).lower().replace("-", " ")  # as someone might type it
    register.write_text(
        register.read_text(encoding="utf-8").replace("Reinforce the need", f"Follow up {child}; reinforce the need", 1), encoding="utf-8"
    )
    for use_cache, out in ((True, "again"), (False, "cold")):
        with pytest.raises(QAPackError, match=r"register\.yml: an identifier from the data.* in item 2;"):
            runner.run(params, audits=demo_csv, out=tmp_path / out, quiet=True, use_cache=use_cache)
        assert not (tmp_path / out).exists()
    # Into the folder this file was published to, the re-run begins its quick read of the identifiers as soon
    # as the bytes are read (before they are hashed): the register is checked all the same, and the last good
    # report is left as it was.
    begun = []
    real = load.identifiers_meanwhile

    def spied(*given):
        begun.append(given[3].result())
        return real(*given)

    monkeypatch.setattr(load, "identifiers_meanwhile", spied)
    published = {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir() if p.is_file()}
    with pytest.raises(QAPackError, match=r"register\.yml: an identifier from the data.* in item 2;"):
        runner.run(params, audits=demo_csv, out=tmp_path / "first", quiet=True)
    assert begun == [hashlib.sha256(demo_csv.read_bytes()).hexdigest()]  # begun early, on the bytes hashed for the key
    assert {p.name: p.read_bytes() for p in (tmp_path / "first").iterdir() if p.is_file()} == published
