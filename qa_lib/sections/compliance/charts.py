"""Sections 1, 2.1 and 2.2: audit returns, exemptions and social worker participation: the charts, each with alt
text stating its figures."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd
import seaborn as sns
from afcharts.af_colours import get_af_colours
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from qa_lib.inputs.period import month_short
from qa_lib.render.charts import CATEGORICAL, DARK_BLUE, ORANGE, Chart, axis_months, text_on, title_and_legend
from qa_lib.sections.compliance import display
from qa_lib.stats import one_decimal, whole


def returns_trend(monthly: pd.DataFrame, target: float) -> Chart:
    """Return rate per month (bars, labelled "55%" and "38/69") against the target line."""
    title = f"Audit return rate by month, against the {whole(target)} target"
    fig = Figure(figsize=(9, 4.2))
    ax = fig.subplots()
    x = np.arange(len(monthly))
    rates = monthly["return_rate"].fillna(0).to_numpy()
    ax.bar(x, rates, color=DARK_BLUE, width=0.65)
    ax.axhline(target, color=ORANGE, linestyle="--", linewidth=2, label=f"Target {whole(target)}")
    for xi, (_, r) in zip(x.tolist(), monthly.iterrows()):
        if r["distributed"] == 0:
            ax.text(xi, 1.5, "no\naudits", ha="center", va="bottom", fontsize=8)
        elif r["return_rate"] >= 20:  # inside the bar, clear of the target line
            ax.text(
                xi,
                r["return_rate"] - 2,
                f"{whole(r['return_rate'])}\n{r['returned']}/{r['distributed']}",
                ha="center",
                va="top",
                fontsize=8,
                color=text_on(DARK_BLUE),
            )
        else:
            ax.text(
                xi,
                r["return_rate"] + 1.5,
                f"{whole(r['return_rate'])}\n{r['returned']}/{r['distributed']}",
                ha="center",
                va="bottom",
                fontsize=8,
            )
    ax.set_xticks(x, axis_months(monthly["audit_month"].tolist()), fontsize=8)
    ax.set_ylim(0, 112)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("Audits returned (% of distributed)")
    ax.set_xlabel("Audit month (labels: % returned, returned/distributed)")
    title_and_legend(ax, title, fontsize=12)
    shown = monthly[monthly["distributed"] > 0]
    alt = (
        f"{title}. "
        + "; ".join(
            f"{month_short(m)} {whole(r)} ({k} of {n})"
            for m, r, k, n in zip(shown["audit_month"], shown["return_rate"], shown["returned"], shown["distributed"])
        )
        + "."
    )
    data = pd.DataFrame(
        {
            "Month": [month_short(m) for m in monthly["audit_month"]],
            "Audits distributed": monthly["distributed"],
            "Audits returned": monthly["returned"],
            "% returned": ["–" if n == 0 else whole(r) for r, n in zip(monthly["return_rate"], monthly["distributed"])],
        }
    )
    return Chart(fig, alt, title, data=data)


def returns_heatmap(by_area: pd.DataFrame, areas: list[str], months: list[str]) -> Chart:
    """Service area by month: % of distributed audits returned, each cell labelled with returned/distributed."""
    title = "Audit returns by service area and month (% returned; returned/distributed)"
    rate = by_area.pivot(index="service_area", columns="audit_month", values="return_rate").reindex(index=areas, columns=months)
    ret = by_area.pivot(index="service_area", columns="audit_month", values="returned").reindex(index=areas, columns=months)
    dist = by_area.pivot(index="service_area", columns="audit_month", values="distributed").reindex(index=areas, columns=months)
    labels = rate.copy().astype(object)
    for a in areas:
        for m in months:
            labels.loc[a, m] = "–" if pd.isna(rate.loc[a, m]) else f"{whole(rate.loc[a, m])}\n{int(ret.loc[a, m])}/{int(dist.loc[a, m])}"
    fig = Figure(figsize=(max(6, 1.1 * len(months) + 3), 0.55 * len(areas) + 1.6))
    ax = fig.subplots()
    cmap = sns.blend_palette(["#FFFFFF", *get_af_colours("sequential")[::-1][1:]], as_cmap=True)
    sns.heatmap(
        rate.astype(float),
        ax=ax,
        annot=labels.to_numpy(),
        fmt="",
        cmap=cmap,
        vmin=0,
        vmax=100,
        linewidths=0.5,
        linecolor="#FFFFFF",
        cbar_kws={"label": "% returned"},
        annot_kws={"fontsize": 8},
    )
    ax.set_xticklabels(axis_months(months), rotation=0, fontsize=8)
    ax.set_xlabel("Audit month (– = no audits distributed)")
    ax.set_ylabel("Service area")
    ax.set_title(title, loc="left")
    full = by_area[(by_area["distributed"] > 0) & (by_area["returned"] == by_area["distributed"])]
    alt = f"{title}. " + (
        "Areas with 100% returns: "
        + "; ".join(f"{month_short(m)}: {', '.join(g['service_area'])}" for m, g in full.groupby("audit_month"))
        + "."
        if not full.empty
        else "No area returned every audit in any month shown."
    )
    data = display.area_returns_table(by_area, areas, months)
    return Chart(fig, alt, title, data=data)


def participation_chart(part: pd.DataFrame) -> Chart:
    """Social worker participation % per month, each bar labelled with participated/returned."""
    title = "Social workers who took part in their audit, by month"
    fig = Figure(figsize=(max(5, 0.8 * len(part) + 2), 3.8))
    ax = fig.subplots()
    x = np.arange(len(part))
    ax.bar(x, part["participation_rate"].fillna(0), color=CATEGORICAL[1], width=0.6)
    for xi, (_, r) in zip(x.tolist(), part.iterrows()):
        label = "no returns" if r["returned"] == 0 else f"{one_decimal(r['participation_rate'])}\n{r['participated']}/{r['returned']}"
        ax.text(xi, (r["participation_rate"] if r["returned"] else 0) + 1.5, label, ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, axis_months(part["audit_month"].tolist()))
    ax.set_ylim(0, 115)
    ax.set_ylabel("Returned audits with the social worker\ntaking part (%)")
    ax.set_xlabel("Audit month (labels: %, took part/returned)")
    ax.set_title(title, loc="left")
    alt = (
        f"{title}. "
        + "; ".join(
            f"{month_short(m)} {one_decimal(r)} ({k} of {n})"
            for m, r, k, n in zip(part["audit_month"], part["participation_rate"], part["participated"], part["returned"])
            if n
        )
        + "."
    )
    return Chart(fig, alt, title, data=display.participation_table(part))


def reasons_chart(reasons: pd.DataFrame, months: list[str]) -> Chart:
    """Non-participation reasons (categories, never free text): count per month, grouped bars."""
    title = "Why social workers did not take part in their audit, by month"
    fig = Figure(figsize=(9, 0.5 * max(1, reasons["reason"].nunique()) * max(1, len(months)) ** 0.5 + 2))
    ax = fig.subplots()
    if reasons.empty:
        ax.text(0.5, 0.5, "Every social worker took part", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(title, loc="left")
        return Chart(fig, f"{title}. Every social worker took part in the months shown.", title)
    order = reasons.groupby("reason")["count"].sum().sort_values(ascending=False).index.tolist()
    data = reasons.assign(month=reasons["audit_month"].map(month_short))
    sns.barplot(
        data=data,
        y="reason",
        x="count",
        hue="month",
        order=order,
        ax=ax,
        palette=CATEGORICAL[: len(months)],
        hue_order=[month_short(m) for m in months],
        orient="h",
    )
    for container in ax.containers:
        ax.bar_label(cast(BarContainer, container), fontsize=8, padding=2)
    ax.set_xlabel("Returned audits where the social worker did not take part (number)")
    ax.set_ylabel("Reason given")
    title_and_legend(ax, title, ncol=4, legend_title="Audit month", fontsize=12)
    totals = reasons.groupby("reason")["count"].sum().sort_values(ascending=False)
    alt = f"{title}. Over the period: " + "; ".join(f"{r} {n}" for r, n in totals.items()) + "."
    return Chart(fig, alt, title, data=display.reasons_table(reasons, months))
