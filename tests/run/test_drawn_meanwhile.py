"""A re-run draws its cached pages' blocks while its identifiers are read and keyed (`figures_stage`'s
`meanwhile`), from the figures with the QA lead's text as they will be published if the text holds no
identifier; the runner uses those blocks only when it publishes those very figures (`runner.same_figures`)."""

from __future__ import annotations

import copy
from dataclasses import replace

import pandas as pd
import pytest

from qa_lib.commentary import document
from qa_lib.commentary.drafts import drafts, joined
from qa_lib.errors import QAPackError
from qa_lib.figures import RunFigures
from qa_lib.files import file_sha256
from qa_lib.inputs.period import Period
from qa_lib.run.cache import RunCache
from qa_lib.run.compute import figures_stage
from qa_lib.run.runner import same_figures

PERIOD = Period("2021-10", "2021-12")


def _rerun_setup(params, demo_csv, tmp_path, root, words: str):
    """A cache holding the demo's figures (a first run), and the QA lead's commentary with `words` typed into
    its first section."""
    cache = RunCache(root, "k" * 64, file_sha256(demo_csv))
    _, figures, _ = figures_stage(params, demo_csv, PERIOD, None, False, True, {}, cache)
    text = document.render(drafts(figures, params, PERIOD), file_sha256(demo_csv), (PERIOD.start, PERIOD.end))
    marker = text.index("<!-- qa-pack section ")
    body = text.index("\n\n", marker) + 2
    path = tmp_path / "commentary.md"
    path.write_text(text[:body] + words + "\n\n" + text[body:], encoding="utf-8")
    again = RunCache(root, "k" * 64, file_sha256(demo_csv), audits_bytes=demo_csv.read_bytes())
    return again, document.read(path)


def test_text_holding_an_identifier_is_drawn_in_memory_only_and_stops_the_run(params, demo_csv, tmp_path, own_run_cache):
    child = str(pd.read_csv(demo_csv, dtype=str)["child_id"].iloc[0])
    cache, edited = _rerun_setup(params, demo_csv, tmp_path, own_run_cache, f"See {child}.")
    seen: list[RunFigures] = []
    with pytest.raises(QAPackError, match="an identifier from the data"):
        figures_stage(params, demo_csv, PERIOD, edited, False, True, {}, cache, None, lambda figures, _: seen.append(figures))
    assert len(seen) == 1  # drawn while the identifiers were keyed; the runner then publishes nothing
    assert not list(tmp_path.glob("*.html"))


def test_the_blocks_are_drawn_from_the_figures_the_run_then_publishes_and_used_only_for_them(params, demo_csv, tmp_path, own_run_cache):
    cache, edited = _rerun_setup(params, demo_csv, tmp_path, own_run_cache, "Our own words on the returns.")
    seen: list[tuple[RunFigures, dict[str, list[str]] | None]] = []
    _, _, shown = figures_stage(params, demo_csv, PERIOD, edited, False, True, {}, cache, None, lambda *given: seen.append(given))
    assert len(seen) == 1 and isinstance(shown, RunFigures)  # drawn once
    drawn_from, paragraphs = seen[0]
    # With each section's drafts of those figures, made once (the commentary's check compared the text with them)
    assert paragraphs is not None and joined(paragraphs) == drafts(shown, params, PERIOD)
    assert any("Our own words on the returns." in t for t in drawn_from.commentary.values())
    assert same_figures(drawn_from, shown)  # from what was then published
    assert not same_figures(drawn_from, replace(shown, commentary={**shown.commentary, "compliance": "Other words."}))
    assert not same_figures(drawn_from, replace(shown, commentary_note="Published against changed data."))
    assert not same_figures(drawn_from, replace(shown, grades=copy.copy(shown.grades)))  # another computation
    assert not same_figures(drawn_from, object())  # a wider pack's published figures


@pytest.mark.slow
def test_each_sections_drafts_are_made_once_per_key_and_a_damaged_entry_is_drafted_again(
    params, demo_csv, tmp_path, own_run_cache, monkeypatch
):
    """The drafts are made from what the run key holds (the data, params, period and code): a re-run under the
    same key takes them from the cache; an entry of another shape is a miss, drafted again and kept."""
    from qa_lib.run import compute

    cache, edited = _rerun_setup(params, demo_csv, tmp_path, own_run_cache, "Our own words on the returns.")
    made: list[int] = []
    real = compute.draft_paragraphs

    def counted(*given):
        made.append(1)
        return real(*given)

    monkeypatch.setattr(compute, "draft_paragraphs", counted)

    def rerun(commentary: document.Commentary | None = edited) -> dict[str, list[str]] | None:
        again = RunCache(own_run_cache, "k" * 64, file_sha256(demo_csv), audits_bytes=demo_csv.read_bytes())
        seen: list[dict[str, list[str]] | None] = []
        figures_stage(params, demo_csv, PERIOD, commentary, False, True, {}, again, None, lambda _, paragraphs: seen.append(paragraphs))
        return seen[0]

    first = rerun()
    _, computed, _ = figures_stage(params, demo_csv, PERIOD, None, False, True, {})  # the same figures, no cache
    assert made == [1] and first is not None and joined(first) == drafts(computed, params, PERIOD)
    assert rerun() == first and made == [1]  # from the cache: not drafted again
    cache.store({compute.DRAFTS: (cache.run, b'{"key-messages": "not a list of paragraphs"}')})
    assert rerun() == first and made == [1, 1]  # drafted again
    assert rerun() == first and made == [1, 1]  # and kept
    assert rerun(None) == first and made == [1, 1]  # a re-run with no commentary (a register edit): the same drafts
