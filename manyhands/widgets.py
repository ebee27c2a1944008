"""Thin interactive views: ipywidgets controls wired to the pure models, drawing into plotly FigureWidgets.

Each widget exposes ``controls`` (the ipywidgets a learner moves), ``figure`` (the FigureWidget,
updated in place) and ``view`` (the box that is displayed).  Tests set control values and read
the figure; learners can do the same in code.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from . import charts, claims, data, stance
from .views import describe
from .views.a11y import view as _view


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


class ClaimSorter(_Displayable):
    """Tag each sentence of the two comments; see the tally change and, once every sentence is tagged, compare
    with the course key (or ask for the key anyway)."""

    def __init__(self, sentences: pd.DataFrame, source: str):
        self.sentences = sentences.reset_index(drop=True)
        self.controls: dict[str, w.ToggleButtons] = {}
        rows = []
        names = {}
        current = None
        for row in self.sentences.itertuples(index=False):
            sid = str(row.sentence_id)
            if row.comment != current:
                current = row.comment
                rows.append(w.HTML(f"<h3 style='margin:0.8em 0 0.3em;font-size:1.1em'>Comment {html.escape(str(row.comment))}</h3>"))
            toggle = w.ToggleButtons(
                options=[(k.capitalize(), k) for k in claims.CLAIM_TYPES],
                value=None,
                style={"button_width": "auto"},
                tooltips=[claims.DEFINITIONS[k] for k in claims.CLAIM_TYPES],
                layout=w.Layout(margin="4px 0 0 0"),
            )
            toggle.add_class("mh-claim-toggle")
            toggle.add_class(f"mh-claim-{sid}")
            names[f"mh-claim-{sid}"] = f"Kind of claim in sentence {sid}"
            toggle.observe(self._on_change, names="value")
            self.controls[sid] = toggle
            quote = w.HTML(f"<div class='mh-claim-quote'><b>{html.escape(sid)}</b>&nbsp; “{html.escape(str(row.text))}”</div>")
            item = w.VBox([quote, toggle], layout=w.Layout(margin="0 0 18px 0"))
            item.add_class("mh-claim-item")
            rows.append(item)

        self.figure = charts.figure_widget(
            title="Your tags so far, by comment",
            x_title="Kind of claim",
            y_title="Number of sentences",
            source=source,
            height=380,
        )
        categories = [*claims.CLAIM_TYPES, "not tagged"]
        for comment, colour, pattern in (("A", charts.PALETTE[0], ""), ("B", charts.PALETTE[1], "/")):
            self.figure.add_bar(
                name=f"Comment {comment}", x=categories, y=[0] * len(categories),
                marker=dict(color=colour, pattern_shape=pattern),
            )
        self.figure.update_yaxes(rangemode="tozero", tick0=0)
        charts.fit(self.figure)
        self.description = _description()
        self.compare_button = w.Button(description="Compare with the key", icon="check", button_style="info",
                                       disabled=True, layout=w.Layout(width="auto"))
        self.compare_button.on_click(lambda _b: self.compare())
        self.anyway_button = w.Button(description="Show the key anyway", icon="eye", layout=w.Layout(width="auto"))
        self.anyway_button.on_click(lambda _b: self.compare(force=True))
        self.progress = w.HTML()
        self.progress.add_class("mh-claim-progress")
        self.result = w.HTML("")
        self.result.add_class("mh-claim-result")
        self.view = _view([*rows, self.figure, self.description, self.progress,
                           w.HBox([self.compare_button, self.anyway_button]), self.result], names)
        self._redraw()

    @property
    def tags(self) -> dict[str, str | None]:
        return {sid: toggle.value for sid, toggle in self.controls.items()}

    @property
    def untagged(self) -> int:
        return sum(v is None for v in self.tags.values())

    def _on_change(self, _change=None):
        self._redraw()

    def _redraw(self):
        table = claims.count_tags(self.tags, self.sentences)
        with self.figure.batch_update():
            for trace, comment in zip(self.figure.data, ("A", "B")):
                trace.y = table.loc[comment].tolist() if comment in table.index else [0] * len(trace.x)
            most = int(table.to_numpy().max()) if table.size else 0
            self.figure.layout.yaxis.dtick = 1 if most <= 6 else 2 if most <= 12 else 5
        self.description.value = _p(describe.claim_tally(table))
        left = self.untagged
        self.compare_button.disabled = left > 0
        self.anyway_button.layout.display = "none" if left == 0 else None
        self.progress.value = ("Every sentence is tagged: compare your tags with the course key." if left == 0 else
                               f"{left} of {len(self.sentences)} sentences still to tag. The key opens once all are "
                               "tagged, so that it does not decide for you.")

    def compare(self, force: bool = False) -> pd.DataFrame | None:
        """Compare the tags with the key and show the key's reasoning for each sentence.

        Until every sentence is tagged the key stays closed, unless ``force`` (the "Show the key anyway" button)."""
        if self.untagged and not force:
            self.result.value = (f"<p>Tag the {self.untagged} remaining sentences first, or press "
                                 "<b>Show the key anyway</b>.</p>")
            return None
        comparison = claims.compare_tags(self.tags, self.sentences)
        summary = claims.agreement(comparison)
        text = dict(zip(self.sentences["sentence_id"].astype(str), self.sentences["text"].astype(str)))
        marks = {"agrees": "✔ agrees", "defensible": "≈ defensible", "differs": "✘ differs", "not tagged": "– not tagged"}
        items = "".join(
            f"<tr><td><b>{html.escape(str(r.sentence_id))}</b> “{html.escape(text[str(r.sentence_id)])}”</td>"
            f"<td>{html.escape(r.your_tag or '—')}</td><td>{r.key_type}</td>"
            f"<td>{marks[r.verdict]}</td><td>{html.escape(claims.EVIDENCE_TYPES[r.evidence_key])}</td>"
            f"<td>{html.escape(r.rationale)}</td></tr>"
            for r in comparison.itertuples(index=False)
        )
        self.result.value = (
            f"<p><b>{summary['agrees']} agree, {summary['defensible']} defensible, {summary['differs']} differ, "
            f"{summary['not tagged']} not tagged.</b> Where you differ, read the reasoning: the key is an argument, "
            "not an oracle, and you may disagree with it for good reasons.</p>"
            "<table><caption>The course key, sentence by sentence</caption><tr><th scope='col'>Sentence</th>"
            "<th scope='col'>You</th><th scope='col'>Key</th><th scope='col'>Verdict</th>"
            "<th scope='col'>Evidence that would test it</th>"
            f"<th scope='col'>Why</th></tr>{items}</table>"
        )
        return comparison


class StanceScale(_Displayable):
    """Where do you stand between "the leader decides" and "the system decides"? Saved locally.

    Nothing is marked until the learner moves the slider (the handle rests in the middle only because a slider
    must rest somewhere); reopening after a save starts from the saved position."""

    def __init__(self, lesson: str, path=None):
        self.lesson = lesson
        self.path = path
        records, message = stance.load_history(path)
        self.history = records
        start = stance.latest(records, lesson)
        self.chosen = start is not None
        self.slider = w.IntSlider(
            value=5 if start is None else start, min=stance.SCALE_MIN, max=stance.SCALE_MAX, step=1,
            description="Your position", style={"description_width": "110px"}, layout=w.Layout(width="520px"),
            continuous_update=True,
        )
        self.slider.add_class("mh-stance-slider")
        self.save_button = w.Button(icon="save", layout=w.Layout(width="auto"))
        self.save_button.on_click(lambda _b: self.save())
        hint = "" if self.chosen else " No position chosen yet: move the slider (or use the arrow keys) to where you stand."
        self.status = w.HTML(f"<i>{html.escape(message + hint)}</i>")
        self.controls = {"position": self.slider}
        self.figure = charts.figure_widget(
            title="Where you stand",
            x_title="0 = the leader decides … 10 = the system decides (position on the course scale)",
            y_title=None,
            source="Source: your own answers, saved on this computer",
            height=260,
        )
        self.figure.update_yaxes(range=[-1, 1])
        self.figure.update_xaxes(range=[-0.5, 10.5], dtick=1)
        self.figure.add_scatter(
            name="saved earlier", x=[r["value"] for r in records], y=[0] * len(records), mode="markers",
            marker=dict(symbol="circle-open", size=14, color=charts.PALETTE[6]),
            text=[f"lesson {r['lesson']}, {r['saved_at']}" for r in records], hoverinfo="text",
        )
        self.figure.add_scatter(
            name="now", mode="markers+text", marker=dict(symbol="diamond", size=20, color=charts.PALETTE[5]),
            cliponaxis=False, showlegend=True,
        )
        self._mark()
        charts.fit(self.figure)
        self.description = _description()
        self.slider.observe(self._on_change, names="value")
        self.view = _view([
            w.HTML(f"<small>0: {html.escape(stance.POLES[0])}<br>10: {html.escape(stance.POLES[10])}</small>"),
            self.slider, self.figure, self.description, w.HBox([self.save_button, self.status]),
        ], {"mh-stance-slider": "Your position, from 0 (the leader decides) to 10 (the system decides)"})
        self._describe()

    def _mark(self):
        value = self.slider.value if self.chosen else None
        with self.figure.batch_update():
            marker = self.figure.data[1]
            marker.x = [] if value is None else [value]
            marker.y = [] if value is None else [0]
            marker.text = [] if value is None else [stance.describe(value)]
            marker.textposition = _text_side(5 if value is None else value)
        self.save_button.disabled = not self.chosen
        self.save_button.description = "Save my position" if self.chosen else "Choose a position first"

    def _describe(self):
        value = self.slider.value if self.chosen else None
        self.description.value = _p(describe.stance_position(
            value, None if value is None else stance.describe(value), self.history))

    def _on_change(self, change):
        if not self.chosen:
            self.chosen = True
            self.status.value = ""
        self._mark()
        self._describe()

    def save(self) -> dict:
        if not self.chosen:
            self.status.value = "<b>Choose a position first:</b> move the slider to where you stand."
            return {}
        try:
            entry = stance.save_stance(self.lesson, self.slider.value, self.path)
        except OSError as exc:
            self.status.value = f"<b>Could not save</b> ({html.escape(str(exc))}). Note your position ({self.slider.value}) by hand."
            return {}
        self.history.append(entry)
        self.status.value = f"Saved: {entry['value']} ({html.escape(stance.describe(entry['value']))}) for lesson {entry['lesson']}."
        self._describe()
        return entry


class DebateMap(_Displayable):
    """The historiography as a timeline of key works, coloured by emphasis; pick a debate to bring it forward."""

    def __init__(self, works: pd.DataFrame, source: str):
        self.works = works.reset_index(drop=True)
        debates = list(dict.fromkeys(self.works["debate"]))
        self.dropdown = w.Dropdown(options=["all debates", *debates], value="all debates", description="Show")
        self.dropdown.add_class("mh-debate-dropdown")
        self.controls = {"debate": self.dropdown}
        self.figure = charts.figure_widget(
            title="Key works in the debates this course follows",
            x_title="Year of first publication",
            y_title="Debate",
            source=source,
            height=460,
        )
        refs = data.references()
        hover = [
            f"<b>{data.cite(sid)}</b>, <i>{html.escape(refs[sid]['title'])}</i><br>{_wrap(summary)}"
            for sid, summary in zip(self.works["source_id"], self.works["summary"])
        ]
        self.works = self.works.assign(hover=hover)
        for i, emphasis in enumerate(dict.fromkeys(self.works["emphasis"])):
            part = self.works[self.works["emphasis"] == emphasis]
            self.figure.add_scatter(
                name=emphasis, x=part["year_published"].tolist(), y=part["debate"].tolist(), mode="markers",
                marker=dict(size=13, color=charts.PALETTE[i % len(charts.PALETTE)], symbol=charts.SYMBOLS[i % len(charts.SYMBOLS)],
                            line=dict(width=1, color="#222")),
                text=part["hover"].tolist(), hoverinfo="text",
            )
        self.figure.update_layout(legend_title_text="Weight of explanation on")
        charts.fit(self.figure)
        self.description = _description()
        self.dropdown.observe(self._on_change, names="value")
        self.view = _view([self.dropdown, self.figure, self.description], {"mh-debate-dropdown": "Show debate"})
        self._describe()

    def _describe(self):
        chosen = None if self.dropdown.value == "all debates" else self.dropdown.value
        self.description.value = _p(describe.debate_map(self.works, chosen, data.cite))

    def _on_change(self, change):
        chosen = change["new"]
        with self.figure.batch_update():
            for trace in self.figure.data:
                if chosen == "all debates":
                    trace.marker.opacity = 1.0
                    trace.selectedpoints = None
                else:
                    trace.selectedpoints = [i for i, d in enumerate(trace.y) if d == chosen]
                    trace.selected = dict(marker=dict(opacity=1.0))
                    trace.unselected = dict(marker=dict(opacity=0.15))
        self._describe()



class ChainOfCommand(_Displayable):
    """Reports go up, orders come down: sliders for the chain-of-command model (lesson 01)."""

    def __init__(self, true_value: float = 100.0):
        from . import chain

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


def apparatus_chart(bodies: pd.DataFrame, source: str) -> go.FigureWidget:
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


class ProcurementCalculator(_Displayable):
    """A plan in tonnes, taken from the harvest the centre believes and from the harvest in the barns (lesson 02).

    ``defaults`` gives the starting values of reported_harvest_mt, true_harvest_mt and plan_mt, which the
    lesson takes from sourced datasets; ``source`` names them.  The rural population, seed and fodder and a
    norm have no sourced default: they are text boxes the learner fills in, empty at first, and every
    figure computed from them is labelled as resting on the learner's own assumptions.
    """

    POSITIONS = ["harvest the centre believes", "harvest in the barns"]
    ASSUMPTIONS = {  # name: (label, zero allowed)
        "rural_population_m": ("Rural population (millions)", False),
        "seed_fodder_mt": ("Seed and fodder kept back (Mt)", True),
        "norm_kg": ("Norm (kg of grain a person a year)", False),
    }

    def __init__(self, defaults: dict, source: str):
        from . import grain

        self._grain = grain
        slider = dict(style={"description_width": "230px"}, layout=w.Layout(width="560px"), continuous_update=True)
        d = defaults
        self.controls = {
            "reported_harvest_mt": w.FloatSlider(value=d["reported_harvest_mt"], min=40, max=100, step=0.1, description="Harvest the centre believes (Mt)", **slider),
            "true_harvest_mt": w.FloatSlider(value=d["true_harvest_mt"], min=40, max=100, step=0.1, description="Harvest in the barns (Mt)", **slider),
            "plan_mt": w.FloatSlider(value=d["plan_mt"], min=0, max=60, step=0.1, description="Procurement plan (Mt)", **slider),
        }
        _wire(self.controls, "mh-grain", self._on_change)
        self.assumptions = {
            name: w.Text(value="", placeholder="your figure", description=label, continuous_update=True,
                         style={"description_width": "260px"}, layout=w.Layout(width="430px"))
            for name, (label, _zero) in self.ASSUMPTIONS.items()
        }
        _wire(self.assumptions, "mh-grain", self._on_assumption)  # typing changes only the per-person line
        self.figure = charts.figure_widget(
            title="What the same plan takes from each harvest, and what it leaves",
            x_title="The harvest the plan is taken from",
            y_title="Grain (million tonnes)",
            source=source, height=430,
        )
        self.figure.add_bar(name="taken by the plan", x=self.POSITIONS,
                            marker=dict(color=charts.PALETTE[5], pattern=dict(shape="/")))
        self.figure.add_bar(name="left after the plan", x=self.POSITIONS, marker=dict(color=charts.PALETTE[0]))
        self.figure.update_layout(barmode="stack", showlegend=True)
        charts.fit(self.figure)
        self.summary = w.HTML()
        self.summary.add_class("mh-grain-summary")
        self.per_person = w.HTML()
        self.per_person.add_class("mh-grain-per-person")
        self.description = _description()
        heading = w.HTML("<b>Your own assumptions</b> (the course found no source it could read for these; "
                         "anything computed from them rests on your figures, not on evidence):")
        self.view = _view([*self.controls.values(), self.figure, self.description, self.summary, heading,
                           *self.assumptions.values(), self.per_person])
        self._on_change()

    def params(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def _on_change(self, _change=None):
        p = self.params()
        try:
            believed = self._grain.plan_take(harvest_mt=p["reported_harvest_mt"], plan_mt=p["plan_mt"])
            barns = self._grain.plan_take(harvest_mt=p["true_harvest_mt"], plan_mt=p["plan_mt"])
        except self._grain.GrainInputError as exc:
            self.summary.value = f"<b>Cannot compute:</b> {html.escape(str(exc))}"
            return
        with self.figure.batch_update():
            self.figure.data[0].y = [min(t.plan_mt, t.harvest_mt) for t in (believed, barns)]
            self.figure.data[1].y = [believed.left_mt, barns.left_mt]
        self.description.value = _p(describe.procurement(self.POSITIONS, list(self.figure.data[0].y), list(self.figure.data[1].y)))
        text = (f"The plan of <b>{p['plan_mt']:.1f} Mt</b> is {believed.share:.0%} of the harvest the centre believes "
                f"({believed.harvest_mt:.1f} Mt) and <b>{barns.share:.0%}</b> of the harvest in the barns "
                f"({barns.harvest_mt:.1f} Mt). ")
        if barns.shortfall_mt:
            text += f"It cannot be met from the barns at all: it exceeds that harvest by <b>{barns.shortfall_mt:.1f} Mt</b>."
        else:
            gap = believed.left_mt - barns.left_mt
            text += (f"It leaves {believed.left_mt:.1f} Mt on paper and <b>{barns.left_mt:.1f} Mt</b> in the barns"
                     + (f", {gap:.1f} Mt less than the centre counts on." if gap > 0 else "."))
        self.summary.value = text
        self._on_assumption()

    def _on_assumption(self, _change=None):
        self.per_person.value = self._per_person(self.params())

    def _per_person(self, p: dict) -> str:
        g = self._grain
        try:
            values = {name: g.parse_assumption(label, self.assumptions[name].value, zero_ok=zero)
                      for name, (label, zero) in self.ASSUMPTIONS.items()}
        except g.GrainInputError as exc:
            return f"<b>Cannot use your figure:</b> {html.escape(str(exc))}"
        missing = [self.ASSUMPTIONS[n][0][0].lower() + self.ASSUMPTIONS[n][0][1:] for n, v in values.items() if v is None]
        if missing:
            return "Fill in " + ", ".join(missing) + " to see what is left per rural inhabitant."
        common = dict(procurement_mt=p["plan_mt"], seed_fodder_mt=values["seed_fodder_mt"],
                      rural_population_m=values["rural_population_m"], norm_kg=values["norm_kg"])
        paper = g.grain_left(harvest_mt=p["reported_harvest_mt"], **common)
        real = g.grain_left(harvest_mt=p["true_harvest_mt"], **common)
        prefix = "<i>On your assumptions, not the course's figures:</i> "
        if not real.feasible:
            return (prefix + f"the plan and the seed and fodder together exceed the harvest in the barns by "
                    f"<b>{real.shortfall_mt:.1f} Mt</b>; nothing is left to eat.")
        return (prefix + f"on paper each rural inhabitant keeps {paper.per_person_kg:.0f} kg a year "
                f"({paper.share_of_norm:.0%} of your norm); from the barns, <b>{real.per_person_kg:.0f} kg</b> "
                f"({real.share_of_norm:.0%} of it)"
                + (f", {real.deficit_mt:.1f} Mt short of the norm for everyone." if real.deficit_mt else "."))


class DecisionTimeline(_Displayable):
    """The decisions of 1932–33 on a time line, filtered by who took part (lesson 02).

    ``decisions`` needs the columns date, title, actors (';'-separated), initiated_by, signed_by,
    carried_out_by, summary and citation (the formatted source of each row).
    """

    def __init__(self, decisions: pd.DataFrame, source: str):
        self.decisions = decisions.sort_values("date").reset_index(drop=True)
        actors = sorted({a.strip() for cell in self.decisions["actors"] for a in str(cell).split(";") if a.strip()})
        self.actors = actors
        self.actor = w.Dropdown(options=["everyone"] + actors, value="everyone", description="Who took part",
                                style={"description_width": "110px"})
        self.actor.add_class("mh-timeline-actor")
        self.actor.observe(self._on_change, names="value")
        self.controls = {"actor": self.actor}
        first, last = self.decisions["date"].min().year, self.decisions["date"].max().year
        years = f"{first}–{last}" if first != last else f"{first}"
        self.figure = charts.figure_widget(
            title=f"Decisions on grain and the famine, {years}", x_title="Date", y_title=None, source=source,
            height=max(380, 120 + 24 * len(actors)))
        lanes = {a: i for i, a in enumerate(actors)}
        self._lane = lanes
        self.figure.add_scatter(name="decisions", mode="markers", marker=dict(size=14, color=charts.PALETTE[0],
                                symbol="diamond", line=dict(width=1, color="#222")), hovertemplate="%{text}<extra></extra>")
        self.figure.add_scatter(name="other decisions", mode="markers", marker=dict(size=10, color="#bbbbbb", symbol="circle-open"),
                                hovertemplate="%{text}<extra></extra>")
        self.figure.update_yaxes(visible=False, range=[-1, 1])
        self.figure.update_layout(showlegend=True)
        self.listing = w.HTML()
        self.listing.add_class("mh-timeline-listing")
        self.description = _description()
        self.view = _view([self.actor, self.figure, self.description, self.listing])
        self._on_change()

    def selected(self) -> pd.DataFrame:
        if self.actor.value == "everyone":
            return self.decisions
        mask = self.decisions["actors"].apply(lambda s: self.actor.value in [a.strip() for a in str(s).split(";")])
        return self.decisions[mask]

    def _hover(self, rows: pd.DataFrame) -> list[str]:
        return [f"<b>{html.escape(r.title)}</b><br>{r.date:%d %B %Y}<br>signed: {html.escape(r.signed_by)}<br>"
                f"{_wrap(r.summary, 60)}<br><i>{_wrap(r.citation, 60)}</i>" for r in rows.itertuples()]

    def _on_change(self, _change=None):
        chosen = self.selected()
        others = self.decisions.drop(chosen.index)
        # alternate heights so that decisions close in time do not cover each other
        height = {i: (0.35 if k % 2 else -0.35) for k, i in enumerate(self.decisions.index)}
        with self.figure.batch_update():
            for trace, rows in ((self.figure.data[0], chosen), (self.figure.data[1], others)):
                trace.x = [d.strftime("%Y-%m-%d") for d in rows["date"]]
                trace.y = [height[i] for i in rows.index]
                trace.text = self._hover(rows)
            self.figure.data[0].name = ("all decisions" if self.actor.value == "everyone"
                                        else f"with {self.actor.value}")
            self.figure.data[1].name = "other decisions"
            charts.fit(self.figure)
        self.description.value = _p(describe.timeline(chosen, len(self.decisions), self.actor.value))
        items = "".join(
            f"<li><b>{r.date:%d %b %Y}: {html.escape(r.title)}</b>. Initiated by {html.escape(r.initiated_by)}; "
            f"signed by {html.escape(r.signed_by)}; carried out by {html.escape(r.carried_out_by)}. "
            f"{html.escape(r.summary)} <i>({html.escape(r.citation)})</i></li>" for r in chosen.itertuples())
        self.listing.value = (f"<p><b>{len(chosen)}</b> of {len(self.decisions)} decisions"
                              f"{'' if self.actor.value == 'everyone' else ' with ' + html.escape(self.actor.value)}:</p>"
                              f"<ul>{items}</ul>")
