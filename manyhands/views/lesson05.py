"""Lesson 05 (the verdict): the network of actors and documents, and the responsibility ledger the learner fills in."""

from __future__ import annotations

import html
import textwrap

import ipywidgets as w
import pandas as pd

from .. import charts, ledger, network
from . import describe
from .a11y import view as _view
from .base import _description, _Displayable, _kept_in_records, _p
from .ledger_table import Choice, LedgerTable
from .table import table

__all__ = ["Ledger", "NetworkView"]

# Actors: a colour and a symbol per level (Okabe and Ito's palette; never colour alone).
LEVEL_STYLE = {
    "leader": (charts.PALETTE[6], "star"),
    "inner circle": (charts.PALETTE[5], "diamond"),
    "central apparatus": (charts.PALETTE[0], "square"),
    "regional officials": (charts.PALETTE[1], "triangle-up"),
    "executors": (charts.PALETTE[2], "circle"),
    "others": (charts.PALETTE[3], "cross"),
}
# Edges: a dash and a width per role, in greys, so that they never compete with the actors' colours;
# 'resisted' alone is coloured, to stand out when a document records it.
ROLE_STYLE = {
    "initiated": dict(color="#000000", dash="solid", width=3),
    "signed": dict(color="#222222", dash="dash", width=2.2),
    "issued": dict(color="#555555", dash="dot", width=2),
    "carried out": dict(color="#777777", dash="dashdot", width=1.6),
    "resisted": dict(color=charts.PALETTE[4], dash="longdash", width=3),
}
DOCUMENT_STYLE = dict(color="#666666", symbol="square-open", size=11, line=dict(width=2))

LABEL_CHARS = 26      # an actor's name is wrapped at this width
LABEL_SIZE = 12       # px, the labels beside the nodes
ROW_PX = 19           # px per line of label in the actor column


def _key(role: str) -> str:
    return role.replace(" ", "_")


