"""What every lesson view shares: the text alternative under a chart, control wiring, and display.

Each view exposes ``controls`` (the ipywidgets a learner moves), ``figure`` (a plotly figure drawn by a light
widget, manyhands.plotwidget, and updated in place), ``description`` (the chart in words, updated with it) and
``view`` (the box that is displayed).
"""

from __future__ import annotations

import html

import ipywidgets as w

from ..plotwidget import LiveFigure, live
from .a11y import view as _view

__all__ = ["DescribedFigure", "ModelView", "described"]


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


def _kept_in_records(record: str | None, saved, save, listener):
    """For a view kept in the learner's records file under the key ``record``: the value saved there (unless
    ``saved`` is given) and a function that saves under that key (unless ``save`` is given); ``listener(path)`` then
    hears of every change to the file, such as an upload.  Without ``record``, ``saved`` and ``save`` as given."""
    if record is None:
        return saved, save
    from .. import records

    records.on_change(listener)
    return (records.get(record) if saved is None else saved), (save or (lambda value: records.put(record, value)))


class ModelView(_Displayable):
    """Sliders for a thought-experiment model: ``controls`` run it, ``figure`` shows the run, ``summary`` and
    ``description`` say what it came to.  A subclass builds its controls and figure, then calls ``_finish(css)``, and
    gives ``_simulate(params)`` (may raise ``error``), ``_draw(run)`` (the figure, and the summary's HTML) and
    ``words(run)`` (the chart in words; ``run`` is None when the model refused the settings)."""

    error: type[Exception] = ValueError

    def _finish(self, css: str) -> None:
        self.summary = w.HTML()
        self.summary.add_class(f"{css}-summary")
        self.description = _description()
        self.view = _view([*self.controls.values(), self.figure, self.description, self.summary])
        self.run = None
        self._on_change()

    def params(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def _on_change(self, _change=None):
        try:
            run = self._simulate(self.params())
        except self.error as exc:
            self.run = None
            self.summary.value = f"<b>Cannot run the model:</b> {html.escape(str(exc))}"
            self.description.value = _p(self.words(None))
            return
        self.run = run
        self.summary.value = self._draw(run)
        self.description.value = _p(self.words(run))


class DescribedFigure(LiveFigure):
    """A chart that displays itself with its text alternative underneath (``description``, an HTML widget)."""

    description = None  # set by the function that builds the chart
    _mh_view = None

    def _repr_mimebundle_(self, **kwargs):
        return self._mh_view_box()._repr_mimebundle_(**kwargs)

    def _ipython_display_(self):
        from IPython.display import display

        display(self._mh_view_box())

    def _mh_view_box(self):
        self.flush()
        if self._mh_view is None:
            self._mh_view = _view([self, self.description])
        return self._mh_view


def described(fig, text: str) -> w.VBox:
    """A chart built in a lesson (a plotly ``go.Figure``), shown with its text alternative under it (see
    manyhands.views.describe); it is drawn by the course's light chart widget (manyhands.plotwidget)."""
    box = _description()
    box.value = _p(text)
    return _view([live(fig), box])
