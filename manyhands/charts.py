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

# plotly's toolbar (the modebar) shows on hover at the top right of a chart, 2 to 24 px from its top edge, and
# about 270 px wide: in a narrow window it lay over the title.  The title starts under a band of this height, so
# the toolbar covers no text at any width.
TOOLBAR_BAND_PX = 26
_TITLE_PAD_PX = TOOLBAR_BAND_PX + 6

_template = go.layout.Template(
    layout=go.Layout(
        colorway=PALETTE,
        font=dict(family="Arial, Helvetica, sans-serif", size=14, color="#222"),
        title=dict(x=0.0, xanchor="left", xref="container", y=1.0, yanchor="top", yref="container",
                   pad=dict(t=_TITLE_PAD_PX, l=4), font=dict(size=18)),
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(showline=True, linecolor="#444", gridcolor="#e5e5e5", ticks="outside", tickangle=0,
                   automargin=True, title=dict(standoff=10)),
        yaxis=dict(showline=True, linecolor="#444", gridcolor="#e5e5e5", ticks="outside",
                   automargin=True, title=dict(standoff=12)),
        legend=dict(bgcolor="rgba(255,255,255,0.8)", orientation="h", x=0, xanchor="left", xref="paper",
                    y=1, yanchor="bottom", yref="paper", title=dict(side="top left")),
        margin=dict(l=70, r=30, t=70, b=110),
        hoverlabel=dict(font_size=13),
    )
)
pio.templates[TEMPLATE_NAME] = _template

# The layout is planned for the narrowest figure a learner is likely to see (a notebook in a half-width
# window): text that fits there fits at the usual ~970 px too, and a wider figure only adds white space.
PLANNED_WIDTH_PX = 640
_CHAR_PX = 0.58      # a generous average width of an Arial character, in ems
_LINE_PX = 1.35      # line height, in ems
SOURCE_SIZE = 11


class ChartError(ValueError):
    """A chart is missing its title, axis units or source."""


