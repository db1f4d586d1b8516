"""Every chart the reports draw, measured as the report shows it: no text under 11 CSS px once the PNG is
scaled to the report's 912 px width (the issue measured 6-7 px labels), and white text only on dark colours."""

from __future__ import annotations

import base64
import io

import matplotlib.text
import pytest
from PIL import Image

from qa_lib.render.charts import funnel_chart, p_chart_figure, p_chart_panels, text_on
from qa_lib.sections.comparators import charts as comparators
from qa_lib.sections.compliance import charts as compliance
from qa_lib.sections.grades import charts as grades
from qa_lib.sections.standards import charts as standards
from qa_lib.sections.themes import charts as themes


@pytest.fixture(scope="module")
def figures(params, demo_figures):
    return params, demo_figures


def every_chart(params, f):
    months, trend, areas = list(f.months.months), list(f.months.trend_with_data), list(params.service_areas)
    c = f.comparators.cohorts[0]
    yield compliance.returns_trend(f.compliance.monthly[f.compliance.monthly["audit_month"].isin(trend)], 80)
    yield compliance.returns_heatmap(f.compliance.by_area, areas, trend)
    yield compliance.participation_chart(f.compliance.participation_trend)
    yield compliance.reasons_chart(f.compliance.reasons, months)
    yield grades.overall_grades_chart(f.grades.before, f.grades.after, months)
    yield grades.grades_trend_chart(f.grades.trend, trend)
    yield grades.moderation_matrix_chart(f.grades.moderation_matrix)
    yield standards.standards_heatmap(f.standards.table, dict(params.standards), list(f.standards.months))
    yield comparators.comparator_chart(f.comparators.comp, c.cohort, c.label, dict(params.standards))
    yield themes.themes_chart(f.themes.counts, months)
    yield funnel_chart(f.compliance.funnel, f.compliance.funnel_curve, "Return rate by area", "Audits distributed", "Returned (%)")
    yield p_chart_figure(f.compliance.spc, "Return rate", "Returned (%)")
    yield p_chart_panels({params.short_name(k): v for k, v in f.standards.spc.items()}, "Standards")


@pytest.mark.slow
def test_no_chart_text_under_11_px_at_the_reports_width(figures):
    params, f = figures
    small = []
    for chart in every_chart(params, f):
        width = Image.open(io.BytesIO(base64.b64decode(chart.png_base64()))).size[0]
        scale = min(1.0, 912 / width)
        for t in chart.figure.findobj(matplotlib.text.Text):
            if t.get_visible() and t.get_text().strip():
                px = float(t.get_fontsize()) * 100 / 72 * scale  # 100 dpi, 72 points an inch
                if px < 10.95:
                    small.append(f"{chart.title[:40]}: {t.get_text()[:20]!r} {px:.1f}px")
    assert small == []


def test_text_colour_keeps_aa_contrast():
    # White on the dark navy and maroon; black on the light teal and orange (white on orange is about 2.9:1).
    assert text_on("#12436D") == "white" and text_on("#801650") == "white"
    assert text_on("#28A197") == "black" and text_on("#F46A25") == "black"


@pytest.mark.slow
def test_nothing_is_clipped_at_any_charts_edge(figures):
    """Issue 26: comparator charts were cut off inside the image (a title, the y-axis label). Every chart's PNG
    has a margin of background on all four sides: no text or mark touches the image's edge."""
    import numpy as np

    params, f = figures
    touching = []
    for chart in every_chart(params, f):
        image = np.asarray(Image.open(io.BytesIO(base64.b64decode(chart.png_base64()))).convert("L"))
        edges = {"top": image[0], "bottom": image[-1], "left": image[:, 0], "right": image[:, -1]}
        for side, pixels in edges.items():
            if (pixels < 200).any():  # anything darker than the pale background
                touching.append(f"{chart.title[:40]}: {side}")
    assert touching == []


