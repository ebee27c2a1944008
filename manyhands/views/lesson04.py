"""Lesson 04 (working towards the Führer): the cumulative-radicalisation model and the comparison grid."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from .. import charts
from .a11y import view as _view
from .base import ModelView, _description, _Displayable, _kept_in_records, _p, _wire

RATINGS = {None: "not yet rated", 0: "not shown", 1: "weakly", 2: "partly", 3: "strongly"}
RATING_OPTIONS = [("—", None), ("not shown", 0), ("weakly", 1), ("partly", 2), ("strongly", 3)]


# ---- the charts in words ------------------------------------------------------------------------

def _times(x: float) -> str:
    return f"{x:,.2f}" if x < 100 else f"{x:,.0f}"


def _rounds(n: int) -> str:
    return f"{n} round" + ("" if n == 1 else "s")


def radicalisation_words(run) -> str:
    """A text alternative for the model's chart: the shape of the lines.  The summary under it gives the most
    radical agency's level and whether any went beyond twice the leader's, so this does not repeat them (novice
    review L04-13: a screen reader read every number twice)."""
    if run is None:
        return "No run: the model refused the settings."
    last, before = run.levels.iloc[-1], run.levels.iloc[-2]
    rounds = len(run.levels) - 1
    n = run.levels.shape[1]
    where = ("they all end at the same level" if abs(last.max() - last.min()) < 0.005
             else f"the least radical ends at {_times(last.min() / run.signal)} times the level the leader stated")
    rising = (last - before).max() > 1e-3 * max(run.signal, 1e-9)
    trend = ("the lines are still rising in the last round" if rising
             else "the lines have levelled off by the last round")
    return (f"{n} lines, one per agency, over {_rounds(rounds)}, with the leader's level as a dotted line at 1: "
            f"{where}; {trend}.")


def grid_words(ratings: dict, dimensions: pd.DataFrame, regimes: list[str]) -> str:
    """A text alternative for the chart of the learner's ratings."""
    parts = []
    for row in dimensions.itertuples():
        given = ratings.get(row.dimension_id, {})
        marks = [f"{regime} {RATINGS[given.get(regime)]}" for regime in regimes]
        parts.append(f"{row.dimension}: " + ", ".join(marks))
    rated = sum(given.get(r) is not None for given in ratings.values() for r in regimes)
    return f"Your ratings ({rated} of {len(dimensions) * len(regimes)} given). " + "; ".join(parts) + "."


# ---- views --------------------------------------------------------------------------------------

class RadicalisationModel(ModelView):
    """Sliders for manyhands.radicalisation: agencies that compete to anticipate a leader (a thought experiment)."""

    AGENCIES = 4

    def __init__(self, spread: float = 0.5, seed: int = 3):
        from .. import radicalisation

        self._model = radicalisation
        self.error = radicalisation.RadicalisationError
        self.fixed = dict(agencies=self.AGENCIES, spread=spread, seed=seed, signal=1.0)
        slider = dict(style={"description_width": "250px"}, layout=w.Layout(width="580px"), continuous_update=True)
        self.controls = {
            "explicitness": w.FloatSlider(value=0.5, min=0, max=1, step=0.05, description="How explicit the leader is", **slider),
            "zeal": w.FloatSlider(value=0.1, min=0, max=0.2, step=0.01, description="Reward for zeal (each round)", readout_format=".0%", **slider),
            "competition": w.FloatSlider(value=0.5, min=0, max=1, step=0.05, description="Competition between agencies", **slider),
            "restraint_cost": w.FloatSlider(value=0.3, min=0, max=1, step=0.05, description="Cost of holding back", **slider),
            "rounds": w.IntSlider(value=10, min=1, max=20, description="Rounds", **slider),
        }
        _wire(self.controls, "mh-radical", self._on_change)
        self.figure = charts.figure_widget(
            title="How far agencies go beyond what the leader asked",
            x_title="Round (0 = the start)", y_title="Level of measures (leader's level = 1)",
            source="Source: manyhands.radicalisation model, with the parameters set above (a thought experiment, not data)",
            height=440)
        for i in range(self.AGENCIES):
            self.figure.add_scatter(name=f"agency {i + 1}", mode="lines+markers",
                                    line=dict(color=charts.PALETTE[i], dash=charts.DASHES[i]),
                                    marker=dict(symbol=charts.SYMBOLS[i], size=7))
        self.figure.add_scatter(name="what the leader asked", mode="lines", line=dict(color=charts.PALETTE[6], dash="dot"))
        self.figure.update_yaxes(rangemode="tozero")
        charts.fit(self.figure)
        self._finish("mh-radical")

    words = staticmethod(radicalisation_words)

    def _simulate(self, params: dict):
        return self._model.simulate(**self.fixed, **params)

    def _draw(self, run) -> str:
        rounds = list(run.levels.index)
        with self.figure.batch_update():
            for i, column in enumerate(run.levels.columns):
                self.figure.data[i].x, self.figure.data[i].y = rounds, run.levels[column].tolist()
            self.figure.data[-1].x, self.figure.data[-1].y = [0, rounds[-1]], [1.0, 1.0]
        first = run.first_round_beyond(2.0)
        return (f"The most radical agency ends at <b>{_times(run.escalation)}</b> times what the leader asked for. "
                + (f"Some agency went beyond <b>twice</b> the leader's level in round {first}, without any new order."
                   if first is not None else "No agency went beyond twice the leader's level."))


