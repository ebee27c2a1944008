"""Lesson 03 (terror by quota): convictions and death sentences by year, the quota model, the lists' signatories."""

from __future__ import annotations


import ipywidgets as w
import pandas as pd

from .. import charts
from .a11y import view as _view
from .base import DescribedFigure, ModelView, _description, _Displayable, _p, _wire


# ---- the charts in words ------------------------------------------------------------------------

def repression_words(table: pd.DataFrame, series: str = "both") -> str:
    """A text alternative for the chart of convictions and death sentences by year."""
    t = table.set_index("year")
    parts = []
    if series in ("convicted", "both"):
        peak = int(t["convicted"].idxmax())
        parts.append(f"Convictions peak in {peak} at {int(t.loc[peak, 'convicted']):,}")
    if series in ("death sentences", "both"):
        peak = int(t["death_sentences"].idxmax())
        two = int(t.loc[1937, "death_sentences"] + t.loc[1938, "death_sentences"])
        share = two / int(t["death_sentences"].sum())
        parts.append(f"death sentences peak in {peak} at {int(t.loc[peak, 'death_sentences']):,}; 1937 and 1938 "
                     f"together account for {two:,}, {share:.0%} of all the death sentences of 1921 to mid-1953")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + ". Before 1937 and after 1938 the yearly figures are far lower."


# Where the model stops meaning anything: the documents show limits that grew to five or six times the first ones
# (lesson 03, checkpoint 4); past a hundred times the model describes nothing that happened.
MEANINGFUL_GROWTH = 100.0
# The number shot under Order 00447 as a multiple of the first limit of category 1 (75,950): at least 387,000 on the
# NKVD's central accounts, up to 445,000 on Roginsky and Petrov's estimate (Werth 2010).
ORDER_00447_RANGE = (387_000 / 75_950, 445_000 / 75_950)


def _times(x: float) -> str:
    return f"{x:.2f}" if x < 1000 else "more than a thousand"


def quota_words(run) -> str:
    if run is None:
        return "No run: the model refused the settings."
    total = run.total
    text = (f"The regions' limits add up to {total.iloc[0]:,.0f} model units at the start and "
            + (f"{total.iloc[-1]:,.0f}" if run.growth < 1000 else "more than a thousand times that")
            + f" after {len(total) - 1} rounds: {_times(run.growth)} times the first limits.")
    if run.growth > MEANINGFUL_GROWTH:
        text += (f" That is past anything the documents show (five to six times): with these settings the model has "
                 "stopped describing the terror and only shows what unchecked requests would do.")
    return text


def lists_words(lists: pd.DataFrame) -> str:
    ordered = lists.sort_values("lists_high", ascending=False)
    items = [f"{r.signatory} {r.lists_low}" + (f" to {r.lists_high}" if r.lists_high != r.lists_low else "")
             for r in ordered.itertuples()]
    return "Lists signed, as the sources give them: " + ", ".join(items) + "."


# ---- views --------------------------------------------------------------------------------------

class RepressionChart(_Displayable):
    """People convicted in cases of the political police, and death sentences, by year (lesson 03)."""

    def __init__(self, table: pd.DataFrame, source: str):
        self.table = table.sort_values("year").reset_index(drop=True)
        self.series = w.ToggleButtons(options=["convicted", "death sentences", "both"], value="both", description="Show")
        self.controls = {"series": self.series}
        _wire(self.controls, "mh-repression", self._redraw)
        self.figure = charts.figure_widget(
            title="Convicted in cases of the political police, and sentenced to death, 1921–1953",
            x_title="Year (1953: first half only)", y_title="Persons", source=source, height=460)
        t = self.table
        labels = [f"{y}" + (" (Jan–Jun)" if p == "first half" else "") for y, p in zip(t["year"], t["period"])]
        self.figure.add_bar(name="convicted", x=t["year"].tolist(), y=t["convicted"].astype(int).tolist(),
                            marker=dict(color=charts.PALETTE[0], pattern=dict(shape="")), text=labels,
                            hovertemplate="%{text}: %{y:,} convicted<extra></extra>", textposition="none")
        self.figure.add_scatter(name="sentenced to death", x=t["year"].tolist(), y=t["death_sentences"].astype(int).tolist(),
                                mode="lines+markers", line=dict(color=charts.PALETTE[5], dash="dash"),
                                marker=dict(symbol="diamond", size=8), text=labels,
                                hovertemplate="%{text}: %{y:,} sentenced to death<extra></extra>")
        charts.fit(self.figure)
        self.description = _description()
        self.view = _view([self.series, self.figure, self.description])
        self._redraw()

    TITLES = {"convicted": "Convicted in cases of the political police, 1921–1953",
              "death sentences": "Sentenced to death in cases of the political police, 1921–1953",
              "both": "Convicted in cases of the political police, and sentenced to death, 1921–1953"}

    def _redraw(self, _change=None):
        chosen = self.series.value
        with self.figure.batch_update():
            self.figure.data[0].visible = chosen in ("convicted", "both")
            self.figure.data[1].visible = chosen in ("death sentences", "both")
            self.figure.layout.title.text = self.TITLES[chosen]  # the title names what is shown
        charts.fit(self.figure)
        self.description.value = _p(repression_words(self.table, chosen))


