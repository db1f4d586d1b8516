"""A re-run's quick read of a file its key has validated (`load_identifiers`): the identifiers it finds are
exactly those a full read finds, so the privacy checks search for the same things; anything that differs from
the file as validated (its bytes, name, shape or encoding) sends the run back to a full read and validation.
(Issue 29: the edit loop on a million rows re-validated every row to key the identifiers.)"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import REPO
from qa_lib.inputs.load import load_audits, load_identifiers


@pytest.fixture()
def hostile(demo_csv, tmp_path):
    """The demo file as a council might type it: a BOM, a renamed ID header (params `columns:` maps it back),
    IDs with spaces around them, and two blank rows at the end."""
    frame = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    frame["child_id"] = "  " + frame["child_id"] + " "
    frame["auditor_id"] = frame["auditor_id"].where(frame.index % 3 != 0, "\t" + frame["auditor_id"])
    frame = frame.rename(columns={"social_worker_id": "Worker ID"})
    blank = pd.DataFrame([[""] * len(frame.columns)] * 2, columns=frame.columns)
    path = tmp_path / "audits.csv"
    pd.concat([frame, blank]).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_the_quick_read_finds_exactly_the_identifiers_of_a_full_read(params, demo_csv, hostile):
    typed = params.with_overrides(columns={**params.columns, "worker_id": "social_worker_id"})
    for path, p in ((demo_csv, params), (hostile, typed)):
        full = load_audits(path, p)
        quick = load_identifiers(path, p, full.summary())
        assert quick is not None, path.name
        assert quick.identifier_keys == full.identifier_keys
        assert quick.identifier_keys.parts > 1 and len(quick.identifier_keys.words) > 1000
        assert quick.summary() == full.summary() and quick.rows_used == full.rows_used
    assert full.rows_rejected == 2  # the blank rows, as the full read counts them


def test_anything_unlike_the_file_as_validated_means_a_full_read(params, demo_csv, tmp_path):
    summary = load_audits(demo_csv, params).summary()
    copy = tmp_path / demo_csv.name
    shutil.copy(demo_csv, copy)
    assert load_identifiers(copy, params, summary) is not None  # the same bytes under the same name

    changed = tmp_path / "changed" / demo_csv.name
    changed.parent.mkdir()
    changed.write_bytes(demo_csv.read_bytes().replace(b"\n", b"\r\n", 1))  # one byte more
    assert load_identifiers(changed, params, summary) is None

    renamed = tmp_path / "other.csv"
    shutil.copy(demo_csv, renamed)
    assert load_identifiers(renamed, params, summary) is None  # the key holds the file's name too

    assert load_identifiers(copy, params, {**summary, "rows_used": int(str(summary["rows_used"])) + 1}) is None  # rows differ
    assert load_identifiers(tmp_path / "absent.csv", params, summary) is None


def test_a_windows_1252_file_is_read_in_full(params, demo_csv, tmp_path):
    """pyarrow takes only UTF-8: a Windows-1252 file (accents as single bytes) goes back to the full read."""
    frame = pd.read_csv(demo_csv, dtype=str, keep_default_na=False)
    frame.loc[0, "team"] = "Équipe"
    path = tmp_path / "audits.csv"
    frame.to_csv(path, index=False, encoding="cp1252")
    full = load_audits(path, params)
    assert load_identifiers(path, params, full.summary()) is None


def test_a_file_saved_again_during_the_run_stops_it(params, demo_csv, tmp_path, own_run_cache):
    """The run's key holds the SHA-256 of the file when the run began; if the bytes read later differ (the file
    was saved again in between), nothing is kept under a key of bytes the file no longer holds, nor published."""
    from qa_lib.errors import QAPackError
    from qa_lib.files import file_sha256
    from qa_lib.inputs.period import Period
    from qa_lib.run.cache import RunCache
    from qa_lib.run.compute import figures_stage

    period = Period("2021-10", "2021-12")
    stale = RunCache(own_run_cache, "r" * 64, "0" * 64)
    with pytest.raises(QAPackError, match="changed while the run was reading it"):
        figures_stage(params, demo_csv, period, None, False, True, {}, stale)
    assert not any(own_run_cache.rglob("*.bin"))  # no figures stored under that key
    same = RunCache(own_run_cache, "s" * 64, file_sha256(demo_csv))
    data, figures, _ = figures_stage(params, demo_csv, period, None, False, True, {}, same)
    assert data.sha256 == figures.data["sha256"] == same.audits_sha256
    assert any(own_run_cache.rglob("*.bin"))  # the figures of the bytes the key was made with are kept


def test_a_rerun_reads_the_file_once_and_its_identifiers_from_the_bytes_its_key_was_made_from(params, demo_csv, tmp_path, own_run_cache):
    """The run's key is made from the CSV's bytes, read whole once (`cached_pages`); the quick read takes its
    identifiers from those same bytes, not from the file again: a file saved again in between cannot slip its
    identifiers past the key, and a million rows are not read and hashed twice. The cache lets go of the bytes
    as soon as they are taken."""
    from qa_lib.files import read_with_sha256
    from qa_lib.inputs.period import Period
    from qa_lib.run.outputs import cached_pages

    copy = tmp_path / demo_csv.name
    shutil.copy(demo_csv, copy)
    summary = load_audits(copy, params).summary()
    cache, _, _ = cached_pages(params, copy, Period("2021-10", "2021-12"), REPO / "notebooks", {})
    assert cache is not None and cache.audits_sha256 == summary["sha256"]
    read = cache.take_audits()
    assert read == read_with_sha256(copy) and cache.take_audits() is None and cache.audits_bytes is None
    frame = pd.read_csv(copy, dtype=str, keep_default_na=False)
    frame["child_id"] = "SOMEONE ELSE"  # saved again after the key was made: another child in every row
    frame.to_csv(copy, index=False)
    quick = load_identifiers(copy, params, summary, read)
    assert quick is not None and quick.sha256 == summary["sha256"]
    assert "SOMEONE ELSE" not in set(quick.frame["child_id"])  # the bytes the key was made from, not the file's now
    assert load_identifiers(copy, params, summary) is None  # read again, the file is not the one validated


def test_the_key_is_made_from_the_read_the_run_started_not_a_second_read(params, demo_csv, tmp_path, own_run_cache):
    """The runner starts reading and hashing the audits file as it begins (`files.audits_read_for_key`, in a
    thread while it loads) and hands that read to `cached_pages`: the key and the bytes a re-run takes its
    identifiers from are that read's, even if the file is saved again before the cache is looked at."""
    import hashlib

    from qa_lib.files import audits_read_for_key
    from qa_lib.inputs.period import Period
    from qa_lib.run.outputs import cached_pages

    copy = tmp_path / demo_csv.name
    shutil.copy(demo_csv, copy)
    started = audits_read_for_key(copy)
    assert started == (copy.read_bytes(), hashlib.sha256(copy.read_bytes()).hexdigest())
    copy.write_text("saved again\n", encoding="utf-8")
    cache, _, _ = cached_pages(params, copy, Period("2021-10", "2021-12"), REPO / "notebooks", {}, lambda: started)
    assert cache is not None and cache.audits_sha256 == started[1] and cache.take_audits() == started
    workbook = tmp_path / "audits.xlsx"
    workbook.write_bytes(b"not read whole")
    assert audits_read_for_key(workbook) == (None, hashlib.sha256(b"not read whole").hexdigest())  # hashed only


