"""Sections 2.3 and 3.1.1: moderation, agreement and overall grades: the charts, each with alt text stating its
figures."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
from afcharts.af_colours import get_af_colours
from matplotlib.figure import Figure

from qa_lib.inputs.period import month_short
from qa_lib.inputs.schema import GRADE_LABELS, GRADES
from qa_lib.render.cells import listed, unlisted
from qa_lib.render.charts import ORANGE, Chart, text_on
from qa_lib.sections.grades import display
from qa_lib.sections.grades.auditors import BAND, band, band_middle
from qa_lib.sections.grades.figures import good_or_outstanding
from qa_lib.sections.grades.words import steps
from qa_lib.stats import Z_95, Z_998, whole

GRADE_ORDER = list(GRADES)


GRADE_COLOURS = {"O": "#12436D", "G": "#28A197", "RI": "#F46A25", "I": "#801650"}


def _stack(ax, x, frame: pd.DataFrame, horizontal: bool, width: float = 0.6) -> None:
    """Stacked % bars by grade, each segment labelled "n (x%)" where it is wide enough."""
    base = np.zeros(len(x))
    for g in GRADE_ORDER:
        seg = frame[g + "_pct"].to_numpy()
        counts = frame[g].to_numpy()
        if horizontal:
            ax.barh(x, seg, left=base, color=GRADE_COLOURS[g], label=GRADE_LABELS[g], height=width)
        else:
            ax.bar(x, seg, bottom=base, color=GRADE_COLOURS[g], label=GRADE_LABELS[g], width=width)
        for xi, b, v, c in zip(x, base, seg, counts):
            if v >= 9:
                pos = (b + v / 2, xi) if horizontal else (xi, b + v / 2)
                ax.text(
                    *pos,
                    f"{int(c)}\n({whole(v)})" if not horizontal else f"{int(c)} ({whole(v)})",
                    ha="center",
                    va="center",
                    color=text_on(GRADE_COLOURS[g]),  # AA contrast: black on the light teal and orange
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
            f"{month_short(m)}: before {', '.join(f'{GRADE_LABELS[g]} {int(b.at[m, g])}' for g in GRADE_ORDER)}; "
            f"after {', '.join(f'{GRADE_LABELS[g]} {int(a.at[m, g])}' for g in GRADE_ORDER)}"
            for m in months
        )
        + "."
    )
    return Chart(fig, alt, title, data=display.overall_grades_table(before, after))


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
    data = before.pivot(index="audit_month", columns="grade", values="count").reindex(columns=list(GRADES)).fillna(0).astype(int)
    data.columns = [GRADE_LABELS[x] for x in data.columns]
    data.index = [month_short(m) for m in data.index]
    return Chart(fig, alt, title, data=data.rename_axis("Month").reset_index())


def moderation_matrix_chart(matrix: pd.DataFrame) -> Chart:
    """Auditor's grade against moderator's grade: counts, agreement on the diagonal."""
    title = "Auditor's overall grade against the grade after moderation (number of moderated audits)"
    fig = Figure(figsize=(6.2, 4.6))
    ax = fig.subplots()
    cmap = sns.blend_palette(["#FFFFFF", *get_af_colours("sequential")[::-1][1:]], as_cmap=True)
    sns.heatmap(matrix, annot=True, fmt="d", cmap=cmap, cbar=False, linewidths=0.5, linecolor="#BFBFBF", ax=ax, annot_kws={"fontsize": 10})
    for i in range(len(matrix)):
        ax.add_patch(matplotlib.patches.Rectangle((i, i), 1, 1, fill=False, edgecolor=ORANGE, linewidth=2))
    names = [GRADE_LABELS[g] for g in matrix.index]
    ax.set_yticklabels(names, rotation=0)
    ax.set_xticklabels([GRADE_LABELS[g] for g in matrix.columns], rotation=20, ha="right")
    ax.set_ylabel("Auditor's grade")
    ax.set_xlabel("Grade after moderation (outlined: unchanged)")
    ax.set_title(title, loc="left", fontsize=10)
    n = int(matrix.to_numpy().sum())
    same = int(np.trace(matrix.to_numpy()))
    changed = [
        f"{GRADE_LABELS[f]} to {GRADE_LABELS[t]} {int(matrix.at[f, t])}"
        for f in matrix.index
        for t in matrix.columns
        if f != t and matrix.at[f, t] > 0
    ]
    alt = f"{title}. {same} of {n} unchanged" + (f"; changed: {'; '.join(changed)}." if changed else ".")
    return Chart(fig, alt, title, data=display.matrix_table(matrix))


def auditor_funnel_chart(points: pd.DataFrame, title: str) -> Chart:
    """Each auditor's mean grade shift under moderation against their number of moderated audits, with the team's
    mean and its 95% and 99.8% limits at each n: points beyond the limits are more than chance explains. Every
    point is labelled with its pseudonymous code (beyond MAX_LISTED auditors, those beyond the limits); the
    figures behind it list the same points."""
    from qa_lib.render.charts import DARK_BLUE, label_points, title_and_legend  # heavy: matplotlib's set-up, only when drawn

    fig = Figure(figsize=(8, 4.6))
    ax = fig.subplots()
    centre = float(points["centre"].iloc[0])
    sd = float(points["sd"].iloc[0])
    top = int(points["moderated"].max())
    ns = np.linspace(2, max(top * 1.15, 8), 200)
    for z, style, name in ((Z_95, "--", "95% limits"), (Z_998, ":", "99.8% limits")):
        ax.plot(ns, centre + z * sd / np.sqrt(ns), style, color="#555555", linewidth=1, label=name)
        ax.plot(ns, centre - z * sd / np.sqrt(ns), style, color="#555555", linewidth=1)
    ax.axhline(centre, color=DARK_BLUE, linewidth=1, label=f"Team mean {steps(centre)}")
    ax.axhline(0, color="#BFBFBF", linewidth=0.8)
    xs = [band_middle(n) for n in points["moderated"]]  # drawn at the middle of each count's band, never the count
    ax.scatter(xs, points["mean_shift"], color=ORANGE, zorder=3, s=28)
    span = max(1.0, float(points["mean_shift"].abs().max()) + 0.25)
    ax.set_ylim(-span, span)
    ax.set_xlim(0, max(top * 1.15, 8))
    codes = [str(c).removeprefix("Auditor ") for c in points["code"]]
    ys = [float(y) for y in points["mean_shift"]]
    label_points(ax, [float(x) for x in xs], ys, codes, fontsize=9, keep=points["stands_out"].tolist())
    ax.set_xlabel(f"Moderated audits (in bands of {BAND})")
    ax.set_ylabel("Mean grade shift (steps; + = moderator higher)")
    title_and_legend(ax, title)
    # A roll-up's thousands of auditors: only those the table names (beyond the 95% limits, 5% of thousands would
    # be there by chance alone), in code order.
    shown = listed(points, points["stands_out"].tolist())
    beyond = [r.code for r in shown.itertuples() if not (r.lower95 <= r.mean_shift <= r.upper95)]
    alt = (
        f"{title}. Team mean {steps(centre)} steps. "
        + ("Beyond the 95% limits: " + ", ".join(beyond) + "." if beyond else "Every auditor is within the 95% limits.")
        + (
            " Points: " + "; ".join(f"{r.code} {steps(r.mean_shift)} ({band(r.moderated)} moderated)" for r in shown.itertuples()) + "."
            if len(shown) == len(points)
            else " " + unlisted(len(points), len(shown), "auditors")
        )
    )
    data = pd.DataFrame(
        {
            "Auditor": shown["code"],
            "Moderated audits": [band(n) for n in shown["moderated"]],
            "Mean shift (steps)": [steps(v) for v in shown["mean_shift"]],
        }
    )
    return Chart(fig, alt, title, data=data)