class QuotaModel(ModelView):
    """Sliders for manyhands.terror: how limits escalate through requests from below (a thought experiment)."""

    def __init__(self, first_limits=(1000.0, 1000.0, 1000.0, 1000.0, 1000.0), reference: float | None = None,
                 reference_label: str = "", reference_high: float | None = None):
        from .. import terror

        self._terror = terror
        self.error = terror.QuotaError
        self.first_limits = list(first_limits)
        slider = dict(style={"description_width": "230px"}, layout=w.Layout(width="560px"), continuous_update=True)
        self.controls = {
            "zeal": w.FloatSlider(value=0.05, min=0, max=0.5, step=0.01, description="Zeal (extra asked each round)", readout_format=".0%", **slider),
            "fear": w.FloatSlider(value=0.0, min=0, max=2, step=0.1, description="Fear of looking soft", **slider),
            "approval": w.FloatSlider(value=1.0, min=0, max=1, step=0.05, description="Share the centre approves", readout_format=".0%", **slider),
            "rounds": w.IntSlider(value=6, min=1, max=terror.MAX_ROUNDS, description="Rounds of requests", **slider),
        }
        _wire(self.controls, "mh-quota", self._on_change)
        self.figure = charts.figure_widget(
            title="What the limits become when regions ask for more",
            x_title="Round of requests (0 = the first limits)", y_title="Total of the limits (first limits = 1)",
            source="Source: manyhands.terror model, with the parameters set above (a thought experiment, not data)",
            height=420)
        self.figure.add_scatter(name="the model's total", mode="lines+markers", line=dict(color=charts.PALETTE[0]),
                                marker=dict(symbol="circle", size=8))
        self.reference, self.reference_high = reference, reference_high if reference else None
        if reference:  # a range where the sources give one: the low end dotted, the high end dashed
            self.figure.add_scatter(name=reference_label or "historical ratio", mode="lines",
                                    line=dict(color=charts.PALETTE[6], dash="dot"))
        if self.reference_high:
            self.figure.add_scatter(name="the higher estimate", mode="lines",
                                    line=dict(color=charts.PALETTE[6], dash="dash"))
        self.figure.update_yaxes(rangemode="tozero")
        charts.fit(self.figure)
        self._finish("mh-quota")

    words = staticmethod(quota_words)

    @classmethod
    def with_order_00447(cls) -> "QuotaModel":
        """The model with the range of Order 00447 drawn on it (the constants above, with their sources), so the
        lesson's code cell does not show checkpoint 4's answer."""
        low, high = ORDER_00447_RANGE
        return cls(reference=low, reference_high=high,
                   reference_label="shot under Order 00447 (NKVD accounts), as a multiple of the first limit")

    def _simulate(self, params: dict):
        return self._terror.simulate(first_limits=self.first_limits, **params)

    def _draw(self, run) -> str:
        ratio = (run.total / run.total.iloc[0]).tolist()
        rounds = list(range(len(ratio)))
        with self.figure.batch_update():
            self.figure.data[0].x, self.figure.data[0].y = rounds, [min(r, MEANINGFUL_GROWTH) for r in ratio]
            self.figure.update_yaxes(range=[0, MEANINGFUL_GROWTH * 1.05] if max(ratio) > MEANINGFUL_GROWTH else None,
                                     autorange=max(ratio) <= MEANINGFUL_GROWTH)
            if self.reference:
                self.figure.data[1].x, self.figure.data[1].y = [0, rounds[-1]], [self.reference, self.reference]
            if self.reference_high:
                self.figure.data[2].x, self.figure.data[2].y = [0, rounds[-1]], [self.reference_high] * 2
        if self.reference_high:
            where = (f" The dotted and dashed lines mark {self.reference:.1f} and {self.reference_high:.1f}, the range "
                     "of the historical ratio given in the text.")
        elif self.reference:
            where = f" The dotted line marks {self.reference:.1f}, the historical ratio given in the text."
        else:
            where = ""
        if run.growth > MEANINGFUL_GROWTH:
            where += (f" The chart stops at {MEANINGFUL_GROWTH:.0f} times: past that the model describes nothing "
                      "the documents show.")
        return f"After {rounds[-1]} rounds the limits stand at <b>{_times(run.growth)}</b> times the first ones." + where


def lists_chart(lists: pd.DataFrame, source: str) -> DescribedFigure:
    """How many of the NKVD's lists each Politburo member signed, as a range across the sources read."""
    t = lists.sort_values("lists_high")
    fig = DescribedFigure()
    charts.style(fig, title="Lists of names signed by members of the Politburo, 1936–1938",
                 x_title="Lists signed (the bar: the fewest any source gives; the whisker: the most)",
                 y_title="Member of the Politburo", source=source, height=380)
    fig.add_bar(orientation="h", name="lists signed", y=t["signatory"].tolist(), x=t["lists_low"].astype(int).tolist(),
                marker=dict(color=charts.PALETTE[0]),
                error_x=dict(type="data", symmetric=False, array=(t["lists_high"] - t["lists_low"]).astype(int).tolist(),
                             arrayminus=[0] * len(t), color="#222"),
                hovertemplate="%{y}: %{x} lists or more<extra></extra>")
    fig.update_layout(showlegend=False)
    charts.fit(fig)
    fig.description = _description()
    fig.description.value = _p(lists_words(lists))
    return fig
