"""Chart style and helpers shared by every section: seaborn on matplotlib in the Analysis Function style
(afcharts), and `Chart`, a finished chart with the words that stand for it."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pandas as pd
from afcharts.af_colours import get_af_colours
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Affine2D, Bbox
from PIL import Image

from qa_lib.inputs.period import month_short
from qa_lib.render.cells import MAX_LISTED, listed, unlisted
from qa_lib.render.words import VARIATION_WORDS, funnel_table, plain_signals
from qa_lib.spc import COMMON, CONCERN, IMPROVEMENT, TOO_FEW
from qa_lib.stats import whole

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


REPORT_WIDTH_PX = 912  # the report's content width (60rem less padding): wider images are scaled down to it
MIN_TEXT_PX = 11  # the smallest text a reader should meet, in CSS px at the report's width


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on the colour (WCAG contrast)."""
    from matplotlib.colors import to_rgb

    def lum(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lum(c) for c in to_rgb(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "white" if (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) else "black"


@dataclass
class Chart:
    """A finished chart and the words that stand for it (alt text)."""

    figure: Figure
    alt: str
    title: str
    data: pd.DataFrame | None = None  # the figures behind the chart, shown under it as a table ("Show the figures")

    def png_base64(self) -> str:
        """The chart as PNG, reduced to a 256-colour palette (about 3x smaller, no visible change; the fast
        octree quantiser takes a third of the time of median cut for the same look). Text too small to read at
        the report's width (under MIN_TEXT_PX once the image is scaled to fit) is enlarged before it is drawn."""
        out = io.BytesIO()
        self.pixels().convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
        return base64.b64encode(out.getvalue()).decode("ascii")

    def pixels(self) -> Image.Image:
        """The chart drawn once, as RGBA pixels, with every text enlarged until it is at least MIN_TEXT_PX at the
        report's width (`enlarge_text`). The pixels come straight from the drawing, not through a PNG matplotlib
        compresses and PIL reads back (the same pixels; about 0.04 s of CPU less a chart)."""
        canvas = FigureCanvasAgg(self.figure)
        box = self.enlarge_text(canvas)
        raw = io.BytesIO()
        self.figure.savefig(raw, format="rgba", dpi=DPI, bbox_inches=box)
        data = raw.getvalue()
        drawn = getattr(canvas, "renderer", None)  # the renderer savefig drew with: the cropped image's size
        height, width = np.asarray(drawn.buffer_rgba()).shape[:2] if drawn is not None else (0, 0)
        if width * height * 4 == len(data):
            return Image.frombuffer("RGBA", (width, height), data, "raw", "RGBA", 0, 1)
        png = io.BytesIO()  # never expected: matplotlib's own PNG of the same box
        self.figure.savefig(png, format="png", dpi=DPI, bbox_inches=box)
        return Image.open(png)

    def enlarge_text(self, canvas: FigureCanvasAgg) -> Bbox:
        """Enlarge every text under twice MIN_TEXT_PX by one factor until the smallest is MIN_TEXT_PX at the
        report's width; return the tight box (padded) the chart is then drawn to. Each step's factor is the
        smallest text's shortfall; enlarged text widens the chart, which is then scaled down more, so a wide
        chart took up to eleven layouts (about 0.03 s each) to get there. The steps are first worked out from
        one layout (`predicted_sizes`) and the sizes set at once; then, as before, the box is worked out from
        the layout alone (no pixels) and checked, with further steps until the smallest text is big enough."""
        fig = self.figure
        fig.set_dpi(DPI)
        pad = float(matplotlib.rcParams["savefig.pad_inches"])
        renderer = canvas.get_renderer()
        box = laid_out(fig, renderer, pad)
        if self.smallest_text_px_at(box.width * DPI) < MIN_TEXT_PX - 0.05:
            for t, size in predicted_sizes(fig, renderer, pad).items():
                t.set_fontsize(size)
            box = laid_out(fig, renderer, pad)
        for _ in range(10):
            smallest = self.smallest_text_px_at(box.width * DPI)
            if smallest >= MIN_TEXT_PX - 0.05:
                break
            texts = fig.findobj(matplotlib.text.Text)
            for t, size in zip(texts, enlarged([float(t.get_fontsize()) for t in texts], MIN_TEXT_PX / smallest)):
                t.set_fontsize(size)
            box = laid_out(fig, renderer, pad)
        return box

    def smallest_text_px_at(self, width_px: float) -> float:
        """The smallest text of the chart, in CSS px once an image `width_px` wide is scaled to the report's width."""
        texts = self.figure.findobj(matplotlib.text.Text)
        shown = [bool(t.get_text().strip()) and t.get_visible() for t in texts]
        return smallest_shown_px([float(t.get_fontsize()) for t in texts], shown, width_px)


def laid_out(fig: Figure, renderer: RendererAgg, pad: float) -> Bbox:
    """The chart's tight box (padded), its titles first put clear of the legends under them at the text's size now."""
    for ax in fig.axes:
        title_clear_of_legend(ax, renderer)
    return fig.get_tightbbox(renderer).padded(pad)


def enlarged(sizes: list[float], factor: float) -> list[float]:
    """One enlargement step: every text under twice MIN_TEXT_PX (in points) by `factor`, the rest as they are."""
    return [size * factor if size * DPI / 72 < 2 * MIN_TEXT_PX else size for size in sizes]


def smallest_shown_px(sizes: list[float], shown: list[bool], width_px: float) -> float:
    """The smallest of the shown texts' `sizes` (points), in CSS px once an image `width_px` wide is scaled to
    the report's width."""
    scale = min(1.0, REPORT_WIDTH_PX / round(width_px))
    return min((size for size, seen in zip(sizes, shown, strict=True) if seen), default=99.0) * DPI / 72 * scale


def predicted_sizes(fig: Figure, renderer: RendererAgg, pad: float) -> dict[matplotlib.text.Text, float]:
    """The sizes `Chart.enlarge_text`'s steps would reach, worked out from the layout just made: a text's extent
    grows with its size about the point it is anchored at (a tick label at its tick, a title above its axes),
    and the chart's width is then the widest of the texts and of everything else. A text laid out in a box of
    others (a legend) moves as well as grows, so the sizes are a prediction; the layout afterwards checks them."""
    texts = fig.findobj(matplotlib.text.Text)
    before = [float(t.get_fontsize()) for t in texts]
    shown = [bool(t.get_text().strip()) and t.get_visible() for t in texts]
    placed = [i for i, t in enumerate(texts) if t.get_visible() and t.get_in_layout() and t.get_text()]
    extents = np.array([texts[i].get_window_extent(renderer).intervalx for i in placed]).reshape(-1, 2)
    anchors = np.array([texts[i].get_transform().transform(texts[i].get_unitless_position())[0] for i in placed])
    for i in placed:
        texts[i].set_in_layout(False)
    try:
        rest = fig.get_tightbbox(renderer).transformed(Affine2D().scale(DPI))  # everything but the text, in px
    finally:
        for i in placed:
            texts[i].set_in_layout(True)

    def width_px(sizes: list[float]) -> float:
        if not placed:
            return float(rest.width) + 2 * pad * DPI
        grown = np.array([sizes[i] / before[i] for i in placed])[:, None]
        ends = anchors[:, None] + (extents - anchors[:, None]) * grown
        return float(max(rest.x1, ends[:, 1].max()) - min(rest.x0, ends[:, 0].min())) + 2 * pad * DPI

    sizes = before
    for _ in range(10):
        smallest = smallest_shown_px(sizes, shown, width_px(sizes))
        if smallest >= MIN_TEXT_PX - 0.05:
            break
        sizes = enlarged(sizes, MIN_TEXT_PX / smallest)
    return dict(zip(texts, sizes, strict=True))


def axis_months(months: list[str]) -> list[str]:
    return [month_short(m).replace(" ", "\n") for m in months]


def wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))  # every word kept: a title cut short says something else