class NetworkView(_Displayable):
    """Who the documents name, and in which role (lesson 05): actors on the left (by level), documents on the right
    (by date), a line for each role an actor played in a document.

    ``roles`` is a table like data.load('decision_roles'); ``documents`` (optional: decision_id, date, title) adds
    dates and titles.  Controls: one checkbox per role (``controls['signed']`` …, ``controls['carried_out']``) and
    ``controls['regime']``.  ``summary`` is the table of the most connected actors under the chart.
    """

    TOP = 8

    def __init__(self, roles: pd.DataFrame, source: str, documents: pd.DataFrame | None = None):
        self.roles = network.check(roles)
        self.documents = documents
        self._docs = ({str(r["decision_id"]): r for r in documents.to_dict("records")} if documents is not None else {})
        present = set(self.roles["role"])
        self.controls: dict[str, w.Widget] = {}
        for role in network.ROLES:
            box = w.Checkbox(value=role in present, disabled=role not in present, indent=False,
                             description=role if role in present else f"{role} (no document records it)",
                             layout=w.Layout(width="auto", margin="0 14px 0 0"),
                             _dom_classes=(f"mh-network-{_key(role)}",))  # at construction: no second update
            self.controls[_key(role)] = box
        regimes = sorted(set(self.roles["regime"]))
        self.controls["regime"] = w.Dropdown(options=["all regimes", *regimes], value="all regimes", description="Regime",
                                             style={"description_width": "60px"}, layout=w.Layout(width="260px"),
                                             _dom_classes=("mh-network-regime",))
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        names = {f"mh-network-{_key(r)}": f"Show the role {r}" for r in network.ROLES}
        names["mh-network-regime"] = "Regime shown"
        self.figure = charts.figure_widget(
            title="Who the documents name, and in which role",
            x_title="Each line: an actor named in a document, drawn in the style of the role",
            y_title=None, source=source, height=400)
        for role in network.ROLES:
            self.figure.add_scatter(name=role, mode="lines", line=ROLE_STYLE[role], hoverinfo="skip", x=[], y=[])
        for level in network.LEVELS:
            color, symbol = LEVEL_STYLE[level]
            self.figure.add_scatter(name=level, mode="markers+text", x=[], y=[], textposition="middle left",
                                    marker=dict(color=color, symbol=symbol, size=13, line=dict(width=1, color="#222")),
                                    textfont=dict(size=LABEL_SIZE), cliponaxis=False,
                                    hovertemplate="%{customdata}<extra></extra>")
        self.figure.add_scatter(name="document", mode="markers+text", x=[], y=[], textposition="middle right",
                                marker=DOCUMENT_STYLE, textfont=dict(size=LABEL_SIZE), cliponaxis=False,
                                hovertemplate="%{customdata}<extra></extra>")
        self.figure.update_xaxes(showgrid=False, zeroline=False, showline=False, ticks="", fixedrange=True,
                                 tickmode="array", tickvals=[0, 1], ticktext=["People and bodies, by level", "Documents, by date"])
        self.figure.update_yaxes(fixedrange=True, showgrid=False, zeroline=False)
        self.figure.layout.margin.l = 20
        self.figure.layout.margin.r = 20
        self.description = _description()
        self.summary = w.HTML(_dom_classes=("mh-network-summary",))
        role_row = w.HBox([w.HTML("<b>Roles shown:</b>", layout=w.Layout(margin="0 10px 0 0")),
                           *[self.controls[_key(r)] for r in network.ROLES]], layout=w.Layout(flex_flow="row wrap"))
        self.view = _view([role_row, self.controls["regime"], self.figure, self.description, self.summary], names=names)
        self.graph = None
        self._on_change()

    # what is shown ------------------------------------------------------------------------------------------
    def roles_shown(self) -> list[str]:
        return [r for r in network.ROLES if self.controls[_key(r)].value]

    def regime(self) -> str:
        return self.controls["regime"].value

    def selected(self) -> pd.DataFrame:
        """The rows of the roles table that the chart shows."""
        regime = self.regime()
        return network.subset(self.roles, roles_kept=self.roles_shown(),
                              regimes=None if regime == "all regimes" else [regime])

    # drawing --------------------------------------------------------------------------------------------------
    def _doc_label(self, doc: str) -> str:
        date = self._docs.get(doc, {}).get("date")
        return f"{doc} ({date.day} {date:%b %Y})" if date is not None and not pd.isna(date) else doc

    def _doc_hover(self, doc: str, rows: pd.DataFrame) -> str:
        info = self._docs.get(doc, {})
        head = f"<b>{html.escape(doc)}</b>"
        if info.get("title"):
            head += ": " + "<br>".join(textwrap.wrap(html.escape(str(info["title"])), 60))
        if info.get("date") is not None and not pd.isna(info.get("date")):
            head += f"<br>{info['date'].day} {info['date']:%B %Y}"
        who = [f"{role}: {html.escape(', '.join(sorted(set(rows.loc[rows['role'] == role, 'actor']))))}"
               for role in network.ROLES if (rows["role"] == role).any()]
        return head + "<br>" + "<br>".join(who)

    @staticmethod
    def _actor_hover(row: dict) -> str:
        counts = ", ".join(f"{role} {row[role]}" for role in network.ROLES if row[role])
        n = row["documents"]
        return (f"<b>{html.escape(row['actor'])}</b> ({row['actor_level']})<br>named in {n} document{'s' * (n != 1)}"
                f"<br>{counts}")

    def _on_change(self, _change=None):
        rows = self.selected()
        graph = network.build(rows, documents=self.documents)
        self.graph = graph
        labels = {n: textwrap.wrap(str(n), LABEL_CHARS) or [str(n)]
                  for n, d in graph.nodes(data=True) if d["kind"] == "actor"}
        heights = {n: len(lines) for n, lines in labels.items()}
        pos = network.layout(graph, heights=heights)
        total = max([-y for _, y in pos.values()] + [0]) + 0.5 if pos else 1
        summary = network.actor_summary(rows)
        by_actor = {r["actor"]: r for r in summary.to_dict("records")}
        n_roles = len(network.ROLES)
        with self.figure.batch_update():
            for i, role in enumerate(network.ROLES):
                xs, ys = [], []
                for a, b, data in graph.edges(data=True):
                    if role not in data["roles"]:
                        continue
                    actor, doc = (a, b) if graph.nodes[a]["kind"] == "actor" else (b, a)
                    k, n = data["roles"].index(role), len(data["roles"])
                    shift = (k - (n - 1) / 2) * 0.14  # parallel lines when an actor played several roles
                    xs += [pos[actor][0], pos[doc][0], None]
                    ys += [pos[actor][1] + shift, pos[doc][1] + shift, None]
                trace = self.figure.data[i]
                trace.x, trace.y = xs, ys
                trace.visible = bool(xs)
            for j, level in enumerate(network.LEVELS):
                nodes = [n for n, d in graph.nodes(data=True) if d["kind"] == "actor" and d["level"] == level]
                trace = self.figure.data[n_roles + j]
                trace.x = [pos[n][0] for n in nodes]
                trace.y = [pos[n][1] for n in nodes]
                trace.text = ["<br>".join(labels[n]) for n in nodes]
                trace.customdata = [self._actor_hover(by_actor[n]) for n in nodes]
                trace.visible = bool(nodes)
            docs = sorted((n for n, d in graph.nodes(data=True) if d["kind"] == "document"), key=lambda n: pos[n][1], reverse=True)
            trace = self.figure.data[-1]
            trace.x = [pos[n][0] for n in docs]
            trace.y = [pos[n][1] for n in docs]
            trace.text = [self._doc_label(n) for n in docs]
            trace.customdata = [self._doc_hover(n, rows[rows["decision_id"] == n]) for n in docs]
            trace.visible = bool(docs)
        self._fit_ranges(labels, [self._doc_label(n) for n in docs], total)  # after the batch: fit reads the traces
        self.description.value = _p(describe.network(summary, len(docs), graph.number_of_edges(), self.roles_shown(),
                                                     self.regime()))
        self.summary.value = self._summary_html(summary)

    def _fit_ranges(self, labels: dict, doc_labels: list[str], total: float):
        """Room for the labels on either side at the narrowest planned width, and a plot tall enough for every row."""
        char = LABEL_SIZE * charts._CHAR_PX
        left = max([len(line) for lines in labels.values() for line in lines] + [10]) * char + 22
        right = max([len(t) for t in doc_labels] + [6]) * char + 22
        width = charts.PLANNED_WIDTH_PX - 40
        gap = max(width - left - right, 120)
        self.figure.update_xaxes(range=[-left / gap, 1 + right / gap])
        self.figure.update_yaxes(range=[-total - 0.3, 0.3])
        plot_px = max(200, int(total * ROW_PX) + 40)
        self.figure.layout.meta = dict(plot_height=plot_px + 140)
        charts.fit(self.figure)

    def _summary_html(self, summary: pd.DataFrame) -> str:
        if summary.empty:
            return "<p>No actor is shown.</p>"
        shown = summary.head(self.TOP).rename(columns={"actor": "Actor", "actor_level": "Level",
                                                        "documents": "Documents naming them"})
        keep = ["Actor", "Level", "Documents naming them", *[r for r in network.ROLES if shown[r].any()]]
        caption = f"The {min(self.TOP, len(summary))} most connected of the {len(summary)} actors shown (documents and roles counted)"
        return table(shown[keep], caption=caption, precision=0).to_html()