def test_the_read_begun_before_the_summary_gives_what_the_quick_read_gives(params, demo_csv, hostile, monkeypatch):
    """`identifiers_meanwhile` reads and keys the identifiers in a thread before the summary is known: checked
    against it, the same answer as `load_identifiers`, its keys the ones kept; None on any difference."""
    from qa_lib.inputs import load
    from qa_lib.inputs.load import identifiers_meanwhile

    typed = params.with_overrides(columns={**params.columns, "worker_id": "social_worker_id"})
    full = load_audits(hostile, typed)
    expected = full.identifier_keys
    keyed = []
    real = load.identifier_keys

    def counted(*columns):
        keyed.append(1)
        return real(*columns)

    monkeypatch.setattr(load, "identifier_keys", counted)
    early = identifiers_meanwhile(hostile, typed)(full.summary())
    assert early is not None and early.keys_started is not None
    assert early.identifier_keys == expected and early.summary() == full.summary()
    assert keyed == [1]  # keyed once, in the thread
    assert identifiers_meanwhile(hostile, typed)({**full.summary(), "sha256": "0" * 64}) is None  # other bytes

    def fails(*_):
        raise MemoryError("the thread's read")

    monkeypatch.setattr(load, "_identifiers_read", fails)
    assert identifiers_meanwhile(demo_csv, params)(load_audits(demo_csv, params).summary()) is None  # a full read, then


