"""Run history (qa_lib.run.history): the latest run stays at --out, every earlier one is kept whole in
history/, nothing published is overwritten or lost, and a failed swap puts everything back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run_cli
from qa_lib.errors import QAPackError
from qa_lib.run.history import HISTORY, prune, runs
from qa_lib.run.publish import check_out_dir, publish, write_marker


def built(parent: Path, name: str, created: str, sha: str, report: str) -> Path:
    """A finished build folder, as the runner leaves it before the swap."""
    build = parent / name
    build.mkdir()
    (build / "highlight_report.html").write_text(report, encoding="utf-8")
    manifest = {"qa_pack_version": "0", "created": created, "period": {"from": "2021-10", "to": "2021-12"}, "input": {"sha256": sha}}
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_marker(build, ["highlight_report.html", "manifest.json"])
    return build


def test_three_runs_keep_the_latest_at_out_and_both_earlier_ones_whole(tmp_path):
    out = tmp_path / "qa"
    publish(built(tmp_path, "b1", "2022-01-05T09:00:00+00:00", "a" * 64, "first"), out)
    (out / "email.eml").write_text("the first e-mail", encoding="utf-8")  # what qa-pack email wrote
    check_out_dir(out, {})  # the next run may publish here
    publish(built(tmp_path, "b2", "2022-01-12T09:00:00+00:00", "b" * 64, "second"), out)
    check_out_dir(out, {})  # a folder with a history is still the pack's
    publish(built(tmp_path, "b3", "2022-01-19T09:00:00+00:00", "c" * 64, "third"), out)

    assert (out / "highlight_report.html").read_text(encoding="utf-8") == "third"
    kept = sorted(p.name for p in (out / HISTORY).iterdir())
    assert kept == ["20220105T090000Z", "20220112T090000Z"]
    first = out / HISTORY / "20220105T090000Z"
    assert (first / "highlight_report.html").read_text(encoding="utf-8") == "first"
    assert (first / "email.eml").read_text(encoding="utf-8") == "the first e-mail"  # the .eml went with its run
    assert (out / HISTORY / "20220112T090000Z" / "highlight_report.html").read_text(encoding="utf-8") == "second"
    listed = runs(out)
    assert [e.input_sha256[:1] for e in listed] == ["c", "b", "a"]  # newest first
    assert [e.sent for e in listed] == ["no", "no", "written, not sent"]


def test_retention_keeps_the_newest_earlier_runs(tmp_path):
    out = tmp_path / "qa"
    for i in range(4):
        publish(built(tmp_path, f"b{i}", f"2022-01-0{i + 1}T09:00:00+00:00", str(i) * 64, str(i)), out, keep=2)
    assert sorted(p.name for p in (out / HISTORY).iterdir()) == ["20220102T090000Z", "20220103T090000Z"]
    assert prune(out, None) == []  # no setting: nothing removed


def test_a_failed_swap_puts_the_last_report_and_its_history_back(tmp_path, monkeypatch):
    out = tmp_path / "qa"
    publish(built(tmp_path, "b1", "2022-01-05T09:00:00+00:00", "a" * 64, "first"), out)
    publish(built(tmp_path, "b2", "2022-01-12T09:00:00+00:00", "b" * 64, "second"), out)
    build = built(tmp_path, "b3", "2022-01-19T09:00:00+00:00", "c" * 64, "third")
    real = Path.rename

    def failing(self: Path, target):
        if self == build:
            raise OSError(28, "No space left on device")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError):
        publish(build, out)
    monkeypatch.setattr(Path, "rename", real)
    assert (out / "highlight_report.html").read_text(encoding="utf-8") == "second"
    assert [p.name for p in (out / HISTORY).iterdir()] == ["20220105T090000Z"]


def test_a_history_folder_holding_anything_else_is_not_the_packs(tmp_path):
    out = tmp_path / "qa"
    publish(built(tmp_path, "b1", "2022-01-05T09:00:00+00:00", "a" * 64, "first"), out)
    publish(built(tmp_path, "b2", "2022-01-12T09:00:00+00:00", "b" * 64, "second"), out)
    (out / HISTORY / "my notes.docx").write_text("someone's file", encoding="utf-8")
    with pytest.raises(QAPackError, match="holds files a qa-pack run did not write"):
        check_out_dir(out, {})


def test_the_history_command_lists_runs(tmp_path, monkeypatch, capsys):
    out = tmp_path / "qa"
    publish(built(tmp_path, "b1", "2022-01-05T09:00:00+00:00", "a" * 64, "first"), out)
    publish(built(tmp_path, "b2", "2022-01-12T09:00:00+00:00", "b" * 64, "second"), out)
    code, said = run_cli(monkeypatch, capsys, "history", str(out))
    lines = said.strip().splitlines()
    assert code == 0 and len(lines) == 3
    assert "2022-01-12T09:00:00+00:00" in lines[1] and "(latest)" in lines[1] and "bbbbbbbbbbbbbbbb" in lines[1]
    assert "history/20220105T090000Z" in lines[2]
    code, said = run_cli(monkeypatch, capsys, "history", str(tmp_path))
    assert code != 0 and "not a qa-pack run folder" in said


def test_pruning_removes_only_what_a_run_wrote(tmp_path):
    """Issue 25: with history: {keep: 1}, a user's notes placed in an old history/<time>/ folder survive, and
    so does the folder holding them; a folder there without the pack's marker is never touched."""
    out = tmp_path / "qa"
    publish(built(tmp_path, "b1", "2022-01-01T09:00:00+00:00", "1" * 64, "one"), out)
    publish(built(tmp_path, "b2", "2022-01-02T09:00:00+00:00", "2" * 64, "two"), out)
    old = out / HISTORY / "20220101T090000Z"
    (old / "my-notes.txt").write_text("the QA lead's notes", encoding="utf-8")
    publish(built(tmp_path, "b3", "2022-01-03T09:00:00+00:00", "3" * 64, "three"), out, keep=1)
    assert sorted(p.name for p in old.iterdir()) == ["my-notes.txt"]  # the run's own files went; the notes stayed
    assert (out / HISTORY / "20220102T090000Z" / "highlight_report.html").read_text(encoding="utf-8") == "two"