class Ledger(_Displayable):
    """The responsibility ledger (lesson 05): for each case and each level of actors, what the documents show they did
    and a judgement under each of Jaspers's four kinds of guilt.

    ``cases`` is a list of (case_id, label); ``actors`` a list of names or (id, label) pairs (e.g. network.LEVELS).
    ``save`` is called with ``value()`` when the learner presses Save; ``record`` names a key of the learner's records
    file to read from and save to instead; ``saved`` is a dict that ``value()`` gave before
    (a damaged or partial one is restored as far as it fits, with a message).  ``control(case, actor, field)`` gives one
    menu (field: 'did' or a kind of guilt; its ``value`` is read and set as a Dropdown's); ``controls`` holds them all,
    keyed by (case, actor, field), and the evidence boxes keyed by (case, 'evidence').  ``table`` is the one widget that
    draws them all in the page (manyhands.views.ledger_table).
    """

    DID_LABEL = "What the documents show they did (the most serious)"

    def __init__(self, cases, actors, save=None, saved=None, record: str | None = None):
        self._record, self._saving = record, False
        saved, save = _kept_in_records(record, saved, save, self._records_changed)
        self.cases = ledger.pairs(cases, "case")
        self.actors = ledger.pairs(actors, "actor")
        self._save = save
        # one light widget draws every case's table of menus and its evidence box (manyhands.views.ledger_table);
        # 120 ipywidgets Dropdowns cost about 800 kB over the websocket on Run All, this a few kilobytes
        fields = [("did", self.DID_LABEL, self.DID_LABEL.lower(), "did"),
                  *[(kind, f"{kind.capitalize()} guilt", f"{kind} guilt", "degree") for kind in ledger.GUILT]]
        self.table = LedgerTable(
            [label for _, label in self.cases], [label for _, label in self.actors], fields,
            {"did": [("—", ""), *[(d, d) for d in ledger.DEEDS]], "degree": [("—", ""), *[(d, d) for d in ledger.DEGREES]]},
            evidence_name="the documents and reasons behind your answers",
            evidence_placeholder="Which documents and which of their columns (e.g. d04, signed_by), and why")
        self._restoring = False
        self.controls: dict[tuple, Choice] = {}
        for i, (cid, _clabel) in enumerate(self.cases):
            for j, (aid, _alabel) in enumerate(self.actors):
                for field, *_rest in fields:
                    self.controls[(cid, aid, field)] = self.table.choices[f"{i}-{j}-{field}"]
            self.controls[(cid, "evidence")] = self.table.choices[f"{i}-evidence"]
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        names = self.table.names()
        # classes given at construction: add_class() afterwards sends each widget's state a second time
        self.progress = w.HTML(_dom_classes=("mh-ledger-progress",))
        self.status = w.HTML(layout=w.Layout(margin="0 0 0 12px"), _dom_classes=("mh-ledger-status",))
        self.save_button = w.Button(description="Save my ledger", icon="save", layout=w.Layout(width="auto"),
                                    _dom_classes=("mh-ledger-save",))
        self.save_button.on_click(self.save)
        if save is None:
            self.save_button.layout.display = "none"
        self.view = _view([self.table, self.progress, w.HBox([self.save_button, self.status])], names=names, css="mh-ledger")
        if saved is not None:
            self.restore(saved)
        self._on_change()

    def control(self, case: str, actor: str, field: str = "did") -> Choice:
        try:
            return self.controls[(case, actor, field)]
        except KeyError:
            raise KeyError(f"No control for case {case!r}, actor {actor!r}, field {field!r}: fields are 'did' and "
                           + ", ".join(repr(g) for g in ledger.GUILT)) from None

    def value(self) -> dict:
        """The ledger as a JSON-ready dict (see manyhands.ledger): None where nothing is chosen yet."""
        out = ledger.blank(self.cases, self.actors)
        for cid, case in out["cases"].items():
            case["evidence"] = self.controls[(cid, "evidence")].value
            for aid, entry in case["actors"].items():
                entry["did"] = self.controls[(cid, aid, "did")].value or None
                for kind in ledger.GUILT:
                    entry["guilt"][kind] = self.controls[(cid, aid, kind)].value or None
        return out

    def restore(self, saved) -> list[str]:
        """Set the controls from a saved ledger; return (and show) what could not be restored."""
        value, problems = ledger.restore(saved, self.cases, self.actors)
        self._restoring = True
        try:  # one update of the table's values, not one per choice
            values = {}
            for i, (cid, _label) in enumerate(self.cases):
                case = value["cases"][cid]
                values[f"{i}-evidence"] = case["evidence"]
                for j, (aid, _alabel) in enumerate(self.actors):
                    entry = case["actors"][aid]
                    values[f"{i}-{j}-did"] = entry["did"] or ""
                    for kind in ledger.GUILT:
                        values[f"{i}-{j}-{kind}"] = entry["guilt"][kind] or ""
            self.table.values = {k: v for k, v in values.items() if v}
        finally:
            self._restoring = False
        done, _total = ledger.answered(value)
        text = f"Your saved ledger is back ({done} choice{'s' * (done != 1)} made)."
        if problems:
            shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
            text += f" Left out, because it does not fit this ledger: {html.escape(shown, quote=False)}."
        self.status.value = text
        self._on_change()
        return problems

    def _records_changed(self, _path) -> None:
        """The records file changed (an upload, say): show the ledger it now holds, unless this ledger saved it."""
        from .. import records

        if self._saving:
            return
        saved = records.get(self._record)
        if saved is not None and saved != self.value():
            self.restore(saved)

    def save(self, _button=None) -> dict:
        """Hand ``value()`` to the ``save`` callable; say whether it worked."""
        value = self.value()
        if self._save is None:
            self.status.value = "Saving is not set up in this notebook."
            return value
        self._saving = True
        try:
            self._save(value)
        except Exception as exc:  # the learner sees why, and the ledger stays on screen
            self.status.value = f"<b>Could not save:</b> {html.escape(str(exc) or type(exc).__name__)}"
        else:
            done, total = ledger.answered(value)
            self.status.value = f"Saved ({done} of {total} choices made)."
        finally:
            self._saving = False
        return value

    def _on_change(self, _change=None):
        if self._restoring:
            return
        done, total = ledger.answered(self.value())
        self.progress.value = f"<p>{done} of {total} choices made.</p>"
        if _change is not None and self._save is not None:
            self.status.value = "Changed since you last saved."


