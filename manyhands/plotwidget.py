"""A chart that travels light: a plotly ``go.Figure`` drawn in the browser by the plotly.js the page already has.

plotly's own ``FigureWidget`` is an anywidget whose state carries the whole plotly.js bundle (about 5 MB), sent
over the kernel's websocket once for every chart.  JupyterLab (and Notebook 7, and Binder) already hold plotly.js:
the jupyterlab-plotly extension, which comes with the plotly package, loads it over HTTP (once, then from the
browser's cache) and leaves it on ``window.Plotly``.  ``LiveFigure`` is an ordinary ``go.Figure`` (the same ``data``, ``layout``,
``batch_update()``, ``add_scatter`` …) whose companion widget, ``LiveFigure.widget``, has an ESM of a few
lines: it draws the figure's JSON with ``Plotly.react`` and draws it again, in place, whenever the figure
changes.  Only the figure's data and layout cross the websocket (a few kilobytes).

The page's plotly.js is loaded by JupyterLab only when a plotly output is first shown, so every view that holds a
chart also holds ``plotly_loader()``: a hidden Output widget with an empty plotly output, which makes JupyterLab
load it.  Where the page has no plotly.js (a front end without the extension), the widget asks the kernel for it once;
the kernel sends plotly's own ``plotly.min.js`` as a binary buffer, and every chart of the page then uses it.

A change to the figure is sent when a ``batch_update()`` ends; a change made outside one is sent once the
running cell (or the control's callback) has finished, so a cell that builds a chart step by step sends it once.
With no running event loop (a script, a test), each change is sent at once.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import anywidget
import plotly
import plotly.graph_objects as go
import traitlets
from plotly.utils import PlotlyJSONEncoder

__all__ = ["LiveFigure", "FigureView", "figure_json", "live", "plotly_loader"]

_ESM = r"""
const WAIT_MS = 15000;   // how long to wait for the page's own plotly.js before asking the kernel for it

function pagePlotly(model) {
  if (window.Plotly && window.Plotly.react) return Promise.resolve(window.Plotly);
  if (!window.__mhPlotly) {
    window.__mhPlotly = new Promise((resolve, reject) => {
      const started = Date.now();
      const ask = () => {
        const onMessage = (msg, buffers) => {
          if (!msg || msg.kind !== 'plotly.js' || !buffers || !buffers.length) return;
          model.off('msg:custom', onMessage);
          const blob = new Blob([buffers[0].buffer || buffers[0]], {type: 'text/javascript'});
          const script = document.createElement('script');
          script.src = URL.createObjectURL(blob);
          script.onload = () => resolve(window.Plotly);
          script.onerror = () => reject(new Error('plotly.js sent by the kernel did not load'));
          document.head.appendChild(script);
        };
        model.on('msg:custom', onMessage);
        model.send({kind: 'need plotly.js'});
      };
      const poll = () => {
        if (window.Plotly && window.Plotly.react) resolve(window.Plotly);
        else if (Date.now() - started > WAIT_MS) ask();
        else setTimeout(poll, 50);
      };
      poll();
    });
  }
  return window.__mhPlotly;
}

// plotly packs numeric arrays as {dtype, bdata: base64, shape}; unpack them into plain arrays, so that the
// figure in the page (gd.data) holds its numbers as plotly's own widget left them
const TYPES = {i1: Int8Array, u1: Uint8Array, i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array,
               f4: Float32Array, f8: Float64Array};
function unpack(value) {
  if (Array.isArray(value)) return value.map(unpack);
  if (value && typeof value === 'object') {
    if (typeof value.bdata === 'string' && TYPES[value.dtype]) {
      const bin = atob(value.bdata);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const flat = Array.from(new TYPES[value.dtype](bytes.buffer));
      const shape = typeof value.shape === 'string' ? value.shape.split(',').map(Number) : value.shape;
      if (!shape || shape.length < 2) return flat;
      const rows = [];
      for (let r = 0; r < shape[0]; r++) rows.push(flat.slice(r * shape[1], (r + 1) * shape[1]));
      return rows;
    }
    for (const key of Object.keys(value)) value[key] = unpack(value[key]);
  }
  return value;
}

