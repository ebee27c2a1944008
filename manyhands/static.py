"""The course's views as plain HTML, for the website (``make site``): charts drawn from their data, controls at their
starting settings, every "In words" text and table kept.

The website's builder runs each lesson in a kernel whose environment holds ``MANYHANDS_STATIC=1``; importing
``manyhands`` then calls ``install()``, and from that moment every ipywidget (and every plotly figure) the lesson
displays is shown as HTML instead of as a live widget:

- a chart becomes a ``<div>`` drawn by the site's own plotly.js (one copy, served by the site, never a CDN);
- an HTML widget (an "In words" text, a summary, a table) keeps its HTML;
- a control becomes one line, "its name: its starting value", and the view says once how to move the controls;
- a panel that needs a running kernel (the records panel, a download link) says so in one line.

Nothing here runs in JupyterLab or in grading: without the variable, ``install()`` is never called.
"""

from __future__ import annotations

import html
import os

__all__ = ["ENV", "active", "install", "widget_html", "figure_html"]

ENV = "MANYHANDS_STATIC"
MOVE_LINE = ("These controls move when you run the lesson yourself, in JupyterLab or on Binder (see “How to start” on "
             "the course's home page). Here they stand at their starting settings.")
NEEDS_KERNEL = "This panel works when you run the lesson yourself in JupyterLab or on Binder."

_count = 0


def active() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


def _chart_id() -> str:
    global _count
    _count += 1
    return f"mh-chart-{os.getpid()}-{_count}"


def figure_html(text: str) -> str:
    """A chart as a div and a script that draws it with the page's plotly.js (``window.Plotly``)."""
    cid = _chart_id()
    # the JSON goes inside a <script>: keep "</" from closing it early
    payload = text.replace("</", "<\\/")
    return (f'<div class="mh-static-chart" id="{cid}"></div>'
            f'<script type="text/javascript">(function () {{ var f = {payload}; '
            f'Plotly.newPlot("{cid}", f.data || [], f.layout || {{}}, {{responsive: true, displaylogo: false, '
            f'displayModeBar: false}}); }})();</script>')


def _value_text(control) -> str:
    label = getattr(control, "label", None)  # a selection widget's label(s), as the learner sees them
    if isinstance(label, str):
        return label
    if isinstance(label, tuple):
        return ", ".join(label) or "nothing chosen"
    value = getattr(control, "value", None)
    fmt = getattr(control, "readout_format", None)
    if isinstance(value, tuple):
        return " to ".join(_fmt(v, fmt) for v in value)
    if value is None or value == "":
        return "nothing chosen" if value is None else "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _fmt(value, fmt)


def _fmt(value, fmt) -> str:
    if fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return format(value, fmt)
        except (TypeError, ValueError):
            pass
    return str(value)


def _name_of(control, names: dict) -> str:
    for cls in getattr(control, "_dom_classes", ()):
        if cls in names:
            return names[cls]
    text = getattr(control, "description", "") or getattr(control, "placeholder", "") or ""
    return text.strip().rstrip(":") or "a control"


def _walk(widget, names: dict, parts: list, state: dict) -> None:
    import ipywidgets as w

    from .plotwidget import FigureView
    from .views.a11y import A11y

    if isinstance(widget, A11y) or "mh-plotly-loader" in getattr(widget, "_dom_classes", ()):
        return
    if isinstance(widget, FigureView):
        owner = getattr(widget, "_mh_figure", None)
        if owner is not None:
            owner.flush()
        parts.append(figure_html(widget.figure))
        return
    own = getattr(widget, "_mh_static_html", None)
    if callable(own):  # a widget of the course's own that knows its static form (the ledger's tables)
        state["controls"] = True
        parts.append(own())
        return
    if isinstance(widget, w.Box):
        inner = dict(names)
        for child in widget.children:  # the accessible names a view gives its controls
            if isinstance(child, A11y):
                inner.update(child.names)
        for child in widget.children:
            _walk(child, inner, parts, state)
        return
    if isinstance(widget, (w.HTML, w.HTMLMath)):
        if widget.value.strip():
            parts.append(f'<div class="mh-static-html">{widget.value}</div>')
        return
    if isinstance(widget, w.Label):
        if widget.value.strip():
            parts.append(f"<p>{html.escape(widget.value)}</p>")
        return
    if isinstance(widget, w.Output):
        for output in widget.outputs:
            parts.append(_output_html(output))
        return
    if isinstance(widget, w.Button):
        return
    if isinstance(widget, w.ValueWidget):
        state["controls"] = True
        parts.append(f'<p class="mh-static-control"><b>{html.escape(_name_of(widget, names))}:</b> '
                     f"{html.escape(_value_text(widget))}</p>")
        return
    if not state.get("needs_kernel"):
        state["needs_kernel"] = True
        parts.append(f'<p class="mh-static-note"><i>{NEEDS_KERNEL}</i></p>')


def _output_html(output: dict) -> str:
    data = output.get("data", {})
    if output.get("output_type") == "stream":
        return f"<pre>{html.escape(output.get('text', ''))}</pre>"
    if "text/html" in data:
        return data["text/html"]
    if "text/plain" in data and data["text/plain"].strip():
        return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""


def widget_html(widget) -> str:
    """A widget and everything inside it as HTML (see the module's docstring)."""
    parts: list[str] = []
    state: dict = {}
    _walk(widget, {}, parts, state)
    if state.get("controls"):
        parts.append(f'<p class="mh-static-note"><i>{MOVE_LINE}</i></p>')
    return '<div class="mh-static-view">' + "".join(parts) + "</div>"


def _bundle(html_text: str) -> dict:
    return {"text/html": html_text, "text/plain": "(a chart or a control of the course: see the web page)"}


def install() -> None:
    """Show every ipywidget and plotly figure as static HTML from now on, in this process."""
    import ipywidgets as w
    from IPython import get_ipython
    from plotly.basedatatypes import BaseFigure

    def widget_bundle(self, **_kwargs):
        return _bundle(widget_html(self))

    w.Widget._repr_mimebundle_ = widget_bundle

    def figure_bundle(fig):
        from IPython.display import display

        from .plotwidget import LiveFigure, figure_json

        if isinstance(fig, LiveFigure):  # it shows itself through its widget, which is now static
            fig._ipython_display_()
            return
        display(_bundle(figure_html(figure_json(fig))), raw=True)

    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.ipython_display_formatter.for_type(BaseFigure, figure_bundle)
