"""Charts: seaborn on matplotlib in the Analysis Function style (afcharts).

Each function takes a figure frame from a section module and returns a `Chart`:
the figure plus alt text stating its main figures. Every percentage is labelled
with its n. Figures are built with `matplotlib.figure.Figure` (not pyplot), so a
notebook shows each chart exactly once, where `qa_lib.notebook.show_chart` puts it.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import cast

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from afcharts.af_colours import get_af_colours
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from .period import month_short
from .schema import GRADE_LABELS as GRADE_NAMES
from .schema import GRADES
from .stats import one_decimal, whole

plt.style.use("afcharts.afcharts")
# Labels come from params and may hold "$" (e.g. "£$ budget"): drawn as typed, never parsed as mathtext.
plt.rcParams["text.parse_math"] = False
CATEGORICAL = get_af_colours("categorical")
DARK_BLUE, ORANGE = get_af_colours("duo")
DPI = 100


@dataclass
class Chart:
    """A finished chart and the words that stand for it (alt text)."""

    figure: Figure
    alt: str
    title: str
    counts: tuple[int, ...] = ()  # every count the chart shows (labels or bar sizes), for disclosure control

    def png_base64(self) -> str:
        """The chart as PNG, reduced to a 256-colour palette (about 3x smaller, no visible change; the fast
        octree quantiser takes a third of the time of median cut for the same look)."""
        from PIL import Image

        raw = io.BytesIO()
        self.figure.savefig(raw, format="png", dpi=DPI, bbox_inches="tight")
        image = Image.open(io.BytesIO(raw.getvalue())).convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        out = io.BytesIO()
        image.save(out, format="PNG")
        return base64.b64encode(out.getvalue()).decode("ascii")


def _ints(*series) -> tuple[int, ...]:
    """All the counts a chart shows, as plain ints (NaN left out)."""
    out = []
    for values in series:
        out += [int(v) for v in np.asarray(values, dtype=float).ravel() if not np.isnan(v)]
    return tuple(out)


def _axis_months(months: list[str]) -> list[str]:
    return [month_short(m).replace(" ", "\n") for m in months]


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
                color="white",
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
    ax.legend(loc="upper right", frameon=False, fontsize=9)
    ax.set_xticks(x, _axis_months(monthly["audit_month"].tolist()), fontsize=8)
    ax.set_ylim(0, 112)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("Audits returned (% of distributed)")
    ax.set_xlabel("Audit month (labels: % returned, returned/distributed)")
    ax.set_title(title, loc="left")
    shown = monthly[monthly["distributed"] > 0]
    alt = (
        f"{title}. "
        + "; ".join(
            f"{month_short(m)} {whole(r)} ({k} of {n})"
            for m, r, k, n in zip(shown["audit_month"], shown["return_rate"], shown["returned"], shown["distributed"])
        )
        + "."
    )
    return Chart(fig, alt, title, counts=_ints(monthly["returned"], monthly["distributed"]))


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
    ax.set_xticklabels(_axis_months(months), rotation=0, fontsize=8)
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
    return Chart(fig, alt, title, counts=_ints(by_area["returned"], by_area["distributed"]))


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
    ax.set_xticks(x, _axis_months(part["audit_month"].tolist()))
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
    return Chart(fig, alt, title, counts=_ints(part["participated"], part["returned"]))


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
    ax.legend(title="Audit month", frameon=False)
    ax.set_title(title, loc="left")
    totals = reasons.groupby("reason")["count"].sum().sort_values(ascending=False)
    alt = f"{title}. Over the period: " + "; ".join(f"{r} {n}" for r, n in totals.items()) + "."
    return Chart(fig, alt, title, counts=_ints(reasons["count"]))


# ---------------------------------------------------------------- grades, moderation, standards

GRADE_ORDER = list(GRADES)
GRADE_COLOURS = {"O": "#12436D", "G": "#28A197", "RI": "#F46A25", "I": "#801650"}


def _stack(ax, x, frame: pd.DataFrame, horizontal: bool, width: float = 0.6) -> None:
    """Stacked % bars by grade, each segment labelled "n (x%)" where it is wide enough."""
    base = np.zeros(len(x))
    for g in GRADE_ORDER:
        seg = frame[g + "_pct"].to_numpy()
        counts = frame[g].to_numpy()
        if horizontal:
            ax.barh(x, seg, left=base, color=GRADE_COLOURS[g], label=GRADE_NAMES[g], height=width)
        else:
            ax.bar(x, seg, bottom=base, color=GRADE_COLOURS[g], label=GRADE_NAMES[g], width=width)
        for xi, b, v, c in zip(x, base, seg, counts):
            if v >= 9:
                pos = (b + v / 2, xi) if horizontal else (xi, b + v / 2)
                ax.text(
                    *pos,
                    f"{int(c)}\n({whole(v)})" if not horizontal else f"{int(c)} ({whole(v)})",
                    ha="center",
                    va="center",
                    color="white",
                    fontsize=7.5,
                )
        base = base + seg


def _wide(grades: pd.DataFrame) -> pd.DataFrame:
    """`overall_grades` by month: counts and the frame's own percentages (nothing recomputed)."""
    w = grades.pivot(index="audit_month", columns="grade", values="count").reindex(columns=GRADE_ORDER, fill_value=0)
    p = grades.pivot(index="audit_month", columns="grade", values="percent").reindex(columns=GRADE_ORDER).fillna(0)
    for g in GRADE_ORDER:
        w[g + "_pct"] = p[g]
    w["n"] = w[GRADE_ORDER].sum(axis=1)
    return w


