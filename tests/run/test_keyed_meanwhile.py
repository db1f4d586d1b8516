"""The run keys the data's identifiers in a thread while it computes the figures (`run.compute.keyed_meanwhile`):
the keys it keeps must be exactly those keyed in the run's own thread, and a failure in the thread must never
be lost or leave half a result behind."""

from __future__ import annotations

from qa_lib.inputs import load
from qa_lib.inputs.load import load_audits
from qa_lib.inputs.personal import identifier_keys
from qa_lib.inputs.schema import IDENTIFIER_COLUMNS
from qa_lib.run.compute import keyed_meanwhile


def _fails_once(monkeypatch) -> list[int]:
    """`load.identifier_keys` failing on its first call (as a thread's keying might), then keying as usual; a
    list with an entry per call."""
    real = load.identifier_keys
    calls: list[int] = []

    def fails_once(*columns):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("the thread's try")
        return real(*columns)

    monkeypatch.setattr(load, "identifier_keys", fails_once)
    return calls


def test_the_keys_made_in_the_thread_are_those_of_the_data(demo_csv, params):
    data = load_audits(demo_csv, params)
    wait = keyed_meanwhile(data)
    wait()
    assert "identifier_keys" in vars(data)  # made in the thread and kept
    expected = identifier_keys(*(data.frame[c] for c in IDENTIFIER_COLUMNS))
    assert data.identifier_keys == expected
    child = str(data.frame["child_id"].iloc[0])  # e.g. "CH-864660": searched for as "ch864660", however typed
    assert "-" in child and child.lower().replace("-", "") in data.identifier_keys.words


def test_a_failure_in_the_thread_keeps_nothing_and_the_run_keys_again(demo_csv, params, monkeypatch):
    data = load_audits(demo_csv, params)
    real = load.identifier_keys
    calls = _fails_once(monkeypatch)
    keyed_meanwhile(data)()
    assert "identifier_keys" not in vars(data)  # nothing half-made kept
    assert data.identifier_keys == real(*(data.frame[c] for c in IDENTIFIER_COLUMNS))  # keyed again on first use
    assert len(calls) == 2


def test_columns_keyed_side_by_side_give_the_keys_of_one_at_a_time(demo_csv, params, monkeypatch):
    """A large file's columns are keyed one per core (`personal.identifier_keys`): the keys, and the most parts
    an ID has, must be those keyed one column at a time, non-ASCII IDs and plain lists included."""
    from qa_lib.inputs import personal

    frame = load_audits(demo_csv, params).frame
    columns = [frame[c] for c in IDENTIFIER_COLUMNS] + [["ÇH-1-2-3", "１２３", None], {"ab_cd", "12-34"}]
    one = identifier_keys(*columns)  # a small file: one thread
    monkeypatch.setattr(personal, "PARALLEL_IDS", 0)
    for cores in (2, 8):
        monkeypatch.setattr(personal.os, "cpu_count", lambda cores=cores: cores)
        assert personal.identifier_keys(*columns) == one
    assert {"çh123", "abcd"} <= one.words and {"１２３", "1234"} <= one.digits and one.parts == 4


def test_keys_made_while_the_file_is_validated_are_the_validated_rows_keys(tmp_path, params, monkeypatch):
    """`load_audits(keys_meanwhile=True)` keys the identifiers from the normalised rows while they are validated:
    blank rows left out, IDs trimmed, exactly the keys of the validated frame, keyed once."""
    from helpers import row, write_rows

    calls = []

    def counted(*columns):
        calls.append(1)
        return identifier_keys(*columns)

    monkeypatch.setattr(load, "identifier_keys", counted)

    rows = [
        row(audit_id=" AUD-7 ", child_id="CH 9", social_worker_id="sw/12", auditor_id="QA-3"),
        {k: "" for k in row()},  # a blank row: rejected, not keyed
        row(audit_id="AUD-8", child_id="1234567", social_worker_id="SW-12", auditor_id=""),
    ]
    data = load_audits(write_rows(tmp_path / "a.csv", rows), params, keys_meanwhile=True)
    assert data.keys_started is not None
    keys = data.identifier_keys
    assert keys.words == {"aud7", "aud8", "ch9", "sw12", "qa3"}  # worked by hand from the rows above
    assert keys.digits == {"1234567"} and keys.parts == 2
    assert calls == [1]  # the thread's keys are the ones kept
    assert keys == identifier_keys(*(data.frame[c] for c in IDENTIFIER_COLUMNS))


def test_keys_are_not_started_unless_asked_and_a_failed_start_keys_again(demo_csv, params, monkeypatch):
    assert load_audits(demo_csv, params).keys_started is None  # `qa-pack validate` has no use for them
    real = load.identifier_keys
    calls = _fails_once(monkeypatch)
    data = load_audits(demo_csv, params, keys_meanwhile=True)
    assert data.identifier_keys == real(*(data.frame[c] for c in IDENTIFIER_COLUMNS))
    assert len(calls) == 2  # the thread's failure, then keyed in the caller's thread


def test_a_file_that_fails_validation_still_fails_with_keys_started(tmp_path, params):
    import pytest

    from helpers import row, write_rows
    from qa_lib.errors import ValidationFailed

    path = write_rows(tmp_path / "a.csv", [row(overall_grade="Brilliant")])
    with pytest.raises(ValidationFailed):
        load_audits(path, params, keys_meanwhile=True)


def test_separators_removed_as_text_first_give_the_keys_id_key_gives():
    """`personal._alphanumeric` removes the usual separators as plain text and works a pattern only on what is
    left: every ID must come out as `id_key` (the one-at-a-time definition) keys it, paired with its own ID."""
    import pyarrow as pa

    from qa_lib.inputs.personal import _alphanumeric, id_key

    ids = ["CH-864660", "ch 864 660", "SW_12/3.4", "A#1", "--", "", "O'Neil-7", "x+y=z", "AUD-2021-01-001-0", "plain42", "a\\tb"]
    for chosen in (ids, [i for i in ids if i.replace("-", "").isalnum()]):  # with and without anything left over
        plain, keys = _alphanumeric(pa.array(chosen, pa.large_string()))
        assert sorted(zip(plain.to_pylist(), keys.to_pylist())) == sorted((i, _kept(i)) for i in chosen)
        assert all(id_key(i) == _kept(i).lower() for i in chosen)


def _kept(text: str) -> str:
    """The letters and digits of an ASCII ID, case kept (worked by hand: no pattern)."""
    return "".join(c for c in text if c.isascii() and c.isalnum())