def test_a_chart_of_hundreds_of_points_labels_only_those_that_stand_out():
    """A roll-up's funnel of hundreds of auditors or areas: labelling each (and checking each label against
    every other) would cover the chart and take quadratic work; only the points outside the limits are labelled."""
    from matplotlib.figure import Figure

    from qa_lib.render.charts import MAX_LABELLED, label_points

    fig = Figure()
    ax = fig.subplots()
    n = 5000
    xs, ys = [float(i % 97) for i in range(n)], [float(i % 13) for i in range(n)]
    keep = [i % 500 == 0 for i in range(n)]
    label_points(ax, xs, ys, [f"A{i}" for i in range(n)], keep=keep)
    assert len(ax.texts) == sum(keep) == 10
    fig2 = Figure()
    ax2 = fig2.subplots()
    label_points(ax2, xs[:MAX_LABELLED], ys[:MAX_LABELLED], [f"B{i}" for i in range(MAX_LABELLED)])
    assert len(ax2.texts) == MAX_LABELLED  # a chart of a few points labels every one


def _wide_chart():
    from matplotlib.figure import Figure

    from qa_lib.render.charts import Chart

    fig = Figure(figsize=(11, 3))
    ax = fig.subplots()
    ax.barh(["a long label for the first bar, to widen the box", "the second"], [3, 5])
    ax.set_title("A chart wider than the report, so its 8pt text is enlarged", fontsize=8)
    return Chart(figure=fig, alt="two bars", title="two bars")


def test_a_charts_pixels_are_the_ones_matplotlibs_own_png_holds():
    """The PNG is made from the pixels matplotlib drew, not from the PNG it would write: the same image, the
    same size, text enlarged the same way (against matplotlib's own PNG of the same chart and box)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    shown = Image.open(io.BytesIO(base64.b64decode(_wide_chart().png_base64())))
    own = _wide_chart()
    box = own.enlarge_text(FigureCanvasAgg(own.figure))
    png = io.BytesIO()
    own.figure.savefig(png, format="png", dpi=100, bbox_inches=box)
    expected = Image.open(png).convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    assert shown.size == expected.size and shown.size[0] > 912  # wide enough that its text was enlarged
    assert np.array_equal(np.asarray(shown.convert("RGB")), np.asarray(expected.convert("RGB")))


@pytest.mark.slow
def test_no_title_runs_into_the_legend_under_it_once_the_text_is_enlarged(figures):
    """A legend between the title and the plot grows with its enlarged text; the title must stay above it (the
    themes chart's title ran into the legend's "Audit month")."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    params, f = figures
    overlaps, legends = [], 0
    for chart in every_chart(params, f):
        chart.png_base64()  # drawn as the report draws it: text enlarged
        renderer = FigureCanvasAgg(chart.figure).get_renderer()
        for ax in chart.figure.axes:
            legend, title = ax.get_legend(), ax.get_title(loc="left")
            if legend is None or not title:
                continue
            legends += 1
            title_box = next(t for t in ax.findobj(matplotlib.text.Text) if t.get_text() == title)
            if title_box.get_window_extent(renderer).y0 < legend.get_window_extent(renderer).y1:
                overlaps.append(chart.title[:50])
    assert legends >= 3 and overlaps == []


def test_the_sizes_predicted_from_one_layout_are_the_steps_hand_worked():
    """`predicted_sizes` reaches what the enlargement steps reach, worked by hand. At 100 dpi a point is 100/72 px;
    the chart's width is its frame's, 96% of the figure's, as no text reaches past it. A chart 9 in wide (864 px)
    is shown at full size: 6 pt text (8.3 px) goes to 11 px, 7.92 pt, in one step. One 18.24 in wide (1,751 px)
    is shown at 912/1,751 of its size: 6 pt text needs 11 x 1,751/912 = 21.1 px, 15.21 pt (still under twice
    11 px, so enlarged), and a 20 pt title (27.8 px, over twice 11 px) is left as it is."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from qa_lib.render.charts import predicted_sizes

    for width_in, small_pt in ((9.0, 7.92), (18.24, 15.21)):
        fig = Figure(figsize=(width_in, 4), dpi=100)
        ax = fig.add_axes((0.02, 0.1, 0.96, 0.7), xticks=[], yticks=[])
        label = ax.text(0.5, 0.5, "Child seen alone", fontsize=6, ha="center")
        title = ax.text(0.5, 0.8, "Title", fontsize=20, ha="center")
        sizes = predicted_sizes(fig, FigureCanvasAgg(fig).get_renderer(), pad=0.0)
        assert sizes[label] == pytest.approx(small_pt, abs=0.05) and sizes[title] == 20