class ComparisonGrid(_Displayable):
    """The two command structures side by side (lesson 04): pick a dimension, read the evidence, rate it.

    ``grid`` has one row per (dimension, regime): dimension_id, dimension, question, regime, evidence and
    source_id, or citation (the formatted sources of the evidence; made from source_id when it is missing).  ``saved`` restores earlier ratings (a dict as
    ``value()`` returns; anything malformed is ignored with a message); ``save``, if given, is called with
    ``value()`` after every change.  ``record`` names a key of the learner's records file
    (manyhands.records): the ratings are read from it and saved to it, so they outlive the session.
    """

    def __init__(self, grid: pd.DataFrame, saved: dict | None = None, save=None, record: str | None = None):
        self._record, self._saving = record, False
        saved, save = _kept_in_records(record, saved, save, self._records_changed)
        if "citation" not in grid.columns:  # the formatted sources, from the rows' source ids
            from .. import data

            grid = grid.assign(citation=[data.cite(s) if data.source_ids(s) else "no source" for s in grid["source_id"]])
        self.grid = grid.reset_index(drop=True)
        self.dimensions = self.grid.drop_duplicates("dimension_id")[["dimension_id", "dimension", "question"]].reset_index(drop=True)
        self.regimes = list(dict.fromkeys(self.grid["regime"]))
        self._save = save
        self.ratings: dict[str, dict] = {d: {r: None for r in self.regimes} | {"note": ""} for d in self.dimensions["dimension_id"]}
        self.message = w.HTML()
        self.message.add_class("mh-grid-message")
        self._restore(saved)
        self.dimension = w.Dropdown(options=[(f"{i + 1}. {r.dimension}", r.dimension_id) for i, r in enumerate(self.dimensions.itertuples())],
                                    description="Dimension", style={"description_width": "90px"}, layout=w.Layout(width="640px"))
        self.rating = {regime: w.ToggleButtons(options=RATING_OPTIONS, value=None, description=f"{regime}:",
                                               style={"description_width": "130px", "button_width": "90px"})
                       for regime in self.regimes}
        self.note = w.Textarea(placeholder="Your reasons, in a sentence or two (kept with your ratings)",
                               description="Your note", layout=w.Layout(width="640px", height="70px"))
        self.controls = {"dimension": self.dimension, "note": self.note,
                         **{f"rating-{i}": t for i, t in enumerate(self.rating.values())}}
        for name, control in self.controls.items():
            control.add_class(f"mh-grid-{name}")
        self.dimension.observe(self._show, names="value")
        for toggle in self.rating.values():
            toggle.observe(self._rate, names="value")
        self.note.observe(self._rate, names="value")
        self.evidence = w.HTML()
        self.evidence.add_class("mh-grid-evidence")
        self.figure = charts.figure_widget(
            title="Your ratings of the evidence",
            x_title=f"Your rating (0 not shown to 3 strongly): ● {self.regimes[0]}"
                    + "".join(f", ◆ {r}" for r in self.regimes[1:2]), y_title=None,
            source="Source: your own ratings of the evidence above (lessons 01–04)", height=120 + 44 * len(self.dimensions))
        for i, regime in enumerate(self.regimes):
            self.figure.add_scatter(name=regime, mode="markers", marker=dict(size=14, color=charts.PALETTE[[0, 5][i % 2]],
                                    symbol=charts.SYMBOLS[[0, 2][i % 2]], line=dict(width=1, color="#222")),
                                    hovertemplate=f"{regime}: %{{x}}<extra></extra>")
        labels = [f"{i + 1}. {d}" for i, d in enumerate(self.dimensions["dimension"])]
        # every dimension keeps its row on the chart before it is rated
        self.figure.add_scatter(x=[None] * len(labels), y=labels, mode="markers", showlegend=False, hoverinfo="skip",
                                name="dimensions")
        self.figure.update_yaxes(visible=True, autorange="reversed", categoryorder="array", categoryarray=labels,
                                 showline=False, ticks="")
        self.figure.update_xaxes(range=[-0.3, 3.3], tickvals=[0, 1, 2, 3], ticktext=["0", "1", "2", "3"])
        # the key is in the axis title (a legend of one entry, before both regimes are rated, sat on the title)
        self.figure.update_layout(showlegend=False)
        self._labels = labels
        self.description = _description()
        names = {f"mh-grid-rating-{i}": f"Your rating for {regime}" for i, regime in enumerate(self.regimes)}
        self.view = _view([self.dimension, self.evidence, *self.rating.values(), self.note, self.message,
                           self.figure, self.description], names=names)
        self._loading = False
        self._show()

    # -- state ----------------------------------------------------------------------------------
    def value(self) -> dict:
        """The ratings as plain data: {"version": 1, "ratings": {dimension_id: {regime: 0–3 or None, "note": str}}}."""
        return {"version": 1, "ratings": {d: dict(r) for d, r in self.ratings.items()}}

    def _restore(self, saved) -> None:
        if saved is None:
            return
        ratings = saved.get("ratings") if isinstance(saved, dict) else None
        if not isinstance(ratings, dict):
            self.message.value = "<p>Your saved ratings could not be read, so the grid starts empty.</p>"
            return
        kept = skipped = 0
        for dim, given in ratings.items():
            if dim not in self.ratings or not isinstance(given, dict):
                skipped += 1
                continue
            for regime in self.regimes:
                value = given.get(regime)
                if value in (0, 1, 2, 3) and not isinstance(value, bool):
                    self.ratings[dim][regime] = int(value)
                    kept += 1
            if isinstance(given.get("note"), str):
                self.ratings[dim]["note"] = given["note"][:2000]
        self.message.value = (f"<p>Your earlier ratings were restored ({kept} given)"
                              + (f"; {skipped} entries that do not belong to this grid were left out" if skipped else "")
                              + ".</p>")

    # -- events -----------------------------------------------------------------------------------
    def _show(self, _change=None):
        dim = self.dimension.value
        self._loading = True
        try:
            for regime, toggle in self.rating.items():
                toggle.value = self.ratings[dim][regime]
            self.note.value = self.ratings[dim]["note"]
        finally:
            self._loading = False
        row = self.dimensions.set_index("dimension_id").loc[dim]
        cells = []
        for regime in self.regimes:
            ev = self.grid[(self.grid["dimension_id"] == dim) & (self.grid["regime"] == regime)]
            text = "".join(f"<p style='margin:0.3em 0'>{html.escape(r.evidence)} <i>({html.escape(r.citation)})</i></p>"
                           for r in ev.itertuples()) or "<p><i>The course has no evidence on this for this regime.</i></p>"
            cells.append(f"<div style='flex:1;min-width:260px;padding:0 0.8em'><h4 style='margin:0.3em 0'>{html.escape(regime)}</h4>{text}</div>")
        self.evidence.value = (f"<p style='max-width:60em'><b>{html.escape(row['question'])}</b></p>"
                               f"<div style='display:flex;flex-wrap:wrap;max-width:62em'>{''.join(cells)}</div>")
        self._redraw()

    def _rate(self, _change=None):
        if self._loading:
            return
        dim = self.dimension.value
        for regime, toggle in self.rating.items():
            self.ratings[dim][regime] = toggle.value
        self.ratings[dim]["note"] = self.note.value[:2000]
        self._redraw()
        if self._save is not None:
            self._saving = True
            try:
                self._save(self.value())
                self.message.value = "<p>Saved with your records.</p>"
            except Exception as exc:  # a full disk or a read-only folder must not break the grid
                self.message.value = f"<p><b>Your ratings could not be saved</b> ({html.escape(type(exc).__name__)}); they stay in this session.</p>"
            finally:
                self._saving = False

    def _records_changed(self, _path) -> None:
        """The records file changed (an upload, say): show the ratings it now holds, unless this grid saved them."""
        from .. import records

        if self._saving:
            return
        saved = records.get(self._record)
        if saved is None or saved == self.value():
            return
        self.ratings = {d: {r: None for r in self.regimes} | {"note": ""} for d in self.dimensions["dimension_id"]}
        self._restore(saved)
        self._show()

    def _redraw(self):
        with self.figure.batch_update():
            for i, regime in enumerate(self.regimes):
                xs, ys = [], []
                for label, dim in zip(self._labels, self.dimensions["dimension_id"]):
                    value = self.ratings[dim][regime]
                    if value is not None:
                        xs.append(value)
                        ys.append(label)
                self.figure.data[i].x, self.figure.data[i].y = xs, ys
                # the second regime's mark is smaller and drawn on top, so equal ratings stay visible
                self.figure.data[i].marker.size = 14 if i == 0 else 10
            charts.fit(self.figure)
        self.description.value = _p(grid_words(self.ratings, self.dimensions, self.regimes))