async function render({ model, el }) {
  const gd = document.createElement('div');
  gd.className = 'mh-live-figure';
  el.appendChild(gd);
  let Plotly;
  try {
    Plotly = await pagePlotly(model);
  } catch (error) {
    gd.textContent = 'This chart could not be drawn: ' + error.message + '. Reload the page.';
    return;
  }
  let drawing = Promise.resolve();
  const draw = () => {
    const figure = unpack(JSON.parse(model.get('figure') || '{}'));
    // the chart's box keeps the figure's height: with responsive: true, plotly redraws a figure after a window
    // resize in a box of 100% of its parent's height, which is 0 here, and the chart then lay over what follows
    const height = figure.layout && figure.layout.height;
    gd.style.height = height ? height + 'px' : '';
    drawing = drawing.then(() => Plotly.react(gd, figure.data || [], figure.layout || {},
                                              {responsive: true, displaylogo: false}));
    return drawing;
  };
  await draw();
  model.on('change:figure', draw);
  return () => { model.off('change:figure', draw); Plotly.purge(gd); };
}
export default { render };
"""

_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def figure_json(figure) -> str:
    """Any plotly figure as the JSON text plotly.js reads (numbers as typed arrays where plotly packs them)."""
    return json.dumps(figure.to_plotly_json(), cls=PlotlyJSONEncoder, separators=(",", ":"))


class FigureView(anywidget.AnyWidget):
    """The widget that draws a ``LiveFigure`` (its ``figure`` trait is the figure's JSON)."""

    _esm = _ESM
    figure = traitlets.Unicode("{}").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_msg(self._on_message)

    def _on_message(self, _widget, content, _buffers):
        if isinstance(content, dict) and content.get("kind") == "need plotly.js":
            self.send({"kind": "plotly.js"}, buffers=[_PLOTLY_JS.read_bytes()])


class LiveFigure(go.Figure):
    """A ``go.Figure`` shown by a light widget (``widget``) that redraws whenever the figure changes.

    Use it as a ``go.Figure``; display it, or put ``fig.widget`` in an ipywidgets box."""

    def __init__(self, *args, **kwargs):
        self._mh_widget = None
        self._mh_pending = False
        super().__init__(*args, **kwargs)
        self._mh_widget = FigureView()
        self._mh_widget._mh_figure = self  # the website's static view (manyhands.static) draws the latest figure
        self._mh_send()

    @property
    def widget(self) -> FigureView:
        return self._mh_widget

    def to_json_text(self) -> str:
        """The figure as plotly.js reads it (numbers as typed arrays where plotly packs them)."""
        return figure_json(self)

    def _mh_send(self) -> None:
        self._mh_pending = False
        if self._mh_widget is not None:
            self._mh_widget.figure = self.to_json_text()

    def _mh_changed(self, *_args, **_kwargs) -> None:
        """Every change to the figure ends here (plotly calls these hooks outside batches and at a batch's end)."""
        if self._mh_widget is None or self._mh_pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._mh_send()
            return
        self._mh_pending = True
        loop.call_soon(self._mh_send)

    _send_addTraces_msg = _mh_changed
    _send_deleteTraces_msg = _mh_changed
    _send_moveTraces_msg = _mh_changed
    _send_restyle_msg = _mh_changed
    _send_relayout_msg = _mh_changed
    _send_update_msg = _mh_changed
    _send_animate_msg = _mh_changed

    def flush(self) -> None:
        """Send a change still waiting for the cell's end now (displaying the figure does it)."""
        if self._mh_pending:
            self._mh_send()

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        self.flush()
        return self._mh_widget._repr_mimebundle_(include=include, exclude=exclude, **kwargs)

    def _ipython_display_(self):  # plotly's Figure defines one that would draw a static copy instead
        from IPython.display import display

        self.flush()
        display(self._mh_widget)


def live(figure) -> LiveFigure:
    """A ``LiveFigure`` for a figure: the figure itself if it is one, else a copy of a ``go.Figure`` (or its dict)."""
    if isinstance(figure, LiveFigure):
        return figure
    return LiveFigure(figure)


def plotly_loader():
    """A hidden Output widget holding an empty plotly output: showing it makes JupyterLab load its own plotly.js
    (the jupyterlab-plotly renderer), which the charts then use.  A few hundred bytes."""
    import ipywidgets as w

    out = w.Output(layout=w.Layout(display="none"))
    out.add_class("mh-plotly-loader")
    out.outputs = ({"output_type": "display_data", "metadata": {},
                    "data": {"application/vnd.plotly.v1+json": {"data": [], "layout": {"height": 10, "width": 10}},
                             "text/plain": ""}},)
    return out
