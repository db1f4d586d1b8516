"""Calibration exercises: the charts, each with alt text stating its figures and a table behind it."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from qa_lib.render.charts import CATEGORICAL, DARK_BLUE, ORANGE, Chart, title_and_legend, wrap
from qa_lib.sections.calibration import display
from qa_lib.sections.calibration.figures import NOTICEABLE, RELIABLE, TENTATIVE, CalibrationFigures
from qa_lib.sections.calibration.words import item_name
from qa_lib.sections.grades.words import steps


def _limits(ax, vertical: bool) -> None:
    line = ax.axvline if vertical else ax.axhline
    line(TENTATIVE, color="#555555", linestyle=":", linewidth=1, label="0.67: tentative from here")
    line(RELIABLE, color="#555555", linestyle="--", linewidth=1, label="0.80: reliable from here")


def standards_chart(f: CalibrationFigures, exercise: str, names: dict[str, str], title: str) -> Chart:
    """Krippendorff's alpha per item for one exercise, with the 0.67 and 0.80 marks of Krippendorff's guide."""
    t = f.agreement[f.agreement["exercise_id"] == exercise]
    labels = [wrap(item_name(s, names)[:1].upper() + item_name(s, names)[1:], 40) for s in t["standard"]]
    values = t["alpha_ordinal"].fillna(0).to_numpy()
    fig = Figure(figsize=(8, 0.42 * len(t) + 1.4))
    ax = fig.subplots()
    y = np.arange(len(t))[::-1]
    colours = [ORANGE if v < TENTATIVE else DARK_BLUE for v in values]
    ax.barh(y, values, color=colours, height=0.6)
    for yi, v, raw in zip(y, values, t["alpha_ordinal"]):
        ax.text(max(v, 0) + 0.01, yi, "–" if raw != raw else f"{raw:.2f}", va="center", fontsize=9)
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlim(min(0.0, float(values.min()) - 0.05), 1.08)
    _limits(ax, vertical=True)
    ax.set_xlabel("Krippendorff's alpha (ordinal): 1 = full agreement, 0 = no better than chance", fontsize=9)
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.2 / (0.42 * len(t) + 1.4)), ncol=2)
    ax.set_title(wrap(title, 80), loc="left", fontsize=10)
    alt = f"{title}. " + "; ".join(
        f"{item_name(s, names)} {'not measured' if v != v else f'{v:.2f}'}" for s, v in zip(t["standard"], t["alpha_ordinal"])
    )
    return Chart(fig, alt + ".", title, data=display.agreement_table(f, exercise, names))


def trend_chart(f: CalibrationFigures, names: dict[str, str], title: str) -> Chart:
    """Alpha per exercise: the overall grade in bold, the standard least agreed on in the latest exercise in
    orange, the other standards in grey."""
    a = f.agreement
    x = np.arange(len(f.exercises))
    latest = a[(a["exercise_id"] == f.exercises[-1]) & (a["standard"] != "overall")].dropna(subset=["alpha_ordinal"])
    lowest = str(latest.sort_values("alpha_ordinal")["standard"].iloc[0]) if not latest.empty else ""
    fig = Figure(figsize=(8, 4.4))
    ax = fig.subplots()
    for item in f.items:
        series = a[a["standard"] == item].set_index("exercise_id")["alpha_ordinal"].reindex(list(f.exercises))
        if item == "overall":
            ax.plot(x, series, color=DARK_BLUE, marker="o", linewidth=2.5, label="Overall grade", zorder=3)
        elif item == lowest:
            ax.plot(x, series, color=ORANGE, marker="o", linewidth=2, label=f"{item_name(item, names)} (lowest, latest)", zorder=3)
        else:
            ax.plot(x, series, color="#BFBFBF", marker=".", linewidth=1)
    ax.plot([], [], color="#BFBFBF", marker=".", linewidth=1, label="Other standards")
    _limits(ax, vertical=False)
    ax.set_xticks(x, [wrap(e, 22) for e in f.exercises], fontsize=9)
    ax.set_ylim(min(0.0, float(a["alpha_ordinal"].min()) - 0.05) if a["alpha_ordinal"].notna().any() else 0, 1.02)
    ax.set_ylabel("Krippendorff's alpha (ordinal)")
    title_and_legend(ax, title)
    overall = a[a["standard"] == "overall"]
    alt = f"{title}. Overall grade: " + "; ".join(
        f"{e} {'not measured' if v != v else f'{v:.2f}'}" for e, v in zip(overall["exercise_id"], overall["alpha_ordinal"])
    )
    return Chart(fig, alt + ".", title, data=display.trend_table(f, names))


def positions_chart(f: CalibrationFigures, title: str) -> Chart:
    """Each auditor's mean steps from the group's grade, one marker per exercise, with half a step either side marked."""
    p = f.positions
    codes = list(dict.fromkeys(p["code"]))
    y = {c: i for i, c in enumerate(reversed(codes))}
    fig = Figure(figsize=(8, 0.4 * len(codes) + 1.6))
    ax = fig.subplots()
    markers = ["o", "s", "^", "D", "v", "P"]
    for k, ex in enumerate(f.exercises):
        part = p[p["exercise_id"] == ex]
        colour = CATEGORICAL[k % len(CATEGORICAL)]
        ax.scatter(part["mean_steps"], part["code"].map(y), marker=markers[k % len(markers)], color=colour, s=36, label=ex, zorder=3)
    ax.axvline(0, color="#555555", linewidth=1)
    for side in (-NOTICEABLE, NOTICEABLE):
        ax.axvline(side, color="#555555", linestyle=":", linewidth=1)
    ax.set_yticks(list(y.values()), list(y.keys()), fontsize=9)
    span = max(1.0, float(p["mean_steps"].abs().max()) + 0.2) if len(p) else 1.0
    ax.set_xlim(-span, span)
    ax.set_xlabel("Mean steps from the group's grade (− = harsher, + = more generous; dotted: half a step)")
    title_and_legend(ax, title)
    every = p[p["exercise_id"] == "all"]
    alt = f"{title}. Over all exercises: " + "; ".join(f"{r.code} {steps(r.mean_steps)} (n={r.gradings})" for r in every.itertuples())
    return Chart(fig, alt + ".", title, data=display.positions_table(f))
