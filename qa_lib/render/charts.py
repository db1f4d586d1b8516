"""Chart style and helpers shared by every section: seaborn on matplotlib in the Analysis Function style
(afcharts), and `Chart`, a finished chart with the words that stand for it."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from afcharts.af_colours import get_af_colours
from matplotlib.figure import Figure

from qa_lib.inputs.period import month_short

"""Charts: seaborn on matplotlib in the Analysis Function style (afcharts).

Each function takes a figure frame from a section module and returns a `Chart`:
the figure plus alt text stating its main figures. Every percentage is labelled
with its n. Figures are built with `matplotlib.figure.Figure` (not pyplot), so a
notebook shows each chart exactly once, where `qa_lib.notebook.show_chart` puts it.
"""
matplotlib.use("Agg")
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
    counts: tuple[int, ...] = ()  # every count the chart shows (labels or bar sizes) (part of the chart cache key)

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


def counts_in(*series) -> tuple[int, ...]:
    """All the counts a chart shows, as plain ints (NaN left out)."""
    out = []
    for values in series:
        out += [int(v) for v in np.asarray(values, dtype=float).ravel() if not np.isnan(v)]
    return tuple(out)


def axis_months(months: list[str]) -> list[str]:
    return [month_short(m).replace(" ", "\n") for m in months]


def wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)[:3])


def funnel_chart(points: pd.DataFrame, title: str, xlabel: str, ylabel: str) -> Chart:
    """A funnel plot: each group's % against its n, with the overall rate and its 95% and 99.8% limits
    (qa_lib.spc.funnel); points outside the limits are labelled with their name, every point with n in the
    alt text and the table beside it."""
    import math

    from qa_lib.spc import Z95, Z998
    from qa_lib.stats import whole

    fig = Figure(figsize=(8, 4.6))
    ax = fig.subplots()
    centre = float(points["centre"].iloc[0])
    p = centre / 100
    top = int(points["denominator"].max())
    ns = np.linspace(1, max(top * 1.15, 5), 200)
    for z, style, name in ((Z95, "--", "95% limits"), (Z998, ":", "99.8% limits")):
        half = np.array([100 * z * math.sqrt(p * (1 - p) / n) for n in ns])
        ax.plot(ns, np.clip(centre + half, 0, 100), style, color="#555555", linewidth=1, label=name)
        ax.plot(ns, np.clip(centre - half, 0, 100), style, color="#555555", linewidth=1)
    ax.axhline(centre, color=DARK_BLUE, linewidth=1, label=f"Overall {whole(centre)}")
    ax.scatter(points["denominator"], points["percent"], color=ORANGE, zorder=3, s=28)
    for r in points.itertuples():
        if r.position != "within":
            ax.annotate(str(r.group), (r.denominator, r.percent), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_xlim(0, max(top * 1.15, 5))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.set_title(wrap(title, 80), loc="left", fontsize=10)
    outside = [f"{r.group} ({r.position} limit)" for r in points.itertuples() if r.position != "within"]
    alt = (
        f"{title}. Overall {whole(centre)}. "
        + ("Outside the 95% limits: " + "; ".join(outside) + "." if outside else "Every group is within the 95% limits.")
        + " Points: "
        + "; ".join(f"{r.group} {whole(r.percent)} (n={r.denominator})" for r in points.itertuples())
        + "."
    )
    return Chart(fig, alt, title, counts=tuple(int(x) for x in points["denominator"]) + tuple(int(x) for x in points["numerator"]))