def style(fig, *, title: str, x_title: str, y_title: str | None, source: str, height: int = 420):
    """Apply the course template and the required labels to a figure, in place, and return it.

    Every course chart must have a title, both axis titles (with units where the axis measures
    something) and a source line; an empty one raises ChartError so the omission is caught in tests.
    ``y_title=None`` says the chart is one-dimensional: its y axis is hidden.  ``height`` is the height
    of the plotting area and its labels; the figure grows by whatever its legend and source line need.

    The texts are then laid out by ``fit`` (called here, and again by a widget whenever its traces change):
    title at the top, legend in rows under it and above the plot, category labels wrapped instead of
    rotated, the x-axis title under the tick labels and the source line under that, with the margins
    computed from the number of lines each needs, so that no text overlaps another or is cut off.
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
        xaxis_title_text=x_title,  # wrapped by fit, to the plot's width
        yaxis_title_text=y_title,
        meta=dict(plot_height=height),
    )
    if y_title is None:
        fig.update_yaxes(visible=False)
    text = source if source.lower().startswith("source") else f"Source: {source}"
    fig.add_annotation(
        text="<br>".join(_wrap(text, _chars(PLANNED_WIDTH_PX - 80, SOURCE_SIZE))),
        xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
        showarrow=False, font=dict(size=SOURCE_SIZE, color="#444"), align="left", name="source",
    )
    return fit(fig)


def _chars(width_px: float, size: float) -> int:
    return max(6, int(width_px / (size * _CHAR_PX)))


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(str(text), width, break_long_words=False) or [""]


def _is_number(value) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    try:
        float(str(value))
        return True
    except ValueError:
        return False


def _is_date(value) -> bool:
    import datetime as dt
    import re

    return isinstance(value, (dt.date, dt.datetime)) or bool(re.match(r"^\d{4}-\d{2}(-\d{2})?", str(value)))


def _values(fig, axis: str) -> list:
    out = []
    for trace in fig.data:
        if trace.visible is False:
            continue
        values = getattr(trace, axis, None)
        if values is not None:
            out.extend(list(values))
    return out


def _tick_lines(fig, axis: str, size: float) -> int:
    """Wrap the category labels of an axis (instead of rotating them); return the lines a tick label needs."""
    values = _values(fig, axis)
    layout_axis = fig.layout.xaxis if axis == "x" else fig.layout.yaxis
    categories = list(dict.fromkeys(str(v) for v in values))
    is_category = layout_axis.type == "category" or (
        categories and not all(_is_number(v) or _is_date(v) for v in values))
    if layout_axis.tickmode == "array" and layout_axis.ticktext:
        return max(str(t).count("<br>") + 1 for t in layout_axis.ticktext)
    if not is_category or not categories:
        return 2 if any(_is_date(v) for v in values) else 1
    if axis == "x":
        width = _chars(PLANNED_WIDTH_PX * 0.85 / len(categories) - 8, size)
    else:
        width = 28
    wrapped = ["<br>".join(_wrap(c, width)) for c in categories]
    if wrapped != categories:
        layout_axis.update(tickmode="array", tickvals=categories, ticktext=wrapped)
    return max(w.count("<br>") + 1 for w in wrapped)


def _left_px(fig, size: float) -> float:
    """About how wide the left margin grows for the y axis's tick labels and title (plotly's automargin)."""
    axis = fig.layout.yaxis
    if axis.visible is False:
        return 70
    if axis.tickmode == "array" and axis.ticktext:
        labels = [line for t in axis.ticktext for line in str(t).split("<br>")]
    else:
        labels = [str(v) for v in _values(fig, "y") if v is not None][:200]
    chars = max((len(t) for t in labels), default=4)
    return max(70.0, chars * size * _CHAR_PX + 12 + ((size * _LINE_PX + 12) if axis.title.text else 0))


def _legend_rows(fig, size: float) -> int:
    shown = [t for t in fig.data if t.visible is not False and t.showlegend is not False and t.name]
    if fig.layout.showlegend is False or not shown or (fig.layout.showlegend is None and len(shown) < 2):
        return 0
    rows, used = 1, 0.0
    room = PLANNED_WIDTH_PX - max(100.0, _left_px(fig, size) + 30)  # the legend starts where the plot does
    for trace in shown:
        entry = 40 + len(str(trace.name)) * size * _CHAR_PX
        if used and used + entry > room:
            rows, used = rows + 1, 0.0
        used += entry
    if fig.layout.legend.title.text:
        rows += 1
    return rows


def fit(fig):
    """Lay out a styled figure's texts for its current traces (see ``style``); call again when they change."""
    size = fig.layout.font.size or 14
    line = size * _LINE_PX
    with fig.batch_update():
        # no value printed on bars that stand side by side: neighbouring values collide when bars are narrow
        bars = [t for t in fig.data if t.type == "bar" and t.visible is not False]
        if len(bars) > 1 and fig.layout.barmode in (None, "group"):
            for trace in bars:
                trace.textposition = "none"
        x_lines = _tick_lines(fig, "x", size) if fig.layout.xaxis.visible is not False else 0
        if fig.layout.yaxis.visible is not False:
            _tick_lines(fig, "y", size)
        rows = _legend_rows(fig, size)
        title_h = _TITLE_PAD_PX + 18 * _LINE_PX + 10
        top = title_h + (rows * (line + 6) + 10 if rows else 0)
        source = next((a for a in fig.layout.annotations if a.name == "source"), None)
        source_lines = source.text.count("<br>") + 1 if source is not None else 0
        ticks_h = 6 + x_lines * line + 6 if x_lines else 0
        x_title = fig.layout.xaxis.title.text
        if x_title:  # centred under the plot: wrapped to the plot's planned width, else cut off in a narrow window
            room = PLANNED_WIDTH_PX - _left_px(fig, size) - 30
            x_title = "<br>".join(_wrap(x_title.replace("<br>", " "), _chars(room, size)))
            fig.layout.xaxis.title.text = x_title
        xtitle_h = (10 + line * (x_title.count("<br>") + 1)) if fig.layout.xaxis.visible is not False and x_title else 0
        if source is not None:
            source.yshift = -(ticks_h + xtitle_h + 8)
        bottom = ticks_h + xtitle_h + 8 + source_lines * SOURCE_SIZE * _LINE_PX + 12
        plot_h = (fig.layout.meta or {}).get("plot_height", 300) - 140
        fig.layout.margin.t = int(top)
        fig.layout.margin.b = int(bottom)
        fig.layout.height = int(max(plot_h, 160) + top + bottom)
    return fig


def figure_widget(**labels):
    """An empty chart with the course style (see ``style`` for the required labels), drawn by a light widget
    that redraws it in place when it changes (``manyhands.plotwidget.LiveFigure``)."""
    from .plotwidget import LiveFigure

    return style(LiveFigure(), **labels)


def source_of(fig) -> str:
    """The source line of a styled figure ('' if there is none)."""
    for ann in fig.layout.annotations:
        if ann.name == "source":
            return ann.text.replace("<br>", " ")
    return ""


def stagger(positions, rows=None, min_gap: float = 1.0, step: float = 0.25, levels: int = 5) -> list[float]:
    """Vertical offsets that keep markers close in position from covering each other.

    ``positions`` are the markers' x values (numbers), ``rows`` the row each stands in (markers in different rows
    never meet; ``None``: one row).  Within a row, markers are taken from left to right, and each goes to the first
    level (0, +step, -step, +2 step, …, ``levels`` in all) where the last marker is at least ``min_gap`` to its left;
    a marker that finds none goes to the level whose last marker is furthest left.  Returns one offset per marker,
    in the order given."""
    positions = [float(p) for p in positions]
    rows = [None] * len(positions) if rows is None else list(rows)
    if len(rows) != len(positions):
        raise ValueError("stagger needs one row per position")
    order = [0.0] + [sign * k * step for k in range(1, levels) for sign in (1, -1)][: max(levels - 1, 0)]
    offsets = [0.0] * len(positions)
    last: dict = {}
    for i in sorted(range(len(positions)), key=lambda i: positions[i]):
        used = last.setdefault(rows[i], {})
        free = [o for o in order if o not in used or positions[i] - used[o] >= min_gap]
        offset = free[0] if free else min(order, key=lambda o: used[o])
        used[offset] = positions[i]
        offsets[i] = offset
    return offsets
