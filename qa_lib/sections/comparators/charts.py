"""Sections 3.1.3 to 3.1.5: the same cohort across its audit months: the charts, each with alt text stating its
figures."""

from __future__ import annotations

from typing import cast

import pandas as pd
import seaborn as sns
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from qa_lib.inputs.period import month_short
from qa_lib.render.charts import CATEGORICAL, Chart, title_and_legend, wrap
from qa_lib.sections.comparators import display
from qa_lib.stats import whole, wilson_interval


def comparator_chart(comp: pd.DataFrame, cohort: str, cohort_label: str, labels: dict[str, str]) -> Chart:
    """% Good/Outstanding per standard for each month the cohort was audited: grouped bars with their 95% Wilson
    intervals, labelled with n."""
    c = comp[comp["cohort"] == cohort]
    months = sorted(c["audit_month"].unique())
    names = ", ".join(month_short(m).split()[0] for m in months[:-1]) + (" and " if len(months) > 1 else "") + month_short(months[-1])
    title = f"% {cohort_label} audits where case work was graded good or outstanding, {names}"
    # A standard with nothing graded in a month (N/A throughout) is a zero-length bar labelled "–", so every
    # month keeps one bar per standard and the labels line up.
    data = c.assign(
        month=c["audit_month"].map(month_short),
        label=c["standard"].map(lambda s: wrap(str(labels.get(s, s)), 40)),
        shown=c["pct_good_or_outstanding"].fillna(0.0),
    )
    fig = Figure(figsize=(9, 0.42 * len(labels) * max(1, len(months)) + 1.8))
    ax = fig.subplots()
    sns.barplot(
        data=data,
        y="label",
        x="shown",
        hue="month",
        ax=ax,
        orient="h",
        palette=CATEGORICAL[: len(months)],
        hue_order=[month_short(m) for m in months],
        order=[wrap(labels.get(s, s), 40) for s in labels],
    )
    xs, ys, below, above = [], [], [], []  # every bar's 95% interval, drawn in one call (one call a bar cost 0.2 s a chart)
    for container, m in zip(ax.containers, months):
        sub = c[c["audit_month"] == m].set_index("standard").reindex(list(labels))
        for patch, p, k, n in zip(
            cast(BarContainer, container).patches, sub["pct_good_or_outstanding"], sub["good_or_outstanding"], sub["graded"]
        ):
            y = patch.get_y() + patch.get_height() / 2
            if pd.isna(p) or not n:
                ax.text(1, y, "–", va="center", fontsize=7)
                continue
            lo, hi = wilson_interval(int(k), int(n))  # the 95% interval, so bars are not over-read
            xs.append(p)
            ys.append(y)
            below.append(p - lo)
            above.append(hi - p)
            ax.text(hi + 1.5, y, f"{whole(p)} (n={int(n)})", va="center", fontsize=7)
    if xs:
        ax.errorbar(xs, ys, xerr=[below, above], fmt="none", ecolor="#333333", elinewidth=0.8, capsize=2)
    ax.set_xlim(0, 125)  # room for each bar's label; the axis itself stops at 100%
    ax.set_xticks(range(0, 101, 20))
    ax.spines["bottom"].set_bounds(0, 100)
    ax.set_xlabel("% of graded audits graded good or outstanding (lines: 95% intervals)")
    ax.set_ylabel("Practice standard")
    ax.tick_params(axis="y", labelsize=8)
    title_and_legend(ax, title, ncol=4, legend_title="Audit month")
    last = c[c["audit_month"] == months[-1]]
    alt = (
        f"{title}. {month_short(months[-1])}: "
        + "; ".join(
            f"{labels.get(s, s)} {whole(p)} (n={int(n)})"
            for s, p, n in zip(last["standard"], last["pct_good_or_outstanding"], last["graded"])
            if n
        )
        + "."
    )
    data = display.comparator_table(comp, cohort, labels)
    return Chart(fig, alt, title, data=data)
