"""Deciding a wider pack's published figures, and the runner's last audit before publishing."""

from __future__ import annotations

from qa_lib.disclosure import relations
from qa_lib.disclosure.attacker import exposed
from qa_lib.disclosure.ledger import Ledger, apply_ledger, release_entry
from qa_lib.disclosure.problem import Key, Problem, ProtectionError
from qa_lib.disclosure.published import SYMBOL, PublishedFigures, sections
from qa_lib.disclosure.suppress import choose
from qa_lib.figures import RunFigures


def publish(figures: RunFigures, min_count: int = 5, earlier: Ledger | None = None) -> PublishedFigures:
    """Decide once, for the whole run, which counts a wider pack hides, together with every earlier wider
    release in the same folder (`earlier`: its ledger); return the figures it may show."""
    problem = relations.build(figures)
    period = f"{figures.months.months[0]}..{figures.months.months[-1]}"
    forced = apply_ledger(problem, earlier, min_count, period) if earlier is not None else set()
    hidden = choose(problem, min_count, forced=forced)
    shown_hidden = frozenset(k for k in hidden if problem.kind[k] == "cell")
    release_shown, release_hidden = release_entry(problem, hidden, period)
    return PublishedFigures(
        release_shown=release_shown,
        release_hidden=release_hidden,
        months=figures.months,
        data=dict(figures.data),
        hidden=shown_hidden,
        min_count=min_count,
        improvement=dict(figures.improvement),
        **sections(figures, shown_hidden),
    )


def protected(figures: RunFigures, min_count: int = 5, earlier: Ledger | None = None) -> PublishedFigures:
    """The figures a wider pack may show, decided once and audited as an attacker would before anything reads
    them (an attacker who also kept every earlier release in the folder: `earlier`): the way into a wider
    report for a notebook opened in JupyterLab. The runner takes the same two steps apart
    (`qa_lib.run.compute`): it audits while its notebooks draw from the published figures in its private
    folders, and publishes nothing unless the audit passes."""
    shown = publish(figures, min_count, earlier)
    audit(figures, shown, earlier)
    return shown


def audit(figures: RunFigures, published: PublishedFigures, earlier: Ledger | None = None) -> None:
    """The runner's last check before a wider pack is published: read what the published tables actually
    show (not what suppression meant them to), check every shown count against the figures, and run the
    attacker. Raises ProtectionError (nothing is published) if any hidden count can be narrowed below
    min_count, or a shown count is not the figure's."""
    problem: Problem = relations.build(figures)
    if earlier is not None:
        period = f"{figures.months.months[0]}..{figures.months.months[-1]}"
        apply_ledger(problem, earlier, published.min_count, period)  # what earlier releases showed, the attacker knows
    hidden = {k for k, kind in problem.kind.items() if kind == "aux"}
    shown: set[Key] = set()
    for name in relations.FRAMES:
        table = published.frame(name)
        for i, counts, _ in relations.cells(name, table):
            for col, key in counts.items():
                value = table.iloc[i][col]
                if isinstance(value, str) and value == SYMBOL:
                    hidden.add(key)
                elif int(value) != problem.value[key]:
                    raise ProtectionError(f"internal: the published {name} shows {value} for {key}; the figure is {problem.value[key]}")
                else:
                    shown.add(key)  # a count shown anywhere is shown, wherever else it is c
    hidden -= shown
    hidden = {k for k in hidden if problem.kind[k] != "fixed"}  # known from an earlier release: not unknown to anyone
    bad = exposed(problem, hidden, published.min_count)
    if bad:
        raise ProtectionError(
            f"audience: wider: {len(bad)} hidden count(s) could be worked out from the published figures "
            f"(e.g. {_describe(next(iter(sorted(bad))))}); nothing was published"
        )


def _describe(key: Key) -> str:
    return " ".join(str(part) for part in key)