def title_and_legend(ax: Axes, title: str, ncol: int = 3, legend_title: str | None = None, width: int = 80, fontsize: int = 10) -> None:
    """The chart's title, with its legend between the title and the plot, so a legend never sits over the data."""
    handles, labels = ax.get_legend_handles_labels()
    rows = 0
    if handles:
        cols = min(ncol, len(handles))
        rows = -(-len(handles) // cols) + (1 if legend_title else 0)
        ax.legend(
            handles,
            labels,
            ncol=cols,
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            frameon=False,
            fontsize=8,
            title=legend_title,
            title_fontsize=8,
            alignment="left",
        )
    ax.set_title(wrap(title, width), loc="left", fontsize=fontsize, pad=6 + 14 * rows)
    if handles:
        ax.set_gid(LEGEND_ABOVE)  # the title's gap follows the legend as its text is enlarged (`title_clear_of_legend`)


LEGEND_ABOVE = "qa-legend-above"  # an axes whose legend sits between its title and the plot (`title_and_legend`)
TITLE_GAP_PT = 6  # between the top of a legend above the plot and the title over it


def title_clear_of_legend(ax: Axes, renderer: RendererAgg) -> None:
    """Put the title of an axes `title_and_legend` drew just clear of its legend, at the legend's size now: the
    gap set for 8 pt legend text let enlarged legend text run into the title."""
    legend = ax.get_legend()
    if ax.get_gid() != LEGEND_ABOVE or legend is None:
        return
    box = legend.get_window_extent(renderer)
    top_pt = (box.y1 - ax.get_window_extent(renderer).y1) * 72 / DPI  # how far the legend reaches above the plot
    title = ax._left_title  # type: ignore[attr-defined]  # the left-hand title set_title(loc="left") made; matplotlib names it nowhere else
    ax.set_title(title.get_text(), loc="left", fontsize=title.get_fontsize(), pad=max(0.0, top_pt) + TITLE_GAP_PT)


MAX_LABELLED = MAX_LISTED  # points a chart labels one by one; beyond that, only those `keep` marks


def label_points(ax: Axes, xs: list[float], ys: list[float], labels: list[str], fontsize: int = 8, keep: list[bool] | None = None) -> None:
    """Every point labelled beside it: each label tries a few places round its point and takes the first that
    overlaps no label placed before it (sizes worked out in points, from the text's length). With more than
    MAX_LABELLED points (a regional roll-up's hundreds of auditors), only the points `keep` marks are labelled,
    at most MAX_LABELLED of them: the table behind the chart lists every one."""
    if len(xs) > MAX_LABELLED:
        marked = [i for i, k in enumerate(keep or [False] * len(xs)) if k][:MAX_LABELLED]
        xs, ys, labels = [xs[i] for i in marked], [ys[i] for i in marked], [labels[i] for i in marked]
    dpi_scale = ax.figure.dpi / 72
    placed: list[tuple[float, float, float, float]] = []
    order = sorted(range(len(xs)), key=lambda i: (xs[i], ys[i]))
    for i in order:
        px, py = ax.transData.transform((xs[i], ys[i]))
        w, h = 0.6 * fontsize * len(labels[i]) * dpi_scale, 1.25 * fontsize * dpi_scale
        chosen = None
        for dx, dy in ((5, 2), (5, -12), (-5, 2), (-5, -12), (5, 14), (5, -24), (-5, 14), (-5, -24), (5, 26), (5, -36)):
            left = px + dx * dpi_scale - (w if dx < 0 else 0)
            bottom = py + dy * dpi_scale
            box = (left, bottom, left + w, bottom + h)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                chosen = (dx, dy, box)
                break
        dx, dy, box = chosen or (5, 2, (px, py, px + w, py + h))
        placed.append(box)
        ax.annotate(
            labels[i], (xs[i], ys[i]), textcoords="offset points", xytext=(dx, dy), fontsize=fontsize, ha="right" if dx < 0 else "left"
        )


def funnel_chart(points: pd.DataFrame, curve: pd.DataFrame, title: str, xlabel: str, ylabel: str) -> Chart:
    """A funnel plot: each group's % against its n, with the overall rate and its 95% and 99.8% limits
    (qa_lib.spc.funnel and funnel_curve: exact binomial, widened when areas differ more than chance);
    every point labelled with its name beside it, with n in the alt text and the table behind the chart."""

    fig = Figure(figsize=(8, 4.6))
    ax = fig.subplots()
    centre = float(points["centre"].iloc[0])
    top = int(points["denominator"].max())
    ns = curve["n"].to_numpy()
    for which, style, name in (("95", "--", "95% limits"), ("998", ":", "99.8% limits")):
        ax.plot(ns, curve[f"upper{which}"].to_numpy(), style, color="#555555", linewidth=1, label=name)
        ax.plot(ns, curve[f"lower{which}"].to_numpy(), style, color="#555555", linewidth=1)
    ax.axhline(centre, color=DARK_BLUE, linewidth=1, label=f"Overall {whole(centre)}")
    ax.scatter(points["denominator"], points["percent"], color=ORANGE, zorder=3, s=28)
    ax.set_ylim(0, 105)
    ax.set_xlim(0, max(top * 1.15, 5))
    off = [str(p) != "within" for p in points["position"]]
    label_points(
        ax,
        [float(x) for x in points["denominator"]],
        [float(y) for y in points["percent"]],
        [str(g) for g in points["group"]],
        keep=off,
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    title_and_legend(ax, title)
    shown = listed(points, off)
    outside = [f"{r.group} ({r.position} limit)" for r in shown.itertuples() if r.position != "within"]
    alt = (
        f"{title}. Overall {whole(centre)}. "
        + ("Outside the 95% limits: " + "; ".join(outside) + "." if outside else "Every group is within the 95% limits.")
        + (
            " Points: " + "; ".join(f"{r.group} {whole(r.percent)} (n={r.denominator})" for r in shown.itertuples()) + "."
            if len(shown) == len(points)
            else " " + unlisted(len(points), len(shown), "groups")
        )
    )
    return Chart(fig, alt, title, data=funnel_table(shown, f"{ylabel} (count/n)"))


def _draw_p_chart(ax: Axes, chart: pd.DataFrame, fontsize: int = 8, small: bool = False) -> None:
    """Points, average and limits; months that stand out coloured by the measure's better direction
    (Making Data Count: blue an improvement, orange a concern)."""

    x = np.arange(len(chart))
    ax.plot(x, chart["percent"], color="#8a8a8a", marker="o", markersize=4, linewidth=1.5, label="% by month")
    ax.plot(x, chart["centre"], color="#555555", linewidth=1, label="Average")
    ax.step(x, chart["upper"], where="mid", color="#555555", linestyle="--", linewidth=1, label="Usual range")
    ax.step(x, chart["lower"], where="mid", color="#555555", linestyle="--", linewidth=1)
    for kind, colour, name in ((IMPROVEMENT, DARK_BLUE, "Stands out: improvement"), (CONCERN, ORANGE, "Stands out: concern")):
        marked = (chart["variation"] == kind).to_numpy()
        if marked.any():
            ax.scatter(x[marked], chart.loc[marked, "percent"], color=colour, s=40, zorder=3, label=name)
    names = [month_short(m).split()[0] for m in chart["audit_month"]]
    if small:  # a small panel: every other month named, so the names never run together
        names = [n if (len(names) - 1 - i) % 2 == 0 else "" for i, n in enumerate(names)]
    ax.set_xticks(x, names, fontsize=fontsize)
    ax.set_ylim(0, 100)


def p_chart_figure(chart: pd.DataFrame, title: str, ylabel: str) -> Chart:
    """A p-chart (qa_lib.spc.p_chart): the monthly %, its average and usual range, months that stand out
    coloured by whether they are an improvement or a concern."""

    fig = Figure(figsize=(9, 4.2))
    ax = fig.subplots()
    _draw_p_chart(ax, chart)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Audit month (each month's n is in the table below the chart)")
    title_and_legend(ax, title)
    flagged = chart[~chart["variation"].isin([COMMON, TOO_FEW])]
    lead = f"{title}. Average {whole(float(chart['centre'].iloc[0]))} over {len(chart)} months. "
    if (chart["variation"] == TOO_FEW).all():
        said = "Too few months to judge whether any month is unusual."
    elif len(flagged):
        said = (
            "Months that stand out: "
            + "; ".join(
                f"{month_short(r['audit_month'])} {whole(r['percent'])} ({VARIATION_WORDS[r['variation']]}: {', '.join(plain_signals(r))})"
                for _, r in flagged.iterrows()
            )
            + "."
        )
    else:
        said = "No month stands out."
    return Chart(fig, lead + said, title, data=spc_table(chart))


def spc_table(chart: pd.DataFrame, name: str | None = None) -> pd.DataFrame:
    """The figures behind a p-chart: each month's % with n, the average, the usual range and whether the
    month stands out (as an improvement or a concern, and why)."""

    stands = []
    for _, r in chart.iterrows():
        why = plain_signals(r)
        stands.append(f"{VARIATION_WORDS[r['variation']]}: {'; '.join(why)}" if why else VARIATION_WORDS[r["variation"]])
    out = pd.DataFrame(
        {
            "Month": [month_short(m) for m in chart["audit_month"]],
            "%": [f"{whole(p)} ({k}/{n})" for p, k, n in zip(chart["percent"], chart["numerator"], chart["denominator"])],
            "Average": [whole(x) for x in chart["centre"]],
            "Usual range": [f"{whole(lo)[:-1]}–{whole(hi)}" for lo, hi in zip(chart["lower"], chart["upper"])],
            "Stands out": stands,
        }
    )
    if name is not None:
        out.insert(0, "Standard", name)
    return out


def p_chart_panels(charts: dict[str, pd.DataFrame], title: str) -> Chart:
    """One small p-chart per standard, on the same scale, three to a row."""

    names = [k for k, c in charts.items() if len(c) >= 2]
    rows = max(1, -(-len(names) // 3))
    fig = Figure(figsize=(10, 2.6 * rows + 0.6))
    axes = np.atleast_1d(fig.subplots(rows, 3, sharey=True)).ravel()
    for ax, name in zip(axes, names):
        _draw_p_chart(ax, charts[name], fontsize=6, small=True)
        ax.set_title(wrap(name, 30), loc="left", fontsize=8)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    fig.suptitle(wrap(title, 90), x=0.01, ha="left", fontsize=10)
    fig.tight_layout()
    parts = []
    for name in names:
        c = charts[name]
        flagged = c[c["signal"].astype(str) != ""]
        if (c["variation"] == "too_few_points").all():
            parts.append(f"{name}: average {whole(float(c['centre'].iloc[0]))}, too few months to judge")
            continue
        parts.append(
            f"{name}: average {whole(float(c['centre'].iloc[0]))}"
            + (f", {len(flagged)} month(s) stand out" if len(flagged) else ", no month stands out")
        )
    data = pd.concat([spc_table(charts[n], n) for n in names], ignore_index=True) if names else None
    return Chart(fig, f"{title}. " + "; ".join(parts) + ".", title, data=data)
