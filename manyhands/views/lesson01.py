"""Lesson 01 (the bureaucracy): the chain-of-command model, party membership and the leading bodies."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from .. import charts
from . import describe
from .a11y import view as _view
from .base import DescribedFigure, _description, _Displayable, _p, _wire


class ChainOfCommand(_Displayable):
    """Reports go up, orders come down: sliders for the chain-of-command model (lesson 01)."""

    def __init__(self, true_value: float = 100.0):
        from .. import chain

        self._chain = chain
        self.true_value = true_value
        slider = dict(style={"description_width": "190px"}, layout=w.Layout(width="520px"), continuous_update=True)
        self.controls = {
            "levels": w.IntSlider(value=4, min=1, max=chain.MAX_LEVELS, description="Offices between", **slider),
            "bias": w.FloatSlider(value=0.05, min=-0.2, max=0.5, step=0.01, description="Bias per office", readout_format=".0%", **slider),
            "penalty": w.FloatSlider(value=0.0, min=0, max=3, step=0.1, description="Fear of bad news", **slider),
            "noise": w.FloatSlider(value=0.0, min=0, max=0.3, step=0.01, description="Noise per office", readout_format=".0%", **slider),
            "plan": w.FloatSlider(value=true_value, min=true_value * 0.5, max=true_value * 2, step=1, description="Centre's plan", **slider),
            "share": w.FloatSlider(value=0.3, min=0.05, max=1.0, step=0.01, description="Share the centre demands", readout_format=".0%", **slider),
            "amplification": w.FloatSlider(value=0.0, min=0, max=0.3, step=0.01, description="Margin added per office", readout_format=".0%", **slider),
            "seed": w.IntText(value=0, description="Random seed", style={"description_width": "190px"}),
        }
        _wire(self.controls, "mh-chain", self._on_change)
        self.figure = charts.figure_widget(
            title="What the centre hears, and what it demands",
            x_title="Level (0 = producers; highest = the centre)",
            y_title="Quantity (units of the true value)",
            source="Source: manyhands.chain model, with the parameters set above (a thought experiment, not data)",
            height=430,
        )
        styles = [("true value", charts.PALETTE[6], "dot", "circle"),
                  ("reported upwards", charts.PALETTE[0], "solid", "triangle-up"),
                  ("demanded downwards", charts.PALETTE[5], "dash", "square")]
        for name, colour, dash, symbol in styles:
            self.figure.add_scatter(name=name, mode="lines+markers", line=dict(color=colour, dash=dash), marker=dict(symbol=symbol, size=9))
        self.figure.update_yaxes(rangemode="tozero")
        self.figure.add_annotation(name="notice", text="No run: the model refused the settings above (see the message below)",
                                   xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False, visible=False,
                                   font=dict(size=15, color="#555"), bgcolor="white")
        charts.fit(self.figure)
        self.summary = w.HTML()
        self.summary.add_class("mh-chain-summary")
        self.description = _description()
        self.view = _view([*self.controls.values(), self.figure, self.description, self.summary])
        self.result = None
        self._on_change()

    def _notice(self):
        return next(a for a in self.figure.layout.annotations if a.name == "notice")

    def params(self) -> dict:
        values = {k: c.value for k, c in self.controls.items()}
        return dict(true_value=self.true_value, **values)

    def _on_change(self, _change=None):
        try:
            result = self._chain.simulate(**self.params())
        except self._chain.ChainError as exc:
            # a refused input clears the chart: the previous run must not stay on screen as if it were this one
            self.result = None
            with self.figure.batch_update():
                for trace in self.figure.data:
                    trace.x, trace.y = [], []
                self._notice().visible = True
            self.summary.value = f"<b>Cannot run the model:</b> {html.escape(str(exc))}"
            self.description.value = _p(describe.chain(None))
            return
        self.result = result
        t = result.table
        self.description.value = _p(describe.chain(result))
        with self.figure.batch_update():
            self._notice().visible = False
            for trace, y in zip(self.figure.data, ([result.true_value] * len(t), t["reported_up"], t["demanded_down"])):
                trace.x = t["level"].tolist()
                trace.y = list(map(float, y))
        self.summary.value = (
            f"The centre hears <b>{result.perceived:.1f}</b> where the truth is {result.true_value:.1f} "
            f"({result.gap:+.0%}). The producers are asked for <b>{result.demand_on_producers:.1f}</b>, "
            f"{result.demand_share:.0%} of what they really have."
        )
        params = self.params()
        if params.get("penalty", 0) > 0 and self._chain.simulate(**{**params, "penalty": 0.0}).perceived == result.perceived:
            # L01-3 (novice review): fear moved alone changes nothing while every report stays above the plan
            self.summary.value += (" Fear changes nothing here: it acts only when a report falls short of the "
                                   "centre's plan, and every report is above it. Raise the plan above the truth, "
                                   "or lower the bias, to see it.")


class MembershipChart(_Displayable):
    """Party membership at each congress, 1921–1939, with purges and the events of lessons 02–03 marked."""

    SERIES = {"full members": "members", "candidates": "candidates"}

    def __init__(self, membership: pd.DataFrame, events: pd.DataFrame, source: str):
        self.membership = membership.sort_values("opened").reset_index(drop=True)
        self.events = events.reset_index(drop=True)
        self.series = w.ToggleButtons(options=["full members", "candidates", "both"], value="both", description="Show")
        self.series.add_class("mh-membership-series")
        self.show_events = w.Checkbox(value=True, description="Mark purges and events", indent=False)
        self.show_events.add_class("mh-membership-events")
        self.controls = {"series": self.series, "events": self.show_events}
        self.figure = charts.figure_widget(
            title="Party membership reported to each congress, 1921–1939",
            x_title="Date the congress opened",
            y_title="Persons (thousands)",
            source=source,
            height=480,
        )
        m = self.membership
        styles = {"members": (charts.PALETTE[0], "solid", "circle"), "candidates": (charts.PALETTE[1], "dash", "square")}
        for label, column in self.SERIES.items():
            known = m[m[column].notna()]
            colour, dash, symbol = styles[column]
            self.figure.add_scatter(
                name=label, x=known["opened"].tolist(), y=(known[column].astype(float) / 1000).tolist(),
                mode="lines+markers", line=dict(color=colour, dash=dash), marker=dict(symbol=symbol, size=9),
                text=[f"Congress {c}" for c in known["congress"]], hovertemplate="%{text}: %{y:,.0f} thousand<extra>" + label + "</extra>",
            )
        together = m[m["members_and_candidates"].notna()]
        self.figure.add_scatter(
            name="members and candidates, reported together", x=together["opened"].tolist(),
            y=(together["members_and_candidates"].astype(float) / 1000).tolist(), mode="markers",
            marker=dict(symbol="star", size=14, color=charts.PALETTE[2], line=dict(width=1, color="#222")),
            text=[f"Congress {c}" for c in together["congress"]], hovertemplate="%{text}: %{y:,.0f} thousand (members and candidates)<extra></extra>",
        )
        self._event_shapes = [
            dict(type="rect", xref="x", yref="paper", x0=e.start, x1=e.end, y0=0, y1=1, fillcolor="#999999", opacity=0.18, line_width=0, layer="below")
            for e in self.events.itertuples()
        ]
        # the labels stand in rows at the top of the plot, above every data point (the y axis leaves room)
        self._event_labels = [
            dict(x=e.start, y=1.0 - 0.065 * i, xref="x", yref="paper", text=e.short_label, hovertext=e.label,
                 showarrow=False, xanchor="left", yanchor="top", font=dict(size=10, color="#333"), name=f"event:{e.event_id}",
                 bgcolor="rgba(255,255,255,0.7)")
            for i, e in enumerate(self.events.itertuples())
        ]
        highest = max(float(m[c].max()) for c in ("members", "candidates", "members_and_candidates")) / 1000
        self.figure.update_yaxes(range=[0, highest / (1 - 0.065 * len(self.events) - 0.04)])
        self.series.observe(self._redraw, names="value")
        self.show_events.observe(self._redraw, names="value")
        self.description = _description()
        self.view = _view([w.HBox([self.series, self.show_events]), self.figure, self.description],
                          {"mh-membership-series": "Show which series"})
        self._redraw()

    def _redraw(self, _change=None):
        choice = self.series.value
        source = [a for a in self.figure.layout.annotations if a.name == "source"]
        with self.figure.batch_update():
            self.figure.data[0].visible = choice in ("full members", "both")
            self.figure.data[1].visible = choice in ("candidates", "both")
            self.figure.data[2].visible = choice == "both"
            if self.show_events.value:
                self.figure.layout.shapes = self._event_shapes
                self.figure.layout.annotations = [*source, *self._event_labels]
            else:
                self.figure.layout.shapes = []
                self.figure.layout.annotations = source
            charts.fit(self.figure)
        self.description.value = _p(describe.membership(self.membership, choice))


def apparatus_chart(bodies: pd.DataFrame, source: str) -> DescribedFigure:
    """Full and candidate members of the party's leading bodies (a static, styled chart, shown with its text
    alternative under it)."""
    fig = charts.style(
        DescribedFigure(),
        title="The party's leading bodies elected in July 1930",
        x_title="Body", y_title="Persons", source=source, height=400,
    )
    fig.description = _description()
    fig.description.value = _p(describe.apparatus(bodies))
    for column, name, colour, pattern in (("full_members", "full members", charts.PALETTE[0], ""),
                                          ("candidates", "candidates", charts.PALETTE[1], "/")):
        fig.add_bar(name=name, x=bodies["body"].tolist(), y=bodies[column].astype(int).tolist(),
                    marker=dict(color=colour, pattern_shape=pattern), text=bodies[column].astype(int).tolist(),
                    textposition="outside")
    fig.update_layout(barmode="group")
    return charts.fit(fig)
