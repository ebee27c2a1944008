"""Lesson 02 (grain): the procurement calculator and the time line of decisions."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from .. import charts, data
from . import describe
from .a11y import view as _view
from .base import _description, _Displayable, _p, _wire, _wrap


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
        from .. import grain

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
            millions = "millions" in str(exc) and "not a number" in str(exc)
            return (f"<b>Cannot use your figure:</b> {html.escape(str(exc))}"
                    + (" This box counts millions: type 25 for 25 million people." if millions else ""))
        if values["rural_population_m"] is not None and values["rural_population_m"] > 1000:
            # 25000000 typed in a box that counts millions: 25 million million people, and "0 kg" each
            return ("<b>Cannot use your figure:</b> Rural population (millions): "
                    f"{values['rural_population_m']:g} million is more people than live on earth. This box counts "
                    "millions: type 25 for 25 million people.")
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


# The time line's rows: what the copy the course read shows of the signatures (the course's central evidence).
SIGNATURE_ROWS = ("signed by name", "no name on the copy read", "no signature (a record)", "signatures not checked")


def signature_row(signed_by) -> str:
    """The row of the decisions time line for a document's ``signed_by`` (one of SIGNATURE_ROWS)."""
    value = str(signed_by).strip()
    if value.startswith(data.NOT_CHECKED):
        return "signatures not checked"
    if value == "no signature" or value.startswith("not applicable"):
        return "no signature (a record)"
    if "no name" in value or "without a name" in value:
        return "no name on the copy read"
    return "signed by name"


class DecisionTimeline(_Displayable):
    """The decisions of 1932–33 on a time line, filtered by who took part (lesson 02).

    ``decisions`` needs the columns date, title, actors (';'-separated), initiated_by, signed_by,
    carried_out_by, summary and citation (the formatted source of each row).  The chart has one row for each kind
    of signature the documents show (``signature_row``), labelled on its y axis; documents close in time in a row
    are raised or lowered a little so that each stays visible and can be hovered.
    """

    MARKER_PX = 14

    def __init__(self, decisions: pd.DataFrame, source: str, subject: str = "Decisions on grain and the famine",
                 noun: str = "decisions"):
        self.noun = noun
        self.decisions = decisions.sort_values("date").reset_index(drop=True)
        actors = sorted({a.strip() for cell in self.decisions["actors"] for a in str(cell).split(";") if a.strip()},
                        key=str.casefold)
        self.actors = actors
        self.actor = w.Dropdown(options=["everyone"] + actors, value="everyone", description="Who took part",
                                style={"description_width": "110px"})
        self.actor.add_class("mh-timeline-actor")
        self.actor.observe(self._on_change, names="value")
        self.controls = {"actor": self.actor}
        first, last = self.decisions["date"].min().year, self.decisions["date"].max().year
        years = f"{first}–{last}" if first != last else f"{first}"
        kinds = self.decisions["signed_by"].map(signature_row)
        self.rows = [r for r in SIGNATURE_ROWS if (kinds == r).any()]
        self.decisions = self.decisions.assign(signatures=kinds)
        self.figure = charts.figure_widget(
            title=f"{subject}, {years}", x_title="Date", y_title="What the copy read shows", source=source,
            height=260 + 50 * len(self.rows))
        # the first row at the top; within a row, documents too close in time to tell apart are staggered
        level = {r: len(self.rows) - 1 - i for i, r in enumerate(self.rows)}
        days = (self.decisions["date"] - self.decisions["date"].min()).dt.days.astype(float)
        gap = (self.MARKER_PX + 2) * max(days.max(), 1.0) / (charts.PLANNED_WIDTH_PX - 220)
        offsets = charts.stagger(days, kinds, min_gap=gap, step=0.22, levels=3)
        self._y = {i: level[k] + o for i, k, o in zip(self.decisions.index, kinds, offsets)}
        self.figure.add_scatter(name="decisions", mode="markers", marker=dict(size=self.MARKER_PX, color=charts.PALETTE[0],
                                symbol="diamond", line=dict(width=1, color="#222")), hovertemplate="%{text}<extra></extra>")
        self.figure.add_scatter(name="other decisions", mode="markers", marker=dict(size=10, color="#bbbbbb", symbol="circle-open"),
                                hovertemplate="%{text}<extra></extra>")
        self.figure.update_yaxes(tickmode="array", tickvals=[level[r] for r in self.rows],
                                 ticktext=[_wrap(r, 14) for r in self.rows],
                                 range=[-0.6, len(self.rows) - 0.4], showgrid=True, zeroline=False, fixedrange=True)
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
        with self.figure.batch_update():
            for trace, rows in ((self.figure.data[0], chosen), (self.figure.data[1], others)):
                trace.x = [d.strftime("%Y-%m-%d") for d in rows["date"]]
                trace.y = [self._y[i] for i in rows.index]
                trace.text = self._hover(rows)
            self.figure.data[0].name = (f"all {self.noun}" if self.actor.value == "everyone"
                                        else f"with {self.actor.value}")
            self.figure.data[1].name = f"other {self.noun}"
            charts.fit(self.figure)
        rows = {r: int((chosen["signatures"] == r).sum()) for r in self.rows}
        self.description.value = _p(describe.timeline(chosen, len(self.decisions), self.actor.value, self.noun, rows))
        items = "".join(
            f"<li><b>{r.date:%d %b %Y}: {html.escape(r.title)}</b>. {_who(r)}. "
            f"{html.escape(r.summary)} <i>({html.escape(r.citation)})</i></li>" for r in chosen.itertuples())
        self.listing.value = (f"<p><b>{len(chosen)}</b> of {len(self.decisions)} {self.noun}"
                              f"{'' if self.actor.value == 'everyone' else ' with ' + html.escape(self.actor.value)}:</p>"
                              f"<ul>{items}</ul>")



def _who(row) -> str:
    """Who initiated, signed and carried out a document, as "Who initiated it: …; who signed: …; who carried it
    out: …", which reads well whether a cell holds a name, a sentence ("Mikoyan presented the item") or a caveat."""
    parts = []
    for label, value in (("who initiated it", row.initiated_by), ("who signed", row.signed_by),
                         ("who carried it out", row.carried_out_by)):
        value = str(value)
        if value == "no signature":
            value = "no signature (a record, which carries none)"
        else:  # "Kalinin; Molotov; Yenukidze" in the data reads "Kalinin, Molotov and Yenukidze" in a sentence
            names = [n.strip() for n in value.split(";") if n.strip()] or [value]
            value = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"{label}: {html.escape(value)}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:]
