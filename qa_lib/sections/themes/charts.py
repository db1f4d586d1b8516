"""Sections 3.2 and 4: key and recurring themes, and actions: the charts, each with alt text stating its figures."""

from __future__ import annotations

from typing import cast

import pandas as pd
import seaborn as sns
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from qa_lib.inputs.period import month_short
from qa_lib.render.charts import CATEGORICAL, Chart, title_and_legend
from qa_lib.sections.themes import display


def themes_chart(counts: pd.DataFrame, months: list[str]) -> Chart:
    """Audits whose free text mentions each recurring theme, by month (number; % of returned audits)."""
    title = "Recurring themes in auditors' comments: audits mentioning each theme, by month"
    total = counts.groupby("label")["audits"].sum().sort_values(ascending=False)
    order = total[total > 0].index.tolist() or total.index.tolist()
    data = counts[counts["label"].isin(order)].assign(month=counts["audit_month"].map(month_short))
    fig = Figure(figsize=(9, 0.45 * len(order) * max(1, len(months)) ** 0.6 + 1.8))
    ax = fig.subplots()
    sns.barplot(
        data=data,
        y="label",
        x="audits",
        hue="month",
        order=order,
        ax=ax,
        orient="h",
        palette=CATEGORICAL[: len(months)],
        hue_order=[month_short(m) for m in months],
    )
    for container in ax.containers:
        ax.bar_label(cast(BarContainer, container), fontsize=7, padding=2)
    ax.set_xlabel("Returned audits whose comments mention the theme (number)")
    ax.set_ylabel("Theme")
    title_and_legend(ax, title, ncol=4, legend_title="Audit month")
    alt = f"{title}. Over the period: " + "; ".join(f"{label} {int(n)}" for label, n in total.items() if n) + "."
    return Chart(fig, alt, title, data=display.themes_table(counts, months))
