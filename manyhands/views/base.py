"""What every lesson view shares: the text alternative under a chart, control wiring, and display.

Each view exposes ``controls`` (the ipywidgets a learner moves), ``figure`` (the FigureWidget, updated in
place), ``description`` (the chart in words, updated with it) and ``view`` (the box that is displayed).
"""

from __future__ import annotations

import html

import ipywidgets as w
import plotly.graph_objects as go

from .a11y import view as _view

__all__ = ["DescribedFigure", "described"]


def _description() -> w.HTML:
    """The text alternative under a chart (see manyhands.views.describe), updated with the chart."""
    box = w.HTML()
    box.add_class("mh-chart-description")
    return box


def _p(text: str) -> str:
    return f"<p style='margin:0.2em 0 0.8em;max-width:60em'><b>In words:</b> {html.escape(text)}</p>"


def _wrap(text: str, width: int = 70) -> str:
    import textwrap

    return "<br>".join(textwrap.wrap(html.escape(text), width))


def _wire(controls: dict, prefix: str, callback) -> None:
    """Give each control a CSS class (``prefix-name``, for the browser tests) and call ``callback`` on change."""
    for name, control in controls.items():
        control.add_class(f"{prefix}-{name}")
        control.observe(callback, names="value")


def _text_side(value: int) -> str:
    """Where a marker's label goes so that it stays inside the chart at either end of the scale."""
    return "top right" if value <= 3 else "top left" if value >= 7 else "top center"


class _Displayable:
    view: w.Widget

    def _repr_mimebundle_(self, **kwargs):
        return self.view._repr_mimebundle_(**kwargs)


class DescribedFigure(go.FigureWidget):
    """A FigureWidget that displays itself with its text alternative underneath (``description``, an HTML widget)."""

    description = None  # set by the function that builds the chart
    _mh_view = None

    def _repr_mimebundle_(self, **kwargs):
        if self._mh_view is None:
            self._mh_view = _view([self, self.description])
        return self._mh_view._repr_mimebundle_(**kwargs)


def described(fig, text: str) -> w.VBox:
    """A chart built in a lesson, shown with its text alternative under it (see manyhands.views.describe)."""
    box = _description()
    box.value = _p(text)
    return _view([fig, box])
