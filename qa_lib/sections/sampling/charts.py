"""Drawing the monthly sample: the charts, each with alt text stating its figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from qa_lib.render.charts import DARK_BLUE, Chart, wrap
from qa_lib.sections.sampling import display


def sampling_chart(summary: pd.DataFrame) -> Chart:
    """Children left after each sampling rule (a funnel), each bar labelled with its number."""
    title = "Children left after each sampling rule"
    s = summary[summary["service_area"] == "All service areas"]
    labels = [wrap(f"{k}. {r}", 45) for k, r in zip(s["step"], s["rule"])]
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
    return Chart(fig, alt, title, data=display.sampling_table(summary))
