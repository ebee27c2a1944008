"""The responsibility ledger's grid of choices drawn as one light widget: one HTML table per case with native
``<select>`` menus and an evidence box, instead of one ipywidgets Dropdown (with its own layout and style models)
per choice.

Lesson 05's ledger has 4 cases x 6 levels x 5 fields = 120 choices.  As ipywidgets they cost about 800 kB over the
kernel's websocket on Run All (each Dropdown is three widget models, and each HTML cell two); as this one widget,
a few kilobytes: the table's labels once (``spec``) and the choices made so far (``values``, only the non-empty
ones).  ``LedgerTable.choices`` holds, for each choice, a ``Choice``: what the Python side reads and sets, with
``value`` and ``observe`` as on an ipywidgets control, and the CSS class and accessible name the browser shows.
"""

from __future__ import annotations

import html

import anywidget
import traitlets

__all__ = ["Choice", "LedgerTable"]

_ESM = r"""
const TABLE_CSS = 'border-collapse:collapse;margin:0 0 0.4em';
const CELL_CSS = 'padding:2px 6px;text-align:left;vertical-align:middle';

function render({ model, el }) {
  const spec = model.get('spec') || {};
  const inputs = {};
  const current = () => model.get('values') || {};
  const send = (key, value) => {
    const next = Object.assign({}, current());
    if (value) next[key] = value; else delete next[key];
    model.set('values', next);
    model.save_changes();
  };
  const select = (key, options, name) => {
    const box = document.createElement('span');
    box.className = 'mh-ledger-' + key;
    const menu = document.createElement('select');
    menu.setAttribute('aria-label', name);
    menu.style.cssText = 'max-width:100%';
    for (const [label, value] of options) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      menu.appendChild(option);
    }
    menu.addEventListener('change', () => send(key, menu.value));
    box.appendChild(menu);
    inputs[key] = menu;
    return box;
  };
  (spec.cases || []).forEach((caseLabel, i) => {
    const heading = document.createElement('p');
    heading.className = 'mh-ledger-case';
    heading.style.cssText = 'margin:1em 0 0.3em';
    const bold = document.createElement('b');
    bold.textContent = 'Case ' + (i + 1) + ': ' + caseLabel;
    heading.appendChild(bold);
    const table = document.createElement('table');
    table.style.cssText = TABLE_CSS;
    const head = table.createTHead().insertRow();
    for (const text of ['Actors', ...spec.fields.map(f => f[1])]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.style.cssText = CELL_CSS + ';max-width:12em';
      th.textContent = text;
      head.appendChild(th);
    }
    const body = table.createTBody();
    (spec.actors || []).forEach((actorLabel, j) => {
      const row = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.style.cssText = CELL_CSS + ';font-weight:normal';
      th.textContent = actorLabel;
      row.appendChild(th);
      for (const [field, _title, what, options] of spec.fields) {
        const td = row.insertCell();
        td.style.cssText = CELL_CSS;
        td.appendChild(select(i + '-' + j + '-' + field, spec.options[options],
                              caseLabel + ', ' + actorLabel + ': ' + what));
      }
    });
    const evidence = document.createElement('div');
    const key = i + '-evidence';
    evidence.className = 'mh-ledger-' + key;
    evidence.style.cssText = 'display:flex;align-items:flex-start;gap:8px;margin:0 0 0.4em';
    const label = document.createElement('span');
    label.textContent = 'Evidence';
    label.setAttribute('aria-hidden', 'true');
    label.style.cssText = 'width:70px;text-align:right;padding-top:4px';
    const text = document.createElement('textarea');
    text.setAttribute('aria-label', caseLabel + ': ' + spec.evidence_name);
    text.placeholder = spec.evidence_placeholder || '';
    text.style.cssText = 'width:600px;max-width:100%;height:60px;box-sizing:border-box';
    let timer = null;
    const flush = () => { clearTimeout(timer); timer = null; if ((current()[key] || '') !== text.value) send(key, text.value); };
    text.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(flush, 400); });
    text.addEventListener('change', flush);
    inputs[key] = text;
    evidence.append(label, text);
    el.append(heading, table, evidence);
  });
  const draw = () => {
    const values = current();
    for (const [key, input] of Object.entries(inputs)) {
      if (input === document.activeElement && input.tagName === 'TEXTAREA') continue;  // never under the learner's typing
      const value = values[key] || '';
      if (input.value !== value) input.value = value;
    }
  };
  draw();
  model.on('change:values', draw);
  return () => model.off('change:values', draw);
}
export default { render };
"""


