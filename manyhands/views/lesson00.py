"""Lesson 00 (two comments): the claim sorter, the stance scale and the map of the debates."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from .. import charts, claims, data, stance
from .. import records as mh_records
from . import describe
from .a11y import view as _view
from .base import _description, _Displayable, _p, _text_side, _wrap


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
    """Where do you stand between "the leader decides" and "the system decides"? Saved in the records file.

    Nothing is marked until the learner moves the slider (the handle rests in the middle only because a slider
    must rest somewhere); reopening after a save starts from the saved position."""

    def __init__(self, lesson: str, path=None):
        self.lesson = lesson
        self.path = path
        self._saving = False
        self._file = Path(path) if path else stance.stance_path()
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
        # flex 0 0 auto: the status beside it never squeezes the label to "Choose a positio…"
        self.save_button = w.Button(icon="save", layout=w.Layout(width="auto", flex="0 0 auto"))
        self.save_button.on_click(lambda _b: self.save())
        hint = "" if self.chosen else " Move the slider (or use the arrow keys) to where you stand."
        if not records and not self.chosen and message.startswith("No saved position yet"):
            message = "No position saved yet."  # one sentence, not two saying the same
        self.status = w.HTML(f"<i>{html.escape(message + hint)}</i>")
        self.controls = {"position": self.slider}
        self.figure = charts.figure_widget(
            title="Where you stand",
            x_title="0 = the leader decides … 10 = the system decides (position on the course scale)",
            y_title=None,
            source="Source: your own answers, saved in your records file",
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
            name="now", mode="markers", marker=dict(symbol="diamond", size=20, color=charts.PALETTE[5]),
            cliponaxis=False, showlegend=True, hoverinfo="text",
        )
        # the words for the position: above the marker, joined to it by a line, so that they never sit over
        # (and seem to name) a position saved earlier on the row below
        self.figure.add_annotation(name="now label", text="", x=5, y=0, xref="x", yref="y", visible=False,
                                   showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor="#444", standoff=11,
                                   ax=0, ay=-38, yanchor="bottom", font=dict(color="#222"))
        self._mark()
        charts.fit(self.figure)
        self.description = _description()
        self.slider.observe(self._on_change, names="value")
        self.view = _view([
            w.HTML(f"<small>0: {html.escape(stance.POLES[0])}<br>10: {html.escape(stance.POLES[10])}</small>"),
            self.slider, self.figure, self.description, w.HBox([self.save_button, self.status]),
        ], {"mh-stance-slider": "Your position, from 0 (the leader decides) to 10 (the system decides)"})
        self._describe()
        mh_records.on_change(self._records_changed)

    def _records_changed(self, path):
        """The records file changed (an upload restored positions, say): show the positions it holds now."""
        if self._saving or Path(path) != self._file:
            return
        history, _ = stance.load_history(self.path)
        if history == self.history:
            return
        self.history = history
        with self.figure.batch_update():
            self.figure.data[0].x = [r["value"] for r in history]
            self.figure.data[0].y = [0] * len(history)
            self.figure.data[0].text = [f"lesson {r['lesson']}, {r['saved_at']}" for r in history]
        start = stance.latest(history, self.lesson)
        if not self.chosen and start is not None:
            self.chosen = True
            self.slider.value = start
        self._mark()
        self._describe()

    def _mark(self):
        value = self.slider.value if self.chosen else None
        with self.figure.batch_update():
            marker = self.figure.data[1]
            marker.x = [] if value is None else [value]
            marker.y = [] if value is None else [0]
            marker.text = [] if value is None else [stance.describe(value)]
            label = next(a for a in self.figure.layout.annotations if a.name == "now label")
            label.update(_now_label(value))
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
        self._saving = True  # this save's own change notice is not news to this view
        try:
            entry = stance.save_stance(self.lesson, self.slider.value, self.path)
        except OSError as exc:
            self.status.value = f"<b>Could not save</b> ({html.escape(str(exc))}). Note your position ({self.slider.value}) by hand."
            return {}
        finally:
            self._saving = False
        self.history.append(entry)
        self.status.value = f"Saved: {entry['value']} ({html.escape(stance.describe(entry['value']))}) for lesson {entry['lesson']}."
        self._describe()
        return entry


def _now_label(value: int | None) -> dict:
    """Where the stance chart writes the words for the position ``value``: centred above its marker in the middle
    of the scale; towards either pole the words end (or start) over the marker, so that they stay inside the chart
    and lie on the pole's side, with the line from them pointing at the marker."""
    if value is None:
        return dict(visible=False, text="")
    side = _text_side(value)
    xanchor = "left" if side == "top right" else "right" if side == "top left" else "center"
    return dict(visible=True, text=stance.describe(value), x=value, xanchor=xanchor,
                ax={"left": -8, "right": 8, "center": 0}[xanchor])


class DebateMap(_Displayable):
    """The historiography as a timeline of key works, coloured by emphasis; pick a debate to bring it forward."""

    MARKER_PX = 13

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
        # one row per debate (first at the bottom); works a few years apart in a row are raised or lowered a little,
        # so that each marker stays visible and can be hovered (the famine's 2004, 2005, 2007 and 2008, say)
        row = {d: i for i, d in enumerate(debates)}
        years = self.works["year_published"].astype(float)
        # the plot's planned width: the chart's less the debates' labels (about 230 px) and the right margin
        gap = (self.MARKER_PX + 4) * (years.max() - years.min()) / (charts.PLANNED_WIDTH_PX - 260)
        offsets = charts.stagger(years, self.works["debate"], min_gap=gap, step=0.22, levels=3)
        self.works = self.works.assign(hover=hover, y=[row[d] + o for d, o in zip(self.works["debate"], offsets)])
        for i, emphasis in enumerate(dict.fromkeys(self.works["emphasis"])):
            part = self.works[self.works["emphasis"] == emphasis]
            self.figure.add_scatter(
                name=emphasis, x=part["year_published"].tolist(), y=part["y"].tolist(), mode="markers",
                marker=dict(size=self.MARKER_PX, color=charts.PALETTE[i % len(charts.PALETTE)],
                            symbol=charts.SYMBOLS[i % len(charts.SYMBOLS)], line=dict(width=1, color="#222")),
                text=part["hover"].tolist(), hoverinfo="text", customdata=part["debate"].tolist(),
            )
        self.figure.update_yaxes(tickmode="array", tickvals=list(range(len(debates))), range=[-0.6, len(debates) - 0.4],
                                 ticktext=["<br>".join(charts._wrap(d, 28)) for d in debates], zeroline=False)
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
                    trace.selectedpoints = [i for i, d in enumerate(trace.customdata) if d == chosen]
                    trace.selected = dict(marker=dict(opacity=1.0))
                    trace.unselected = dict(marker=dict(opacity=0.15))
        self._describe()
