"""The course's shared plotly look: a colour-blind-safe palette, titles, unit labels and a source line.

The palette is Okabe and Ito's (2008), designed to stay distinguishable for the common forms
of colour-vision deficiency.  Charts never rely on colour alone: traces that must be told apart
also differ by marker symbol or dash.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008) "Color Universal Design", without yellow (too pale on white).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star", "cross"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]

TEMPLATE_NAME = "manyhands"

_template = go.layout.Template(
    layout=go.Layout(
        colorway=PALETTE,
        font=dict(family="Arial, Helvetica, sans-serif", size=14, color="#222"),
        title=dict(x=0.0, xanchor="left", font=dict(size=18)),
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(showline=True, linecolor="#444", gridcolor="#e5e5e5", ticks="outside"),
        yaxis=dict(showline=True, linecolor="#444", gridcolor="#e5e5e5", ticks="outside"),
        legend=dict(bgcolor="rgba(255,255,255,0.8)"),
        margin=dict(l=70, r=30, t=70, b=110),
        hoverlabel=dict(font_size=13),
    )
)
pio.templates[TEMPLATE_NAME] = _template


class ChartError(ValueError):
    """A chart is missing its title, axis units or source."""


def style(fig, *, title: str, x_title: str, y_title: str | None, source: str, height: int = 420):
    """Apply the course template and the required labels to a figure, in place, and return it.

    Every course chart must have a title, both axis titles (with units where the axis measures
    something) and a source line; an empty one raises ChartError so the omission is caught in tests.
    ``y_title=None`` says the chart is one-dimensional: its y axis is hidden.
    """
    labels = [("title", title), ("x_title", x_title), ("source", source)]
    if y_title is not None:
        labels.append(("y_title", y_title))
    for label, value in labels:
        if not isinstance(value, str) or not value.strip():
            raise ChartError(f"A course chart needs a non-empty {label}.")
    fig.update_layout(
        template=TEMPLATE_NAME,
        title_text=title,
        xaxis_title_text=x_title,
        yaxis_title_text=y_title,
        height=height,
    )
    if y_title is None:
        fig.update_yaxes(visible=False)
    fig.add_annotation(
        text=source if source.lower().startswith("source") else f"Source: {source}",
        xref="paper", yref="paper", x=0, y=-0.28, xanchor="left", yanchor="top",
        showarrow=False, font=dict(size=11, color="#444"), align="left", name="source",
    )
    return fig


def figure_widget(**labels) -> go.FigureWidget:
    """An empty FigureWidget with the course style (see ``style`` for the required labels)."""
    return style(go.FigureWidget(), **labels)


def source_of(fig) -> str:
    """The source line of a styled figure ('' if there is none)."""
    for ann in fig.layout.annotations:
        if ann.name == "source":
            return ann.text
    return ""
