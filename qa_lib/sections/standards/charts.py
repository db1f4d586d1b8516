"""Section 3.1.2: practice standards month on month: the charts, each with alt text stating its figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from afcharts.af_colours import get_af_colours
from matplotlib.figure import Figure

from qa_lib.inputs.period import month_short
from qa_lib.render.charts import Chart, wrap
from qa_lib.stats import whole


def standards_heatmap(table: pd.DataFrame, labels: dict[str, str], months: list[str]) -> Chart:
    """% Good/Outstanding by standard (rows) and month (columns), each cell with its n graded."""
    title = "Audits graded good or outstanding, by practice standard and month (% of audits graded; n)"
    rate = table.pivot(index="standard", columns="audit_month", values="pct_good_or_outstanding").reindex(
        index=list(labels), columns=months
    )
    n = table.pivot(index="standard", columns="audit_month", values="graded").reindex(index=list(labels), columns=months)
    annot = np.array(
        [[("–" if pd.isna(rate.at[s, m]) else f"{whole(rate.at[s, m])}\nn={int(n.at[s, m])}") for m in months] for s in labels],
        dtype=object,
    )
    short = [wrap(labels[s], 48) for s in labels]
    fig = Figure(figsize=(max(7, 1.2 * len(months) + 5.5), 0.62 * len(labels) + 1.8))
    ax = fig.subplots()
    cmap = sns.blend_palette(["#FFFFFF", *get_af_colours("sequential")[::-1][1:]], as_cmap=True)
    sns.heatmap(
        rate.astype(float),
        annot=annot,
        fmt="",
        cmap=cmap,
        vmin=0,
        vmax=100,
        linewidths=0.5,
        linecolor="#FFFFFF",
        cbar_kws={"label": "% good or outstanding"},
        annot_kws={"fontsize": 8},
        ax=ax,
    )
    ax.set_yticklabels(short, rotation=0, fontsize=8)
    ax.set_xticklabels([month_short(m).replace(" ", "\n") for m in months], rotation=0, fontsize=8)
    ax.set_xlabel("Audit month (– = nothing graded)")
    ax.set_ylabel("Practice standard")
    ax.set_title(title, loc="left", fontsize=10)
    last = months[-1]
    alt = (
        f"{title}. {month_short(last)}: "
        + "; ".join(f"{labels[s]} {whole(rate.at[s, last])} (n={int(n.at[s, last])})" for s in labels if not pd.isna(rate.at[s, last]))
        + "."
    )
    t = table.assign(
        cell=[
            ("–" if n == 0 else f"{whole(p)} ({k}/{n})")
            for p, k, n in zip(table["pct_good_or_outstanding"], table["good_or_outstanding"], table["graded"])
        ]
    )
    data = t.pivot(index="standard", columns="audit_month", values="cell").reindex(index=list(labels), columns=months)
    data.index = [labels[s] for s in data.index]
    data.columns = [month_short(m) for m in months]
    return Chart(
        fig,
        alt,
        title,
        data=data.rename_axis("Standard: % good or outstanding").reset_index(),
    )