def overall_grades_chart(before: pd.DataFrame, after: pd.DataFrame, months: list[str]) -> Chart:
    """Per month, two stacked bars: the auditors' overall grades and the grades after moderation."""
    title = "Overall grades by month, before and after moderation (number and % of returned audits)"
    b, a = _wide(before).reindex(months), _wide(after).reindex(months)
    rows = []
    for m in months:
        rows.append((f"{month_short(m)} before (n={int(b.at[m, 'n'])})", b.loc[m]))
        rows.append((f"{month_short(m)} after (n={int(a.at[m, 'n'])})", a.loc[m]))
    frame = pd.DataFrame([r for _, r in rows])
    fig = Figure(figsize=(9, 0.55 * len(rows) + 1.6))
    ax = fig.subplots()
    y = np.arange(len(rows))[::-1]
    _stack(ax, y, frame, horizontal=True)
    ax.set_yticks(y, [label for label, _ in rows], fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Returned audits (%); labels: number (%)")
    ax.set_ylabel("Audit month and grading")
    ax.legend(ncol=4, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=8)
    ax.set_title(title, loc="left", pad=28)
    alt = (
        f"{title}. "
        + "; ".join(
            f"{month_short(m)}: before {', '.join(f'{GRADE_NAMES[g]} {int(b.at[m, g])}' for g in GRADE_ORDER)}; "
            f"after {', '.join(f'{GRADE_NAMES[g]} {int(a.at[m, g])}' for g in GRADE_ORDER)}"
            for m in months
        )
        + "."
    )
    return Chart(fig, alt, title, counts=_ints(before["count"], after["count"]))


def grades_trend_chart(before: pd.DataFrame, months: list[str]) -> Chart:
    """Overall grades (before moderation) per month over the trend window, stacked to 100%."""
    title = "Overall audit grades by month, before moderation (% of returned audits)"
    w = _wide(before).reindex(months)
    fig = Figure(figsize=(9, 4.4))
    ax = fig.subplots()
    x = np.arange(len(months))
    _stack(ax, x, w.fillna(0).astype({g: int for g in GRADE_ORDER}), horizontal=False, width=0.7)
    ax.set_xticks(
        x,
        [f"{month_short(m).replace(' ', chr(10))}\nn={int(w.at[m, 'n']) if w.at[m, 'n'] == w.at[m, 'n'] else 0}" for m in months],
        fontsize=8,
    )
    ax.set_ylim(0, 100)
    ax.set_ylabel("Returned audits (%)")
    ax.set_xlabel("Audit month (n = returned audits; labels: number (%))")
    ax.legend(ncol=4, loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=8)
    ax.set_title(title, loc="left", pad=28)
    from .grades import good_or_outstanding

    go = good_or_outstanding(before)
    alt = (
        f"{title}. Good or outstanding: "
        + "; ".join(
            f"{month_short(m)} {k} of {n} ({whole(p)})"
            for m, k, n, p in zip(go["audit_month"], go["good_or_outstanding"], go["returned"], go["percent"])
            if n
        )
        + "."
    )
    return Chart(fig, alt, title, counts=_ints(before["count"]))


def moderation_matrix_chart(matrix: pd.DataFrame) -> Chart:
    """Auditor's grade against moderator's grade: counts, agreement on the diagonal."""
    title = "Auditor's overall grade against the grade after moderation (number of moderated audits)"
    fig = Figure(figsize=(6.2, 4.6))
    ax = fig.subplots()
    cmap = sns.blend_palette(["#FFFFFF", *get_af_colours("sequential")[::-1][1:]], as_cmap=True)
    sns.heatmap(matrix, annot=True, fmt="d", cmap=cmap, cbar=False, linewidths=0.5, linecolor="#BFBFBF", ax=ax, annot_kws={"fontsize": 10})
    for i in range(len(matrix)):
        ax.add_patch(matplotlib.patches.Rectangle((i, i), 1, 1, fill=False, edgecolor=ORANGE, linewidth=2))
    names = [GRADE_NAMES[g] for g in matrix.index]
    ax.set_yticklabels(names, rotation=0)
    ax.set_xticklabels([GRADE_NAMES[g] for g in matrix.columns], rotation=20, ha="right")
    ax.set_ylabel("Auditor's grade")
    ax.set_xlabel("Grade after moderation (outlined: unchanged)")
    ax.set_title(title, loc="left", fontsize=10)
    n = int(matrix.to_numpy().sum())
    same = int(np.trace(matrix.to_numpy()))
    changed = [
        f"{GRADE_NAMES[f]} to {GRADE_NAMES[t]} {int(matrix.at[f, t])}"
        for f in matrix.index
        for t in matrix.columns
        if f != t and matrix.at[f, t] > 0
    ]
    alt = f"{title}. {same} of {n} unchanged" + (f"; changed: {'; '.join(changed)}." if changed else ".")
    return Chart(fig, alt, title, counts=_ints(matrix.to_numpy().ravel()))


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
    short = [_wrap(labels[s], 48) for s in labels]
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
    return Chart(fig, alt, title, counts=_ints(table["graded"], table["good_or_outstanding"]))


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)[:3])


