"""The accessibility layer under each course view: accessible names, pressed states and a visible focus ring.

ipywidgets 8 draws a slider's handle (role="slider") without an accessible name, and its toggle buttons show
which one is selected only by colour.  ``A11y`` is an invisible anywidget placed in a view: in the browser it
watches the view's DOM and gives every slider handle the name of its label (or a name given here), every
toggle button ``aria-pressed`` (kept in step with the selection), every slider handle ``aria-valuetext`` (the value as its
readout shows it, "10%" rather than 0.1), every group of toggle buttons a name and
the role "group", and every control of the view a focus ring that shows (3 px, the palette's blue).
"""

from __future__ import annotations

import anywidget
import ipywidgets as w
import traitlets

from ..plotwidget import FigureView, plotly_loader

_ESM = r"""
const STYLE_ID = 'mh-a11y-style';
const CSS_TEXT = `
.mh-view :focus-visible, .mh-view .noUi-handle:focus, .mh-view button:focus, .mh-view select:focus,
.mh-view input:focus, .mh-view [contenteditable]:focus {
  outline: 3px solid #0072B2 !important; outline-offset: 2px !important; box-shadow: none;
}
.mh-view .widget-toggle-button[aria-pressed="true"] { font-weight: bold; }
`;

function nameOf(box, names) {
  for (const cls of box.classList) if (names[cls]) return names[cls];
  const label = box.querySelector(':scope > .widget-label');
  const text = label ? label.textContent.trim() : '';
  return text || null;
}

function fix(root, names) {
  for (const handle of root.querySelectorAll('.noUi-handle[role="slider"]')) {
    const box = handle.closest('.widget-slider, .jupyter-widget-slider, .widget-inline-hbox');
    const name = box && nameOf(box, names);
    if (name && handle.getAttribute('aria-label') !== name) handle.setAttribute('aria-label', name);
    // a screen reader announces aria-valuenow (0.1) unless aria-valuetext says what the readout shows (10%)
    const readout = box && box.querySelector('.widget-readout');
    const shown = readout ? (readout.textContent || readout.value || '').trim() : '';
    if (shown && handle.getAttribute('aria-valuetext') !== shown) handle.setAttribute('aria-valuetext', shown);
  }
  for (const group of root.querySelectorAll('.widget-toggle-buttons')) {
    if (group.parentElement && group.parentElement.closest('.widget-toggle-buttons')) continue;  // the inner row
    const name = nameOf(group, names);
    if (group.getAttribute('role') !== 'group') group.setAttribute('role', 'group');
    if (name && group.getAttribute('aria-label') !== name) group.setAttribute('aria-label', name);
  }
  for (const button of root.querySelectorAll('.widget-toggle-button')) {
    const pressed = button.classList.contains('mod-active') ? 'true' : 'false';
    if (button.getAttribute('aria-pressed') !== pressed) button.setAttribute('aria-pressed', pressed);
  }
  for (const [cls, name] of Object.entries(names)) {
    for (const el of root.querySelectorAll('.' + CSS.escape(cls))) {
      const target = el.querySelector('select, input, textarea') || null;
      if (target && target.getAttribute('aria-label') !== name) target.setAttribute('aria-label', name);
    }
  }
}

function render({ model, el }) {
  el.classList.add('mh-a11y');
  if (!document.getElementById(STYLE_ID)) {
    const style = document.createElement('style');
    style.id = STYLE_ID;
    style.textContent = CSS_TEXT;
    document.head.appendChild(style);
  }
  let observer = null, pending = false, root = null;
  const run = () => { pending = false; if (root) fix(root, model.get('names') || {}); };
  const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(run); } };
  const attach = () => {
    root = el.closest('.mh-view');
    if (!root) { setTimeout(attach, 100); return; }
    run();
    observer = new MutationObserver(schedule);
    // 'aria-valuenow' and the readout's text: a moved slider gets its new aria-valuetext
    observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ['class', 'aria-valuenow'] });
  };
  attach();
  model.on('change:names', schedule);
  return () => { if (observer) observer.disconnect(); };
}
export default { render };
"""


class A11y(anywidget.AnyWidget):
    """Invisible: put one in a view (a box with the class ``mh-view``). ``names`` maps a control's CSS class
    to the accessible name its slider, toggle group or input should have when its description is not enough."""

    _esm = _ESM
    names = traitlets.Dict().tag(sync=True)

    def __init__(self, names: dict[str, str] | None = None, **kwargs):
        super().__init__(names=dict(names or {}), layout=w.Layout(width="0px", height="0px", overflow="hidden"), **kwargs)


def view(children: list, names: dict[str, str] | None = None, css: str = "") -> w.VBox:
    """A course view: the children in a column, with the accessibility layer and the class ``mh-view``."""
    children = [getattr(child, "widget", child) if not isinstance(child, w.Widget) else child for child in children]
    if any(isinstance(child, FigureView) for child in children):
        children.append(plotly_loader())
    box = w.VBox([*children, A11y(names)])
    box.add_class("mh-view")
    if css:
        box.add_class(css)
    return box