class Choice(traitlets.HasTraits):
    """One choice of the ledger (a menu, or the evidence text) as the Python side sees it: ``value`` (and
    ``observe``) as on an ipywidgets control; ``options`` the (label, value) pairs of a menu (None for text);
    ``_dom_classes`` the CSS class its element has in the page."""

    value = traitlets.Unicode("")
    description = traitlets.Unicode("")

    def __init__(self, table: LedgerTable, key: str, options, description: str = "", placeholder: str = ""):
        super().__init__(description=description)
        self._table, self._key = table, key
        self.options = tuple(options) if options is not None else None
        self.placeholder = placeholder
        self._dom_classes = (f"mh-ledger-{key}",)
        self.observe(self._changed, names="value")

    @traitlets.validate("value")
    def _valid(self, proposal):
        value = proposal["value"]
        if self.options is not None and value not in [v for _, v in self.options]:
            raise traitlets.TraitError(f"{value!r} is not one of the choices {[v for _, v in self.options]}")
        return value

    @property
    def label(self) -> str:
        """The text shown for the value (the website's static page shows it)."""
        if self.options is None:
            return self.value
        return dict((v, k) for k, v in self.options)[self.value]

    def _changed(self, change) -> None:
        self._table._set(self._key, change["new"])


class LedgerTable(anywidget.AnyWidget):
    """The ledger's cases as tables of menus (see the module's docstring).  ``spec`` holds the labels, ``values``
    the non-empty choices by key (``'{case}-{actor}-{field}'`` or ``'{case}-evidence'``, by position)."""

    _esm = _ESM
    spec = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)

    def __init__(self, cases: list[str], actors: list[str], fields: list[tuple], options: dict,
                 evidence_name: str, evidence_placeholder: str, **kwargs):
        """``fields``: (field, column title, words for its accessible name, key of ``options``) for each column;
        ``options``: lists of (label, value) pairs by key."""
        super().__init__(spec={"cases": list(cases), "actors": list(actors), "fields": [list(f) for f in fields],
                               "options": {k: [list(o) for o in v] for k, v in options.items()},
                               "evidence_name": evidence_name, "evidence_placeholder": evidence_placeholder}, **kwargs)
        self.choices: dict[str, Choice] = {}
        for i, case in enumerate(cases):
            for j, actor in enumerate(actors):
                for field, _title, what, which in fields:
                    key = f"{i}-{j}-{field}"
                    self.choices[key] = Choice(self, key, options[which], f"{case}, {actor}: {what}")
            key = f"{i}-evidence"
            self.choices[key] = Choice(self, key, None, f"{case}: {evidence_name}", evidence_placeholder)
        self.observe(self._from_page, names="values")

    def names(self) -> dict[str, str]:
        """Each choice's CSS class and accessible name."""
        return {c._dom_classes[0]: c.description for c in self.choices.values()}

    def _set(self, key: str, value: str) -> None:
        new = {k: v for k, v in self.values.items() if k != key}
        if value:
            new[key] = value
        if new != self.values:
            self.values = new

    def _from_page(self, change) -> None:
        values = change["new"] or {}
        for key, choice in self.choices.items():
            value = values.get(key, "")
            if choice.value != value:
                choice.value = value

    def _mh_static_html(self) -> str:
        """The tables as plain HTML for the website, each choice as its text."""
        spec = self.spec
        out = []
        for i, case in enumerate(spec["cases"]):
            head = "".join(f"<th scope='col'>{html.escape(t)}</th>" for t in ["Actors", *[f[1] for f in spec["fields"]]])
            rows = []
            for j, actor in enumerate(spec["actors"]):
                cells = "".join(f"<td>{html.escape(self.choices[f'{i}-{j}-{f[0]}'].label)}</td>" for f in spec["fields"])
                rows.append(f"<tr><th scope='row'>{html.escape(actor)}</th>{cells}</tr>")
            evidence = self.choices[f"{i}-evidence"].value or "(empty)"
            out.append(f"<p><b>Case {i + 1}: {html.escape(case)}</b></p><table><thead><tr>{head}</tr></thead>"
                       f"<tbody>{''.join(rows)}</tbody></table><p><b>Evidence:</b> {html.escape(evidence)}</p>")
        return "".join(out)