class EarlierPosition(_Displayable):
    """Where the learner stood in an earlier lesson, read from the records file, in words; kept up to date when an
    upload restores the records.  A missing position is said plainly, with the three ways to get it back."""

    def __init__(self, lesson: str = "00"):
        from .. import records, stance

        self._stance, self._records = stance, records
        self.lesson = lesson
        self.message = w.HTML()
        self.message.add_class("mh-earlier-position")
        self.view = _view([self.message])
        self.refresh()
        records.on_change(self._changed)

    def _changed(self, _path):
        self.refresh()

    def position(self) -> int | None:
        history, _ = self._stance.load_history()
        return self._stance.latest(history, self.lesson)

    def refresh(self) -> None:
        history, note = self._stance.load_history()
        value = self._stance.latest(history, self.lesson)
        if value is None:
            where = html.escape(self._records.records_path().name)
            self.message.value = (
                f"<p style='max-width:60em'><b>No position from lesson {html.escape(self.lesson)} was found</b> in your "
                f"records file ({where}). If you saved it on another computer or in an earlier Binder session, "
                "upload your downloaded copy with the panel below and this message will change; or go back to lesson "
                f"{html.escape(self.lesson)} and record it; or simply mark below where you think you stood then, and "
                "say so in your answer.</p>")
            return
        entry = [r for r in history if r["lesson"] == self.lesson][-1]
        when = f", saved {html.escape(entry['saved_at'][:10])}" if entry.get("saved_at") else ""
        self.message.value = (
            f"<p style='max-width:60em'>In lesson {html.escape(self.lesson)} you stood at <b>{value}</b> on the scale "
            f"from 0 (the leader decides) to 10 (the system decides): "
            f"<b>{html.escape(self._stance.describe(value))}</b>{when}.</p>")