def test_the_read_begun_before_the_bytes_are_hashed_is_checked_against_their_hash(params, demo_csv, hostile, tmp_path):
    """A re-run into the folder a file of this name was published to hands its bytes to the quick read as soon as
    they are read (`audits_read_for_key`'s `meanwhile`), before their SHA-256 is worked out: the read is checked
    against that SHA-256 once known, with the answer `load_identifiers` gives; a file with no bytes to hand (not
    a CSV) hands nothing, and the runner's wait for the bytes always ends (`runner._read_for_key`)."""
    import hashlib
    from concurrent.futures import Future

    from qa_lib.files import audits_read_for_key
    from qa_lib.inputs.load import identifiers_meanwhile
    from qa_lib.run.runner import _read_for_key

    typed = params.with_overrides(columns={**params.columns, "worker_id": "social_worker_id"})
    full = load_audits(hostile, typed)
    handed: list[tuple[bytes, Future[str]]] = []
    data, sha = audits_read_for_key(hostile, lambda given, hashed: handed.append((given, hashed)))
    assert sha == hashlib.sha256(hostile.read_bytes()).hexdigest() == full.sha256
    ((given, hashed),) = handed
    assert given == data and hashed.result() == sha  # the very bytes, and their SHA-256 once worked out
    early = identifiers_meanwhile(hostile, typed, (given, ""), hashed)(full.summary())
    assert early is not None and early.identifier_keys == full.identifier_keys and early.summary() == full.summary()
    other: Future[str] = Future()
    other.set_result("0" * 64)  # the SHA-256 of other bytes: the read is not used
    assert identifiers_meanwhile(hostile, typed, (given, ""), other)(full.summary()) is None

    workbook = tmp_path / "audits.xlsx"
    workbook.write_bytes(b"not read whole")
    waited: Future[tuple[bytes, Future[str]] | None] = Future()
    assert _read_for_key(workbook, waited) == (None, hashlib.sha256(b"not read whole").hexdigest())
    assert waited.result(timeout=0) is None  # nothing handed, and the wait ends
    gone: Future[tuple[bytes, Future[str]] | None] = Future()
    with pytest.raises(OSError):
        _read_for_key(tmp_path / "gone.csv", gone)
    assert gone.result(timeout=0) is None
    handed_over: Future[tuple[bytes, Future[str]] | None] = Future()
    assert _read_for_key(hostile, handed_over) == (data, sha)
    given_back = handed_over.result(timeout=0)
    assert given_back is not None and given_back[0] == data and given_back[1].result() == sha


@pytest.mark.slow  # the run's figures computed in full
def test_a_quick_read_the_run_does_not_want_keys_nothing(params, demo_csv, tmp_path, monkeypatch):
    """A re-run that begins its quick read early and then finds no figures under its key (the data or params
    changed) validates in full: the quick read is cancelled, keys nothing once its read is done and answers None."""
    import threading
    from typing import cast

    from qa_lib.inputs import load
    from qa_lib.inputs.period import Period
    from qa_lib.run.cache import RunCache
    from qa_lib.run.compute import figures_stage

    full = load_audits(demo_csv, params)
    release = threading.Event()
    keyed: list[int] = []
    real_read = load._identifiers_read

    def held(*given):
        release.wait(10)
        return real_read(*given)

    monkeypatch.setattr(load, "_identifiers_read", held)
    monkeypatch.setattr(load, "identifier_keys", lambda *columns: keyed.append(1))
    begun = load.identifiers_meanwhile(demo_csv, params)
    begun.cancel()
    release.set()
    assert begun(full.summary()) is None and keyed == []  # read, then nothing keyed and nothing kept
    monkeypatch.undo()

    class Begun:
        cancelled = False

        def __call__(self, recorded):
            raise AssertionError("a run with no figures under its key never asks the quick read")

        def cancel(self):
            self.cancelled = True

    early = Begun()
    empty = RunCache(tmp_path / "cache", "k" * 64, full.sha256)  # no figures kept under this key
    figures_stage(params, demo_csv, Period("2021-10", "2021-12"), None, False, True, {}, empty, None, None, cast(load.QuickRead, early))
    assert early.cancelled