def comparator_chart(comp: pd.DataFrame, cohort: str, cohort_label: str, labels: dict[str, str]) -> Chart:
    """% Good/Outstanding per standard for each month the cohort was audited: grouped bars labelled with n."""
    c = comp[comp["cohort"] == cohort]
    months = sorted(c["audit_month"].unique())
    names = ", ".join(month_short(m).split()[0] for m in months[:-1]) + (" and " if len(months) > 1 else "") + month_short(months[-1])
    title = f"% {cohort_label} audits where case work was graded good or outstanding, {names}"
    # A standard with nothing graded in a month (N/A throughout) is a zero-length bar labelled "–", so every
    # month keeps one bar per standard and the labels line up.
    data = c.assign(
        month=c["audit_month"].map(month_short),
        label=c["standard"].map(lambda s: _wrap(str(labels.get(s, s)), 40)),
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
        order=[_wrap(labels.get(s, s), 40) for s in labels],
    )
    for container, m in zip(ax.containers, months):
        sub = c[c["audit_month"] == m].set_index("standard").reindex(list(labels))
        ax.bar_label(
            cast(BarContainer, container),
            labels=[("–" if pd.isna(p) else f"{whole(p)} (n={int(n)})") for p, n in zip(sub["pct_good_or_outstanding"], sub["graded"])],
            fontsize=7,
            padding=2,
        )
    ax.set_xlim(0, 110)
    ax.set_xlabel("Audits graded good or outstanding (% of audits graded on the standard)")
    ax.set_ylabel("Practice standard")
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(title="Audit month", frameon=False, loc="lower right", fontsize=8)
    ax.set_title(_wrap(title, 80), loc="left", fontsize=10)
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
    return Chart(fig, alt, title, counts=_ints(c["graded"], c["good_or_outstanding"]))


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
    ax.legend(title="Audit month", frameon=False, fontsize=8)
    ax.set_title(title, loc="left", fontsize=10)
    alt = f"{title}. Over the period: " + "; ".join(f"{label} {int(n)}" for label, n in total.items() if n) + "."
    return Chart(fig, alt, title, counts=_ints(counts["audits"]))


def sampling_chart(summary: pd.DataFrame) -> Chart:
    """Children left after each sampling rule (a funnel), each bar labelled with its number."""
    title = "Children left after each sampling rule"
    s = summary[summary["service_area"] == "All service areas"]
    labels = [_wrap(f"{k}. {r}", 45) for k, r in zip(s["step"], s["rule"])]
    fig = Figure(figsize=(9, 0.6 * len(s) + 1.5))
    ax = fig.subplots()
    y = np.arange(len(s))[::-1]
    ax.barh(y, s["after"], color=DARK_BLUE)
    for yi, v in zip(y, s["after"]):
        ax.text(v, yi, f" {int(v)}", va="center", fontsize=9)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("Children (number)")
    ax.set_ylabel("Sampling rule, in order")
    ax.set_title(title, loc="left")
    alt = f"{title}. " + "; ".join(f"step {k}: {int(v)}" for k, v in zip(s["step"], s["after"])) + "."
    return Chart(fig, alt, title, counts=_ints(s["after"]))