def test_an_empty_folder_made_for_out_is_used_and_the_loop_goes_on(tmp_path):
    """Issue 25: the first run into an empty folder the user made used to move it into history/ as a "run", and
    every later run into the folder was refused."""
    out = tmp_path / "qa"
    out.mkdir()
    check_out_dir(out, {})
    publish(built(tmp_path, "b1", "2022-01-01T09:00:00+00:00", "1" * 64, "one"), out)
    assert not (out / HISTORY).exists()
    check_out_dir(out, {})  # the next run may publish here
    publish(built(tmp_path, "b2", "2022-01-02T09:00:00+00:00", "2" * 64, "two"), out)
    assert sorted(p.name for p in (out / HISTORY).iterdir()) == ["20220101T090000Z"]


def test_a_failed_folder_is_removed_only_when_the_pack_wrote_it(tmp_path):
    from qa_lib.run.outputs import FAILED_MARKER, remove_failed

    out = tmp_path / "qa"
    theirs = tmp_path / "qa.failed"
    theirs.mkdir()
    (theirs / "important.txt").write_text("not the pack's", encoding="utf-8")
    remove_failed(out)
    assert (theirs / "important.txt").exists()  # no marker: never touched
    (theirs / "important.txt").unlink()
    (theirs / "highlight_report.ipynb").write_text("{}", encoding="utf-8")
    (theirs / "mine.txt").write_text("mine", encoding="utf-8")
    (theirs / FAILED_MARKER).write_text(json.dumps({"files": ["highlight_report.ipynb"]}), encoding="utf-8")
    remove_failed(out)
    assert sorted(p.name for p in theirs.iterdir()) == ["mine.txt"]  # only what the marker listed


def test_audiences_never_share_a_folder(tmp_path):
    """Issue 25: a wider run into a folder (or history) holding an internal run is refused, and the reverse."""
    from qa_lib.run.publish import finish

    out = tmp_path / "qa"
    b1 = built(tmp_path, "b1", "2022-01-01T09:00:00+00:00", "1" * 64, "internal")
    finish(b1, out, json.loads((b1 / "manifest.json").read_text(encoding="utf-8")), audience="internal")
    check_out_dir(out, {}, "internal")
    with pytest.raises(QAPackError, match="holds a report for the QA team"):
        check_out_dir(out, {}, "wider")
    b2 = built(tmp_path, "b2", "2022-01-02T09:00:00+00:00", "2" * 64, "internal again")
    finish(b2, out, json.loads((b2 / "manifest.json").read_text(encoding="utf-8")), audience="internal")
    wider = tmp_path / "wider"
    b3 = built(tmp_path, "b3", "2022-01-03T09:00:00+00:00", "3" * 64, "wider")
    finish(b3, wider, json.loads((b3 / "manifest.json").read_text(encoding="utf-8")), audience="wider")
    with pytest.raises(QAPackError, match="holds a report for a wider audience"):
        check_out_dir(wider, {}, "internal")
    # A folder whose history keeps the other audience's run is refused too (as an earlier version could leave it).
    (out / HISTORY / "20220101T090000Z" / ".qa-pack-run.json").write_text(
        json.dumps({"kind": "qa-pack run folder", "audience": "wider", "files": ["highlight_report.html", "manifest.json"]}),
        encoding="utf-8",
    )
    with pytest.raises(QAPackError, match="keeps in its history a report for a wider audience"):
        check_out_dir(out, {}, "internal")


def test_a_killed_runs_build_folder_is_removed_by_the_next_run_and_nothing_else(tmp_path):
    """Issue 25, item 6: a killed run's `.OUT.building-*` folder was never removed; once removed, only what the
    pack made: its build folders carry the pack's mark from the moment they exist."""
    from qa_lib.run.publish import BUILD_MARK, new_build, publishing_lock

    out = tmp_path / "out"
    dead = new_build(out)
    (dead / "highlight_report.html").write_text("half a page", encoding="utf-8")
    theirs = tmp_path / ".out.building-notes"  # a folder of that name the pack did not make
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine", encoding="utf-8")
    old = tmp_path / ".out.old-notes"
    old.mkdir()
    with publishing_lock(out):
        assert not dead.exists()
    assert (theirs / "notes.txt").read_text(encoding="utf-8") == "mine" and old.is_dir()
    assert not (tmp_path / ".out.qa-pack.lock").exists()  # the lock file goes with the run that held it
    assert (new_build(out) / BUILD_MARK).is_file()
