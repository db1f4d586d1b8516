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
